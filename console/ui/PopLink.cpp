#include "ui/PopLink.h"

#include <civic/Text.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace civic::ui {
namespace {

std::string Decode(const std::string& s)
{
    const auto hex = [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; };
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) && hex(s[i + 2])) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

} // namespace

std::optional<std::string> PopFromLink(const std::string& link)
{
    const auto colon = link.find(':');
    if (colon == std::string::npos)
        return std::nullopt;
    const std::string scheme = Lower(link.substr(0, colon));
    std::string rest = link.substr(colon + 1);
    if (rest.rfind("//", 0) == 0)
        rest.erase(0, 2);
    // Parameters and headers are about the call, not who makes it.
    rest = rest.substr(0, rest.find_first_of(scheme == "mailto" ? "?" : ";?"));
    rest = Trim(Decode(rest));
    if (scheme == "sip" || scheme == "sips") {
        // sip:+12155550100@pbx.example.org: the user part is the number.
        rest = rest.substr(0, rest.find('@'));
    }
    if (rest.empty() || std::any_of(rest.begin(), rest.end(), [](char c) {
            return static_cast<unsigned char>(c) < 0x20;
        }))
        return std::nullopt;
    static constexpr std::array<const char*, 5> kPhone{"tel", "callto", "sip", "sips", "phone"};
    if (std::find(kPhone.begin(), kPhone.end(), scheme) != kPhone.end())
        return "tel:" + rest;
    if (scheme == "mailto")
        return "mailto:" + rest;
    return std::nullopt;
}

} // namespace civic::ui
