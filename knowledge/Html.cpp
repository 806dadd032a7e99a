#include <civic/kb/Html.h>

#include <civic/Text.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace civic::kb {
namespace {

constexpr std::array kAllowedTags = {"p",  "br", "ul",    "ol",    "li",    "strong",     "b",
                                     "em", "i",  "u",     "h2",    "h3",    "h4",         "a",
                                     "table", "thead", "tbody", "tr", "th", "td", "blockquote",
                                     "code", "pre", "hr", "span", "div", "sub", "sup"};
constexpr std::array kVoidTags = {"br", "hr"};
// Elements whose content is code or chrome, never article text.
constexpr std::array kDropWithContent = {"script", "style",  "iframe", "object",   "embed",
                                         "noscript", "template", "svg", "math",   "head",
                                         "title",  "textarea", "select", "frameset", "applet"};
// Elements open at once. Finding the element a close tag ends searches the
// open ones, so unbounded nesting made a page of open tags quadratic.
constexpr size_t kMaxOpenElements = 64;
constexpr std::array kBlockTags = {"p",  "br", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                                   "tr", "div", "blockquote", "pre", "hr", "ul", "ol", "table"};

template <size_t N>
bool In(const std::array<const char*, N>& set, std::string_view name)
{
    return std::any_of(set.begin(), set.end(), [&](const char* s) { return name == s; });
}

// A character reference's code point as text; NUL, surrogates and numbers
// past Unicode become U+FFFD, as HTML has it.
void AppendReference(std::string& out, std::uint32_t cp)
{
    if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    AppendUtf8(out, cp);
}

// Decodes one entity at s[i] == '&'. Returns the bytes consumed (0 if none).
size_t DecodeEntity(std::string_view s, size_t i, std::string& out)
{
    // Looked for only as far as the longest entity: a search to the end for
    // every '&' made a body of ampersands quadratic.
    const size_t semi = s.substr(i, 12).find(';');
    if (semi == std::string_view::npos)
        return 0;
    const std::string_view name = s.substr(i + 1, semi - 1);
    if (name.empty())
        return 0;
    if (name[0] == '#') {
        std::uint32_t cp = 0;
        const bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
        const std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty())
            return 0;
        for (char c : digits) {
            const int v = std::isdigit(static_cast<unsigned char>(c))        ? c - '0'
                          : hex && std::isxdigit(static_cast<unsigned char>(c)) ? std::tolower(c) - 'a' + 10
                                                                               : -1;
            if (v < 0)
                return 0;
            cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
            if (cp > 0x10FFFF)
                cp = 0xFFFD;
        }
        AppendReference(out, cp);
        return semi + 1;
    }
    static const std::pair<const char*, std::uint32_t> kNamed[] = {
        {"amp", '&'},      {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
        {"apos", '\''},    {"nbsp", 0xA0},    {"ndash", 0x2013}, {"mdash", 0x2014},
        {"hellip", 0x2026}, {"rsquo", 0x2019}, {"lsquo", 0x2018}, {"ldquo", 0x201C},
        {"rdquo", 0x201D}, {"copy", 0xA9},    {"eacute", 0xE9},  {"aacute", 0xE1},
        {"iacute", 0xED},  {"oacute", 0xF3},  {"uacute", 0xFA},  {"ntilde", 0xF1},
        {"uuml", 0xFC},    {"bull", 0x2022},  {"deg", 0xB0}};
    for (const auto& [n, cp] : kNamed) {
        if (name == n) {
            AppendReference(out, cp);
            return semi + 1;
        }
    }
    return 0;
}

std::string DecodeEntities(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        if (s[i] == '&') {
            if (const size_t n = DecodeEntity(s, i, out)) {
                i += n;
                continue;
            }
        }
        out += s[i++];
    }
    return out;
}

struct Tag
{
    std::string name;
    bool closing = false;
    bool self_closing = false;
    std::vector<std::pair<std::string, std::string>> attributes; // values decoded
    size_t end = 0; // index just past '>'
};

enum class Parsed
{
    Tag,
    NotATag,     // a '<' followed by no tag name: text
    Unterminated // the input ends inside the tag
};

// Parses a tag starting at s[i] == '<'. An unterminated tag means no later
// '<' can start a tag either without reading to the end again, so callers
// take the rest as text: reading on from each '<' was quadratic.
Parsed ParseTag(std::string_view s, size_t i, Tag& tag)
{
    size_t p = i + 1;
    if (p < s.size() && s[p] == '/') {
        tag.closing = true;
        ++p;
    }
    const size_t name_start = p;
    while (p < s.size() && std::isalnum(static_cast<unsigned char>(s[p])))
        ++p;
    if (p == name_start || !std::isalpha(static_cast<unsigned char>(s[name_start])))
        return Parsed::NotATag;
    tag.name = Lower(s.substr(name_start, p - name_start));
    for (;;) {
        while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p])))
            ++p;
        if (p >= s.size())
            return Parsed::Unterminated;
        if (s[p] == '>') {
            tag.end = p + 1;
            return Parsed::Tag;
        }
        if (s[p] == '/') {
            // Self-closing only right before '>'; elsewhere a separator, as
            // browsers read <a href="x"/title="y">.
            ++p;
            tag.self_closing = p < s.size() && s[p] == '>';
            continue;
        }
        const size_t an = p;
        while (p < s.size() && !std::isspace(static_cast<unsigned char>(s[p])) && s[p] != '=' &&
               s[p] != '>' && s[p] != '/')
            ++p;
        std::string attr = Lower(s.substr(an, p - an));
        while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p])))
            ++p;
        std::string value;
        if (p < s.size() && s[p] == '=') {
            ++p;
            while (p < s.size() && std::isspace(static_cast<unsigned char>(s[p])))
                ++p;
            if (p < s.size() && (s[p] == '"' || s[p] == '\'')) {
                const char q = s[p++];
                const size_t close = s.find(q, p);
                if (close == std::string_view::npos)
                    return Parsed::Unterminated;
                value = DecodeEntities(s.substr(p, close - p));
                p = close + 1;
            } else {
                const size_t vs = p;
                while (p < s.size() && !std::isspace(static_cast<unsigned char>(s[p])) && s[p] != '>')
                    ++p;
                value = DecodeEntities(s.substr(vs, p - vs));
            }
        }
        if (attr.empty())
            ++p; // a stray character; skip it
        else
            tag.attributes.emplace_back(std::move(attr), std::move(value));
    }
}

// A link without control characters and spaces: browsers drop them inside
// a scheme ("java\tscript:"), so they are neither checked nor kept.
std::string CleanLink(std::string_view href)
{
    std::string h;
    for (char c : href)
        if (static_cast<unsigned char>(c) > 0x20 && c != 0x7F)
            h += c;
    return h;
}

bool SafeLink(const std::string& clean)
{
    const std::string h = Lower(clean);
    for (const char* scheme : {"http://", "https://", "mailto:", "tel:"})
        if (h.rfind(scheme, 0) == 0)
            return true;
    return !h.empty() && h[0] == '#';
}

bool AllDigits(std::string_view v)
{
    return !v.empty() && v.size() < 4 &&
           std::all_of(v.begin(), v.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}

std::string AllowedAttributes(const Tag& tag)
{
    std::string out;
    for (const auto& [name, value] : tag.attributes) {
        bool keep = false;
        if (tag.name == "a" && name == "href") {
            if (const std::string href = CleanLink(value); SafeLink(href))
                out += " href=\"" + EscapeHtml(href) + "\"";
            continue;
        }
        if (tag.name == "a")
            keep = name == "title";
        else if (tag.name == "td" || tag.name == "th")
            keep = (name == "colspan" || name == "rowspan") && AllDigits(value);
        else if (tag.name == "ol")
            keep = name == "start" && AllDigits(value);
        if (keep)
            out += " " + name + "=\"" + EscapeHtml(value) + "\"";
    }
    if (tag.name == "a")
        out += " rel=\"noopener noreferrer\"";
    return out;
}

} // namespace

std::string EscapeHtml(std::string_view text)
{
    std::string out;
    out.reserve(text.size() + 16);
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string SanitizeHtml(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    std::vector<std::string> open;
    std::map<std::string, int> dropped; // opened past kMaxOpenElements, by name, not yet closed
    std::string lower; // s in lower case, made when first needed
    bool tags_end = false; // an unterminated tag was met: the rest is text
    size_t i = 0;
    while (i < s.size()) {
        const char c = s[i];
        if (c == '<' && !tags_end) {
            if (s.substr(i, 4) == "<!--") {
                const size_t end = s.find("-->", i + 4);
                i = end == std::string_view::npos ? s.size() : end + 3;
                continue;
            }
            if (i + 1 < s.size() && (s[i + 1] == '!' || s[i + 1] == '?')) {
                const size_t end = s.find('>', i);
                i = end == std::string_view::npos ? s.size() : end + 1;
                continue;
            }
            Tag tag;
            if (const Parsed p = ParseTag(s, i, tag); p != Parsed::Tag) {
                tags_end = p == Parsed::Unterminated;
                out += "&lt;";
                ++i;
                continue;
            }
            i = tag.end;
            if (!tag.closing && In(kDropWithContent, tag.name)) {
                // Skip to the matching close tag, case-insensitively. The
                // input is lowered once: lowering the rest at each such tag
                // made <svg></svg> repeated quadratic.
                if (lower.empty())
                    lower = Lower(s);
                const size_t close = lower.find("</" + tag.name, i);
                if (close == std::string::npos) {
                    i = s.size();
                } else {
                    const size_t gt = s.find('>', close);
                    i = gt == std::string_view::npos ? s.size() : gt + 1;
                }
                continue;
            }
            if (!In(kAllowedTags, tag.name))
                continue;
            const bool is_void = In(kVoidTags, tag.name);
            if (tag.closing) {
                // The close of an element dropped at the nesting limit is
                // dropped with it: it would otherwise close an outer element
                // of the same name, and sanitising the result again would
                // change it.
                if (auto d = dropped.find(tag.name); d != dropped.end() && d->second > 0) {
                    --d->second;
                    continue;
                }
                auto it = std::find(open.rbegin(), open.rend(), tag.name);
                if (it == open.rend())
                    continue; // stray close tag
                // Close everything opened inside it, keeping the output well formed.
                const size_t keep = static_cast<size_t>(open.rend() - it) - 1;
                while (open.size() > keep) {
                    out += "</" + open.back() + ">";
                    open.pop_back();
                }
                continue;
            }
            if (!is_void && open.size() >= kMaxOpenElements) {
                // Deeper nesting than any article has: the text stays, the tag goes.
                if (!tag.self_closing)
                    ++dropped[tag.name];
                continue;
            }
            out += "<" + tag.name + AllowedAttributes(tag) + (is_void ? " />" : ">");
            if (!is_void && !tag.self_closing)
                open.push_back(tag.name);
            else if (!is_void)
                out += "</" + tag.name + ">";
            continue;
        }
        if (c == '&') {
            std::string decoded;
            if (const size_t n = DecodeEntity(s, i, decoded)) {
                // A control character written as an entity ("&#x10;") goes
                // as the raw one does below: kept, it would be dropped by the
                // next pass, and the stored text would change on each save.
                if (decoded.size() != 1 || static_cast<unsigned char>(decoded[0]) >= 0x20 || decoded[0] == '\n' ||
                    decoded[0] == '\t' || decoded[0] == '\r')
                    out += EscapeHtml(decoded);
                i += n;
                continue;
            }
            out += "&amp;";
            ++i;
            continue;
        }
        if (c == '<')
            out += "&lt;";
        else if (c == '>')
            out += "&gt;";
        else if (c == '"')
            out += "&quot;";
        else if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t' || c == '\r')
            out += c;
        ++i;
    }
    while (!open.empty()) {
        out += "</" + open.back() + ">";
        open.pop_back();
    }
    return out;
}

std::string HtmlToText(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    bool space = false;
    auto newline = [&] {
        while (!out.empty() && out.back() == ' ')
            out.pop_back();
        if (!out.empty() && out.back() != '\n')
            out += '\n';
        space = false;
    };
    bool tags_end = false; // an unterminated tag was met: the rest is text
    for (size_t i = 0; i < s.size();) {
        const char c = s[i];
        if (c == '<' && !tags_end) {
            Tag tag;
            const Parsed p = ParseTag(s, i, tag);
            tags_end = p == Parsed::Unterminated;
            if (p == Parsed::Tag) {
                i = tag.end;
                if (In(kBlockTags, tag.name))
                    newline();
                if (tag.name == "li" && !tag.closing)
                    out += "\u2022 ";
                continue;
            }
        }
        if (c == '&') {
            std::string decoded;
            if (const size_t n = DecodeEntity(s, i, decoded)) {
                if (decoded == "\u00A0")
                    decoded = " ";
                out += decoded;
                i += n;
                space = false;
                continue;
            }
        }
        if (std::isspace(static_cast<unsigned char>(c))) {
            if (!space && !out.empty() && out.back() != '\n')
                out += ' ';
            space = true;
        } else {
            out += c;
            space = false;
        }
        ++i;
    }
    while (!out.empty() && (out.back() == ' ' || out.back() == '\n'))
        out.pop_back();
    return out;
}

} // namespace civic::kb
