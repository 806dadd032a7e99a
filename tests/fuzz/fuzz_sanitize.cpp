// The article sanitiser and its plain-text reading. Besides not crashing:
// what comes out is safe (no script, no event handler, no unsafe link), every
// tag it writes is closed, and sanitising it again changes nothing.
#include <civic/kb/Html.h>
#include <civic/Text.h>

#include "FuzzInput.h"

namespace {

// One tag as the sanitiser writes it, lower-cased and without its '>':
// <name, then name="value" pairs (values escaped, so no '"' inside). Only
// allowed attributes, and an href only with a safe scheme.
void CheckTag(const std::string& tag)
{
    using civic::fuzz::Check;
    if (tag.size() > 1 && tag[1] == '/')
        return; // a close tag: nothing but its name
    size_t p = tag.find_first_of(" /");
    while (p != std::string::npos && p < tag.size()) {
        while (p < tag.size() && (tag[p] == ' ' || tag[p] == '/'))
            ++p;
        if (p >= tag.size())
            break;
        const size_t eq = tag.find("=\"", p);
        Check(eq != std::string::npos);
        const std::string name = tag.substr(p, eq - p);
        const size_t close = tag.find('"', eq + 2);
        Check(close != std::string::npos);
        const std::string value = tag.substr(eq + 2, close - eq - 2);
        Check(name == "href" || name == "title" || name == "rel" || name == "colspan" || name == "rowspan" ||
              name == "start");
        if (name == "href") {
            bool safe = !value.empty() && value[0] == '#';
            for (const char* scheme : {"http://", "https://", "mailto:", "tel:"})
                safe = safe || value.rfind(scheme, 0) == 0;
            Check(safe);
        }
        p = close + 1;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    const std::string html = fuzz::Text(data, size);
    const std::string once = kb::SanitizeHtml(html);
    const std::string lower = Lower(once);
    fuzz::Check(lower.find("<script") == std::string::npos);
    for (std::size_t at = lower.find('<'); at != std::string::npos; at = lower.find('<', at + 1)) {
        const std::size_t end = lower.find('>', at);
        fuzz::Check(end != std::string::npos);
        CheckTag(lower.substr(at, end - at));
    }
    fuzz::Check(kb::SanitizeHtml(once) == once);
    (void)kb::HtmlToText(html);
    (void)kb::HtmlToText(once);
    return 0;
}
