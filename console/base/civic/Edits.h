// Edits1: the spelling corrections one typo away, for finding articles and
// contacts by words typed in a hurry.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic {

// Every string one edit away (delete, transpose, replace, insert) over ASCII
// letters — the index folds diacritics, so "grafíti" is already "grafiti".
inline std::vector<std::string> Edits1(const std::string& w)
{
    std::vector<std::string> out;
    static constexpr std::string_view kLetters = "abcdefghijklmnopqrstuvwxyz";
    for (size_t i = 0; i < w.size(); ++i)
        out.push_back(w.substr(0, i) + w.substr(i + 1));
    for (size_t i = 0; i + 1 < w.size(); ++i) {
        std::string t = w;
        std::swap(t[i], t[i + 1]);
        out.push_back(std::move(t));
    }
    for (size_t i = 0; i < w.size(); ++i)
        for (char c : kLetters)
            if (c != w[i]) {
                std::string t = w;
                t[i] = c;
                out.push_back(std::move(t));
            }
    for (size_t i = 0; i <= w.size(); ++i)
        for (char c : kLetters)
            out.push_back(w.substr(0, i) + c + w.substr(i));
    return out;
}

} // namespace civic
