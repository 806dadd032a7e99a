// Small text helpers every library needs the same way.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace civic {

// Without leading and trailing spaces, tabs and line ends.
inline std::string Trim(std::string_view s)
{
    const auto b = s.find_first_not_of(" \t\r\n");
    if (b == std::string_view::npos)
        return {};
    return std::string(s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1));
}

// ASCII lower case; other bytes (UTF-8) unchanged.
inline std::string Lower(std::string_view s)
{
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// At most max_bytes of s, cut before a UTF-8 sequence rather than inside one.
inline std::string_view TruncateUtf8(std::string_view s, std::size_t max_bytes)
{
    if (s.size() <= max_bytes)
        return s;
    std::size_t end = max_bytes;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80)
        --end;
    return s.substr(0, end);
}

} // namespace civic
