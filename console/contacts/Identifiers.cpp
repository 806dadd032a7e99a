#include <civic/contacts/Identifiers.h>

#include <civic/Text.h>
#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <vector>

namespace civic::contacts {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

namespace {

const PhoneNumberUtil& Util() { return *PhoneNumberUtil::GetInstance(); }

} // namespace

std::string Phone::Key() const { return extension.empty() ? e164 : e164 + ";ext=" + extension; }

PhoneNormalizer::PhoneNormalizer(std::string region) : m_region(std::move(region))
{
    std::transform(m_region.begin(), m_region.end(), m_region.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    int code = Util().GetCountryCodeForRegion(m_region);
    if (code == 0) {
        m_region = "US";
        code = 1;
    }
    m_country_code = std::to_string(code);
}

Result<Phone> PhoneNormalizer::Normalize(std::string_view input) const
{
    std::string text = Trim(input);
    if (text.rfind("tel:", 0) == 0)
        text = text.substr(4); // RFC 3966, as softphones hand it over
    if (text.empty())
        return Error{ErrorKind::Invalid, "the phone number is empty"};
    PhoneNumber number;
    const auto err = Util().Parse(text, m_region, &number);
    switch (err) {
    case PhoneNumberUtil::NO_PARSING_ERROR:
        break;
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
        return Error{ErrorKind::Invalid, "'" + text + "' starts with a country code that does not exist"};
    case PhoneNumberUtil::TOO_SHORT_NSN:
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
        return Error{ErrorKind::Invalid, "'" + text + "' is too short for a phone number"};
    case PhoneNumberUtil::TOO_LONG_NSN:
        return Error{ErrorKind::Invalid, "'" + text + "' is too long for a phone number"};
    default:
        return Error{ErrorKind::Invalid, "'" + text + "' is not a phone number"};
    }
    // Possible (the right length for its country) rather than valid (a number
    // range in use): metadata lags behind new ranges, and refusing a caller's
    // real number costs more than keeping an odd one.
    if (!Util().IsPossibleNumber(number))
        return Error{ErrorKind::Invalid, "'" + text + "' has the wrong number of digits for its country"};
    Phone p;
    Util().Format(number, PhoneNumberUtil::E164, &p.e164);
    if (number.has_extension())
        p.extension = number.extension();
    return p;
}

std::string PhoneNormalizer::Display(const Phone& phone) const
{
    PhoneNumber number;
    if (Util().Parse(phone.e164, m_region, &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return phone.Key();
    std::string region;
    Util().GetRegionCodeForNumber(number, &region);
    std::string out;
    Util().Format(number, region == m_region ? PhoneNumberUtil::NATIONAL : PhoneNumberUtil::INTERNATIONAL,
                  &out);
    if (!phone.extension.empty())
        out += " ext. " + phone.extension;
    return out;
}

std::string PhoneNormalizer::DisplayKey(std::string_view key) const
{
    Phone p;
    const auto semi = key.find(";ext=");
    p.e164 = std::string(key.substr(0, semi));
    if (semi != std::string_view::npos)
        p.extension = std::string(key.substr(semi + 5));
    return Display(p);
}

std::string PhoneNormalizer::PartialKey(std::string_view input) const
{
    std::string text = Trim(input);
    if (text.rfind("tel:", 0) == 0)
        text = text.substr(4);
    std::string digits;
    for (char c : text)
        if (std::isdigit(static_cast<unsigned char>(c)))
            digits += c;
    if (digits.size() < 3)
        return {};
    if (!text.empty() && text[0] == '+')
        return "+" + digits;
    if (text.rfind("00", 0) == 0 || text.rfind("011", 0) == 0)
        return "+" + digits.substr(text.rfind("011", 0) == 0 ? 3 : 2); // international prefixes
    // A national number; in North America a leading 1 is the trunk prefix.
    if (m_country_code == "1" && digits.size() == 11 && digits[0] == '1')
        digits.erase(0, 1);
    else if (m_country_code != "1" && digits[0] == '0')
        digits.erase(0, 1); // most other countries' trunk prefix
    return "+" + m_country_code + digits;
}

Result<std::string> NormalizeEmail(std::string_view input)
{
    std::string text = Trim(input);
    while (Lower(text.substr(0, 7)) == "mailto:") // a scheme in any case, as often as it was pasted
        text = Trim(text.substr(7));
    if (const auto q = text.find('?'); q != std::string::npos)
        text = Trim(text.substr(0, q)); // mailto:x@y?subject=...; what is left trimmed again (fuzz_identifiers)
    const auto at = text.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= text.size() || text.find('@', at + 1) != std::string::npos ||
        std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7F; }) ||
        text.find('.', at) == std::string::npos)
        return Error{ErrorKind::Invalid, "'" + text + "' is not an e-mail address (name@example.org)"};
    return Lower(text);
}

Result<std::string> NormalizeSocial(std::string_view input)
{
    std::string text = Trim(input);
    std::string network;
    if (const auto colon = text.find(':'); colon != std::string::npos && text.find('@') > colon) {
        network = Lower(Trim(text.substr(0, colon)));
        text = Trim(text.substr(colon + 1));
    }
    if (!text.empty() && text[0] != '@')
        text = "@" + text;
    if (text.size() < 2 || text.find(' ') != std::string::npos)
        return Error{ErrorKind::Invalid, "'" + std::string(input) + "' is not a social media handle (@name)"};
    return (network.empty() ? "" : network + ":") + Lower(text);
}

std::string NormalizeAddress(std::string_view input)
{
    static const std::map<std::string, std::string, std::less<>> kWords = {
        // street suffixes (USPS Publication 28, appendix C1: the common ones)
        {"STREET", "ST"}, {"STR", "ST"}, {"AVENUE", "AVE"}, {"AV", "AVE"}, {"AVN", "AVE"},
        {"ROAD", "RD"}, {"BOULEVARD", "BLVD"}, {"BOUL", "BLVD"}, {"DRIVE", "DR"}, {"DRV", "DR"},
        {"LANE", "LN"}, {"COURT", "CT"}, {"PLACE", "PL"}, {"TERRACE", "TER"}, {"PARKWAY", "PKWY"},
        {"HIGHWAY", "HWY"}, {"SQUARE", "SQ"}, {"CIRCLE", "CIR"}, {"ALLEY", "ALY"}, {"PIKE", "PIKE"},
        {"EXPRESSWAY", "EXPY"}, {"TURNPIKE", "TPKE"}, {"WAY", "WAY"}, {"PLAZA", "PLZ"},
        // directions
        {"NORTH", "N"}, {"SOUTH", "S"}, {"EAST", "E"}, {"WEST", "W"}, {"NORTHEAST", "NE"},
        {"NORTHWEST", "NW"}, {"SOUTHEAST", "SE"}, {"SOUTHWEST", "SW"},
        // unit designators: one spelling, so "Apt 3" and "#3" match
        {"APARTMENT", "UNIT"}, {"APT", "UNIT"}, {"UNIT", "UNIT"}, {"#", "UNIT"}, {"NO", "UNIT"},
        {"SUITE", "STE"}, {"FLOOR", "FL"}, {"ROOM", "RM"}, {"BUILDING", "BLDG"},
        // ordinal street names
        {"FIRST", "1ST"}, {"SECOND", "2ND"}, {"THIRD", "3RD"}, {"FOURTH", "4TH"}, {"FIFTH", "5TH"},
        {"SIXTH", "6TH"}, {"SEVENTH", "7TH"}, {"EIGHTH", "8TH"}, {"NINTH", "9TH"}, {"TENTH", "10TH"},
        {"ELEVENTH", "11TH"}, {"TWELFTH", "12TH"},
    };
    // Words: letters and digits; '#' is a word of its own ("#3B" -> "# 3B").
    std::vector<std::string> words;
    std::string w;
    auto flush = [&] {
        if (!w.empty())
            words.push_back(std::move(w));
        w.clear();
    };
    for (unsigned char c : input) {
        if (std::isalnum(c) || c >= 0x80) {
            w += static_cast<char>(std::toupper(c));
        } else if (c == '#') {
            flush();
            words.emplace_back("#");
        } else if (c == '-' && !w.empty() && std::isdigit(static_cast<unsigned char>(w.back()))) {
            w += '-'; // house numbers like 12-14 and units like 3-B stay whole
        } else {
            flush();
        }
    }
    flush();
    std::string out;
    for (size_t i = 0; i < words.size(); ++i) {
        std::string word = words[i];
        while (!word.empty() && word.back() == '-')
            word.pop_back();
        if (auto it = kWords.find(word); it != kWords.end()) {
            // "NO" is only a unit marker before a number ("No. 5"), and a direction
            // word is left alone as the whole street name ("North St" stays N ST).
            // The next word is judged as it will be written: "No Tenth" is
            // "NO 10TH", then "UNIT 10TH" on a second reading unless "TENTH"
            // counts as the number it becomes (found by fuzz_identifiers).
            auto next_is_number = [&] {
                if (i + 1 >= words.size())
                    return false;
                const auto n = kWords.find(words[i + 1]);
                const std::string& next = n == kWords.end() ? words[i + 1] : n->second;
                return std::isdigit(static_cast<unsigned char>(next[0])) != 0;
            };
            if (word == "NO" && !next_is_number())
                ;
            else
                word = it->second;
        }
        if (word == "UNIT" && !out.empty() && out.size() >= 5 && out.compare(out.size() - 5, 5, " UNIT") == 0)
            continue; // "Apt #3": one marker
        if (!word.empty())
            out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

bool LooksLikePhone(std::string_view text)
{
    int digits = 0;
    for (char c : text) {
        if (std::isdigit(static_cast<unsigned char>(c)))
            ++digits;
        else if (!std::strchr(" +-().xXet", c) || c == '\0') // "x12", "ext. 12"
            return false;
    }
    return digits >= 3;
}

} // namespace civic::contacts
