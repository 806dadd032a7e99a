// Reading a stored payload, {"request": {...}, "service_name": "..."}, into
// the request. A delivery round reads a thousand of them and nlohmann's
// parser, even event by event, cost a fifth of the round's instructions
// (most of it its character-at-a-time lexer), as much as libcurl's own
// request building. The payloads are our own output, so one pass over the
// text with no tree and no copies but the values kept does. It is strict:
// anything it is not sure of (a malformed or odd document, a number out of
// range, deeper nesting than a payload has) returns false and nlohmann's
// reader, which decides what the store holds, reads it instead.
#include "OutboxRows.h"

#include <civic/Text.h>

#include <charconv>
#include <cmath>

namespace civic::sync::detail {

namespace {

// The request's text members, as RequestJson writes them.
constexpr std::pair<std::string_view, std::string crm::NewRequest::*> kTextMembers[] = {
    {"service_code", &crm::NewRequest::service_code}, {"address", &crm::NewRequest::address},
    {"address_id", &crm::NewRequest::address_id},     {"email", &crm::NewRequest::email},
    {"first_name", &crm::NewRequest::first_name},     {"last_name", &crm::NewRequest::last_name},
    {"phone", &crm::NewRequest::phone},               {"description", &crm::NewRequest::description},
    {"media_url", &crm::NewRequest::media_url}};

class Reader
{
public:
    Reader(std::string_view text, crm::NewRequest& r, std::string& service_name)
        : m_p(text.data()), m_end(text.data() + text.size()), m_r(r), m_service_name(service_name)
    {
    }

    bool Read()
    {
        Space();
        if (m_p == m_end || *m_p != '{')
            return false;
        if (!Object(Where::Top))
            return false;
        Space();
        if (m_p != m_end)
            return false;
        if (!(m_lat && m_lon)) {
            m_r.lat.reset();
            m_r.lon.reset();
        }
        return true;
    }

private:
    // Whose member or element a value is. The canonical shape has containers
    // in four places only (the document, "request", its "attributes", and
    // each attribute's list of values); one anywhere else is left to the
    // general reader, so the two can never read a document differently.
    enum class Where
    {
        Top,        // a member of the document
        Request,    // a member of "request"
        Attributes, // a member of "attributes": one attribute's values
        Values,     // an element of one attribute's values
    };

    void Space()
    {
        while (m_p != m_end && (*m_p == ' ' || *m_p == '\n' || *m_p == '\r' || *m_p == '\t'))
            ++m_p;
    }

    bool Take(char c)
    {
        Space();
        if (m_p == m_end || *m_p != c)
            return false;
        ++m_p;
        return true;
    }

    // The value of member `key` (or an element of attribute `key`'s values).
    bool Value(Where where, std::string_view key)
    {
        Space();
        if (m_p == m_end)
            return false;
        switch (*m_p) {
        case '{':
            if (where == Where::Top && key == "request")
                return Object(Where::Request);
            if (where == Where::Request && key == "attributes")
                return Object(Where::Attributes);
            return false;
        case '[': return where == Where::Attributes && Array(key);
        case '"': {
            std::string s;
            if (!String(s))
                return false;
            Keep(where, key, std::move(s));
            return true;
        }
        case 't': return Word("true");
        case 'f': return Word("false");
        case 'n': return Word("null");
        default: return Number(where, key);
        }
    }

    // An object whose members are `members`; m_p is at its '{'.
    bool Object(Where members)
    {
        ++m_p;
        if (Take('}'))
            return true;
        do {
            std::string name;
            Space();
            if (!String(name) || !Take(':') || !Value(members, name))
                return false;
        } while (Take(','));
        return Take('}');
    }

    // An attribute's values; m_p is at its '['.
    bool Array(std::string_view code)
    {
        ++m_p;
        if (Take(']'))
            return true;
        do {
            if (!Value(Where::Values, code))
                return false;
        } while (Take(','));
        return Take(']');
    }

    void Keep(Where where, std::string_view key, std::string&& s)
    {
        if (where == Where::Top && key == "service_name") {
            m_service_name = std::move(s);
        } else if (where == Where::Request) {
            for (const auto& [name, field] : kTextMembers)
                if (key == name) {
                    m_r.*field = std::move(s);
                    return;
                }
        } else if (where == Where::Values) {
            m_r.attributes[std::string(key)].push_back(std::move(s));
        }
    }

    bool Word(std::string_view w)
    {
        if (static_cast<size_t>(m_end - m_p) < w.size() || std::string_view(m_p, w.size()) != w)
            return false;
        m_p += w.size();
        return true;
    }

    // JSON's number grammar exactly, then from_chars; out of range is not ours to decide.
    bool Number(Where where, std::string_view key)
    {
        const char* start = m_p;
        auto digits = [&] {
            const char* d = m_p;
            while (m_p != m_end && *m_p >= '0' && *m_p <= '9')
                ++m_p;
            return m_p - d;
        };
        if (m_p != m_end && *m_p == '-')
            ++m_p;
        if (m_p != m_end && *m_p == '0')
            ++m_p;
        else if (digits() == 0)
            return false;
        if (m_p != m_end && *m_p == '.') {
            ++m_p;
            if (digits() == 0)
                return false;
        }
        if (m_p != m_end && (*m_p == 'e' || *m_p == 'E')) {
            ++m_p;
            if (m_p != m_end && (*m_p == '+' || *m_p == '-'))
                ++m_p;
            if (digits() == 0)
                return false;
        }
        double v = 0;
        const auto [end, ec] = std::from_chars(start, m_p, v);
        if (ec != std::errc() || end != m_p || !std::isfinite(v))
            return false;
        if (where == Where::Request && key == "lat")
            m_r.lat = v, m_lat = true;
        else if (where == Where::Request && key == "long")
            m_r.lon = v, m_lon = true;
        return true;
    }

    bool Hex4(unsigned& cp)
    {
        if (m_end - m_p < 4)
            return false;
        cp = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = *m_p++;
            cp <<= 4;
            if (c >= '0' && c <= '9')
                cp |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f')
                cp |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                cp |= static_cast<unsigned>(c - 'A' + 10);
            else
                return false;
        }
        return true;
    }

    // One UTF-8 sequence starting at m_p (a byte >= 0x80), well formed as
    // RFC 3629 has it (no overlong forms, no surrogates, none past U+10FFFF).
    bool Utf8(std::string& out)
    {
        const auto b = [&](ptrdiff_t i) { return static_cast<unsigned char>(m_p[i]); };
        const unsigned char c = b(0);
        int n = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1;
        else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else
            return false;
        if (m_end - m_p <= n)
            return false;
        if (b(1) < lo || b(1) > hi)
            return false;
        for (int i = 2; i <= n; ++i)
            if (b(i) < 0x80 || b(i) > 0xBF)
                return false;
        out.append(m_p, static_cast<size_t>(n + 1));
        m_p += n + 1;
        return true;
    }

    bool String(std::string& out)
    {
        if (m_p == m_end || *m_p != '"')
            return false;
        ++m_p;
        for (;;) {
            // The plain run up to the next quote, escape, control or non-ASCII byte.
            const char* run = m_p;
            while (m_p != m_end) {
                const auto c = static_cast<unsigned char>(*m_p);
                if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
                    break;
                ++m_p;
            }
            out.append(run, static_cast<size_t>(m_p - run));
            if (m_p == m_end)
                return false;
            const auto c = static_cast<unsigned char>(*m_p);
            if (c == '"') {
                ++m_p;
                return true;
            }
            if (c < 0x20)
                return false;
            if (c >= 0x80) {
                if (!Utf8(out))
                    return false;
                continue;
            }
            // An escape.
            if (++m_p == m_end)
                return false;
            const char e = *m_p++;
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                unsigned cp = 0;
                if (!Hex4(cp))
                    return false;
                if (cp >= 0xDC00 && cp <= 0xDFFF)
                    return false; // a low surrogate alone
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned low = 0;
                    if (m_end - m_p < 2 || m_p[0] != '\\' || m_p[1] != 'u')
                        return false;
                    m_p += 2;
                    if (!Hex4(low) || low < 0xDC00 || low > 0xDFFF)
                        return false;
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
                }
                AppendUtf8(out, cp);
                break;
            }
            default: return false;
            }
        }
    }

    const char* m_p;
    const char* m_end;
    crm::NewRequest& m_r;
    std::string& m_service_name;
    bool m_lat = false, m_lon = false;
};

} // namespace

bool ReadPayloadFast(std::string_view text, crm::NewRequest& r, std::string& service_name)
{
    return Reader(text, r, service_name).Read();
}

} // namespace civic::sync::detail
