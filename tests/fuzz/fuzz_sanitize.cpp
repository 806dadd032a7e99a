// The article sanitiser and its plain-text reading. Besides not crashing:
// what comes out is safe (no script, no event handler, no unsafe link), every
// tag it writes is closed, and sanitising it again changes nothing.
#include <civic/kb/Html.h>
#include <civic/Text.h>

#include "FuzzInput.h"

namespace {

// The attribute names of one written tag, "<a href="..." title="...""
// (values are quoted and escaped by the sanitiser), and its href.
void CheckTag(const std::string& tag)
{
    using civic::fuzz::Check;
    std::string outside; // the tag without its quoted values
    bool quoted = false;
    for (char c : tag) {
        if (c == '"')
            quoted = !quoted;
        else if (!quoted)
            outside += c;
    }
    Check(!quoted);
    for (const char* bad : {" on", " style", " src", " srcdoc", " formaction"})
        Check(outside.find(bad) == std::string::npos);
    if (const auto href = tag.find(" href=\""); href != std::string::npos) {
        const std::string link = tag.substr(href + 7);
        bool safe = link[0] == '#';
        for (const char* scheme : {"http://", "https://", "mailto:", "tel:"})
            safe = safe || link.rfind(scheme, 0) == 0;
        Check(safe);
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
