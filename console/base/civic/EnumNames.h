// An enum's stable names (stored, sent, typed in files) as one table per
// enum, read both ways by the two functions here.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace civic {

// The name of e in table; fallback when the table lacks it.
template <class E, std::size_t N>
const char* NameOf(E e, const std::pair<E, const char*> (&table)[N], const char* fallback = "")
{
    for (const auto& [value, name] : table)
        if (value == e)
            return name;
    return fallback;
}

// The value named s; nullopt for a name the table does not hold.
template <class E, std::size_t N>
std::optional<E> FromName(std::string_view s, const std::pair<E, const char*> (&table)[N])
{
    for (const auto& [value, name] : table)
        if (s == name)
            return value;
    return std::nullopt;
}

} // namespace civic
