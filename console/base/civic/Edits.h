// Edits1: the spelling corrections one typo away, for finding articles and
// contacts by words typed in a hurry.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace civic {

// Words longer than this are not corrected: the variants of a word number 54
// times its length and each is as long as the word, so a pasted 10,000-letter
// "word" would take gigabytes; no word a caller says is this long.
inline constexpr std::size_t kMaxEditableWord = 32;

// Every string one edit away (delete, transpose, replace, insert) over ASCII
// letters — the index folds diacritics, so "grafíti" is already "grafiti".
// None for a word longer than kMaxEditableWord.
inline std::vector<std::string> Edits1(const std::string& w)
{
    std::vector<std::string> out;
    if (w.size() > kMaxEditableWord)
        return out;
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
