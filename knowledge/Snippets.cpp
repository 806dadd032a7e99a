// Snippets: the words around a hit's first match, with the matched words
// marked (kMarkOpen/kMarkClose, replaced for display by ReplaceMarks).
// Cutting them is most of a search's time on long bodies, hence the byte
// search ahead of tokenizing (MakeSnippet).
#include <civic/Text.h>
#include <civic/kb/KnowledgeBase.h>

#include <algorithm>
#include <cctype>

namespace civic::kb {

std::string ReplaceMarks(std::string_view snippet, std::string_view open, std::string_view close)
{
    std::string out;
    out.reserve(snippet.size() + 16);
    for (char c : snippet) {
        if (c == kMarkOpen)
            out += open;
        else if (c == kMarkClose)
            out += close;
        else
            out += c;
    }
    return out;
}

std::string KnowledgeBase::SnippetIn(std::string_view text, bool cut_before, bool cut_after,
                                     const QueryTerms& q)
{
    constexpr size_t kBefore = 5, kWords = 18;
    struct Span
    {
        int start, end;
        bool mark;
    };
    // The last few words before the first match, then the words after it.
    std::vector<Span> spans;
    bool found = false, more = false;
    std::string word;
    m_db->ScanTokens(text, [&](std::string_view token, int start, int end) {
        if (found && spans.size() >= kWords) {
            more = true;
            return false;
        }
        word.assign(token);
        const bool mark = !m_stop_words->count(word) && MatchesTerm(word, q);
        if (!found && !mark) {
            if (spans.size() == kBefore)
                spans.erase(spans.begin());
            spans.push_back({start, end, false});
            return true;
        }
        found = true;
        spans.push_back({start, end, mark});
        return true;
    });
    if (!found)
        return {};
    std::string out = cut_before || spans.front().start > 0 ? "\u2026" : "";
    size_t pos = static_cast<size_t>(spans.front().start);
    for (const auto& sp : spans) {
        out.append(text.substr(pos, static_cast<size_t>(sp.start) - pos));
        if (sp.mark)
            out += kMarkOpen;
        out.append(text.substr(static_cast<size_t>(sp.start), static_cast<size_t>(sp.end - sp.start)));
        if (sp.mark)
            out += kMarkClose;
        pos = static_cast<size_t>(sp.end);
    }
    if (more || (cut_after && spans.size() >= kWords))
        out += "\u2026";
    return out;
}

namespace {

bool HasNonAscii(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

// Where a query term starts a word of the lower-cased text; npos if nowhere.
size_t FirstWordStart(const std::string& lower, const std::string& term, size_t before)
{
    for (size_t at = lower.find(term); at != std::string::npos && at < before; at = lower.find(term, at + 1))
        if (at == 0 || !std::isalnum(static_cast<unsigned char>(lower[at - 1])))
            return at;
    return std::string::npos;
}

} // namespace

bool KnowledgeBase::MayHold(std::string_view text, const QueryTerms& q)
{
    // Folded terms miss accented spellings byte for byte: such text is
    // always looked at.
    if (HasNonAscii(text))
        return true;
    const std::string lower = Lower(text);
    for (const auto* list : {&q.terms, &q.prefixes})
        for (const auto& t : *list)
            if (FirstWordStart(lower, t, std::string::npos) != std::string::npos)
                return true;
    return false;
}

std::string KnowledgeBase::MakeSnippet(const std::string& text, const QueryTerms& q)
{
    // Tokenizing a whole body to find its first match costs more than the
    // search itself. Query terms and stems are lower-case prefixes of the words
    // they match, so a byte search finds where to look and only a window there
    // is tokenized. When that finds nothing (accented text, which folded terms
    // do not match byte for byte), the whole text is scanned.
    const std::string lower = Lower(text);
    size_t best = std::string::npos;
    for (const auto* list : {&q.terms, &q.prefixes})
        for (const auto& t : *list)
            best = std::min(best, FirstWordStart(lower, t, best));
    if (best != std::string::npos) {
        constexpr size_t kLead = 240, kSpan = 900;
        size_t from = best > kLead ? text.find(' ', best - kLead) : 0;
        if (from == std::string::npos || from > best)
            from = best;
        const std::string_view window = std::string_view(text).substr(from, kSpan);
        auto snippet = SnippetIn(window, from > 0, from + window.size() < text.size(), q);
        if (!snippet.empty())
            return snippet;
    }
    // Nothing byte for byte: only accented text can still hold a folded match.
    return HasNonAscii(text) ? SnippetIn(text, false, false, q) : std::string();
}

} // namespace civic::kb
