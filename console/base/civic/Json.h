// ParseJson: JSON from outside the console (a CRM's answer, a wrap-up file)
// read within limits. nlohmann's parser takes any depth and any count of
// values, and what it builds is copied and printed recursively: a list nested
// 100,000 deep overflows the stack, a 60 MB answer of tiny values takes
// gigabytes, and a number like 1e400 throws an exception other than a parse
// error. One linear pass over the text measures depth and values first, so a
// hostile answer is refused with a message before anything is built.
//
// Include from targets that link nlohmann_json.
#pragma once

#include <civic/sdk/Result.h>

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace civic {

struct JsonLimits
{
    // Deeper than any answer GeoReport v2 or a wrap-up has (four or five).
    std::size_t max_depth = 64;
    // A CRM's largest answer, a page of a thousand requests, holds tens of
    // thousands; a million values take about 100 MB once parsed.
    std::size_t max_values = 1'000'000;
};

namespace detail {

// Depth and a bound on the count of values (each comma, colon and opening
// bracket starts one), skipping strings. Errors name what was too large.
inline Result<void> MeasureJson(std::string_view text, const JsonLimits& limits, const std::string& name)
{
    std::size_t depth = 0, values = 1;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                in_string = false;
            continue;
        }
        switch (c) {
        case '"': in_string = true; break;
        case '[':
        case '{':
            if (++depth > limits.max_depth)
                return Error{ErrorKind::Parse, name + ": nested deeper than " + std::to_string(limits.max_depth) +
                                                   " levels (byte " + std::to_string(i) + "); not read"};
            ++values;
            break;
        case ']':
        case '}':
            if (depth > 0)
                --depth;
            break;
        case ',':
        case ':': ++values; break;
        default: break;
        }
        if (values > limits.max_values)
            return Error{ErrorKind::Parse, name + ": holds more than " + std::to_string(limits.max_values) +
                                               " values; not read"};
    }
    return Ok();
}

} // namespace detail

// The parsed document, or a Parse error naming `name` and what is wrong: not
// JSON (with the byte), too deep, too many values, a number out of range.
inline Result<nlohmann::json> ParseJson(std::string_view text, const std::string& name, const JsonLimits& limits = {})
{
    if (auto r = detail::MeasureJson(text, limits, name); !r)
        return r.Err();
    try {
        return nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        return Error{ErrorKind::Parse, name + ": not valid JSON (byte " + std::to_string(e.byte) + ")"};
    } catch (const nlohmann::json::out_of_range&) {
        return Error{ErrorKind::Parse, name + ": holds a number too large to read"};
    } catch (const nlohmann::json::exception& e) {
        return Error{ErrorKind::Parse, name + ": " + e.what()};
    }
}

// The text of a document holding strings from outside (a CRM's answer, an
// agent's file): bytes that are not UTF-8 become U+FFFD instead of making
// nlohmann throw, which ended the process in the middle of a delivery.
inline std::string DumpJson(const nlohmann::json& j)
{
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace civic
