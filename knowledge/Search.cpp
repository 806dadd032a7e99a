// Search: turns what an agent types into an FTS5 MATCH expression that finds
// what they mean — stems, synonyms, one typo per word — then ranks with BM25
// (title and keywords above summary above body, Bm25.cpp). Snippets.cpp cuts
// the snippets shown with each hit.
#include <civic/Edits.h>
#include <civic/Text.h>
#include <civic/kb/Html.h>
#include <civic/kb/KnowledgeBase.h>

#include <algorithm>
#include <cctype>
#include <limits>

namespace civic::kb {
namespace {

// Typo correction is only tried on words this long: shorter ones have too many
// neighbours one edit away.
constexpr size_t kMinTypoLength = 4;
constexpr size_t kMaxTypoCandidates = 6;
// Words completed from each prefix one edit away from a word being typed.
constexpr size_t kTypoCompletions = 2;
constexpr size_t kMaxSynonymWords = 4;
// A known word held by fewer articles than this may be a slip for a more
// used word one edit away.
constexpr int kFewArticles = 3;
constexpr std::int64_t kNoSlips = std::numeric_limits<std::int64_t>::max();
// A word being typed shorter than this matches too many bodies to rank while
// the agent types; it is looked for in titles and keywords only.
constexpr size_t kMinBodyPrefix = 3;
constexpr int kRankWindow = 400;
// How many of the best BM25 candidates are re-ranked by title coverage, and
// how much a title fully covered by the query multiplies the score.
constexpr int kRerankCandidates = 30;
constexpr double kTitleCoverageWeight = 1.0;
// A word being typed is completed to its most used known words, as
// autocomplete does: FTS5 then reads a few doclists, not every word's with
// that prefix. The index keeps no prefix indexes for that reason: they
// tripled the postings an import writes.
constexpr size_t kCompletions = 10;
// The most of a query that is searched: a long question fits.
constexpr size_t kMaxQueryBytes = 400;
constexpr size_t kMaxQueryWords = 16;

std::string Quote(const std::string& term)
{
    std::string q = "\"";
    for (char c : term)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// The MATCH expression for the title index: titles and keywords with a word
// the two letters being typed start.
std::string TitleMatch(const KnowledgeBase::QueryTerms& q) { return Quote(q.title_prefix) + "*"; }

std::string Phrase(const std::vector<std::string>& words)
{
    std::string p;
    for (const auto& w : words)
        p += (p.empty() ? "" : " ") + w;
    return Quote(p);
}

} // namespace

std::vector<std::string> KnowledgeBase::WordVariants(const std::string& word)
{
    // The index holds every word's stems beside it, so a word's stems match
    // the word and all its inflections alike. Querying the word as well would
    // score its exact form twice and rank "pothole" above "potholes".
    const auto& stems = m_stemmer->Stems(word);
    if (stems.empty())
        return {word};
    return stems;
}

std::string KnowledgeBase::BuildMatch(const std::string& text, bool last_word_complete)
{
    QueryTerms terms;
    std::string match = BuildMatch(text, last_word_complete, &terms);
    if (!terms.title_prefix.empty())
        match += match.empty() ? "titles: " + TitleMatch(terms) : " (titles starting " + TitleMatch(terms) + " first)";
    return match;
}

bool KnowledgeBase::MatchesTerm(const std::string& word, const QueryTerms& q)
{
    if (std::find(q.terms.begin(), q.terms.end(), word) != q.terms.end())
        return true;
    for (const auto& p : q.prefixes)
        if (word.compare(0, p.size(), p) == 0)
            return true;
    for (const auto& stem : m_stemmer->Stems(word))
        if (std::find(q.terms.begin(), q.terms.end(), stem) != q.terms.end())
            return true;
    return false;
}

double KnowledgeBase::TitleCoverage(const std::string& title, const QueryTerms& q)
{
    int words = 0, covered = 0;
    for (const auto& t : m_db->FoldTokens(title)) {
        if (m_stop_words->count(t.text))
            continue;
        ++words;
        covered += MatchesTerm(t.text, q) ? 1 : 0;
    }
    return words ? static_cast<double>(covered) / words : 0.0;
}

void KnowledgeBase::AddPrefixSlips(const std::string& w, std::vector<std::string>& alts, std::int64_t above)
{
    // Prefixes one edit away, each completed to its most used words like any
    // word being typed: a short prefix ("whi" from "whic") would otherwise
    // read the postings of every word it starts.
    size_t found = 0;
    for (const auto& e : Edits1(w)) {
        if (found >= kMaxTypoCandidates)
            break;
        bool any = false;
        for (const auto& c : Completions(e, kTypoCompletions)) {
            if (c == w || static_cast<std::int64_t>(m_vocabulary.find(c)->second) <= above)
                continue;
            any = true;
            if (std::find(alts.begin(), alts.end(), Quote(c)) == alts.end())
                alts.push_back(Quote(c));
        }
        found += any ? 1 : 0;
    }
}

void KnowledgeBase::AddWordSlips(const std::string& w, std::vector<std::string>& alts, std::int64_t above)
{
    std::vector<std::string> candidates;
    for (const auto& e : Edits1(w)) {
        const auto it = m_vocabulary.find(e);
        if (e != w && it != m_vocabulary.end() && static_cast<std::int64_t>(it->second) > above &&
            std::find(candidates.begin(), candidates.end(), e) == candidates.end())
            candidates.push_back(e);
    }
    // Prefer corrections that keep the first letter: typos there are rarer.
    std::stable_partition(candidates.begin(), candidates.end(),
                          [&](const std::string& c) { return c[0] == w[0]; });
    if (candidates.size() > kMaxTypoCandidates)
        candidates.resize(kMaxTypoCandidates);
    for (const auto& c : candidates)
        for (const auto& v : WordVariants(c))
            if (std::find(alts.begin(), alts.end(), Quote(v)) == alts.end())
                alts.push_back(Quote(v));
}

int KnowledgeBase::ArticlesHolding(const std::vector<std::string>& alts, const std::string& language, int limit)
{
    std::string match;
    for (const auto& a : alts)
        match += (match.empty() ? "" : " OR ") + a;
    if (match.empty())
        return 0;
    auto q = m_db->Prepare(
        "SELECT count(*) FROM (SELECT 1 FROM article_fts WHERE article_fts MATCH ?1 "
        "  AND (?2 = '' OR EXISTS (SELECT 1 FROM article f INDEXED BY article_filter "
        "    WHERE f.id = article_fts.rowid AND (f.language = ?2 OR f.language LIKE ?2 || '-%'))) "
        "  LIMIT ?3)");
    q.BindAll(match, language, limit);
    return q.Step().Value() ? static_cast<int>(q.Int(0)) : 0;
}

std::string KnowledgeBase::BuildMatch(const std::string& text, bool last_word_complete,
                                      QueryTerms* collected, const std::string& language)
{
    // A query is a few words; a pasted page is searched by its beginning and
    // its first distinct words, so its cost stays that of a long question.
    const std::string_view bounded = TruncateUtf8(text, kMaxQueryBytes);
    if (bounded.size() < text.size())
        last_word_complete = true;
    std::vector<std::string> words;
    for (auto& t : m_db->FoldTokens(bounded))
        if (std::find(words.begin(), words.end(), t.text) == words.end() && words.size() < kMaxQueryWords)
            words.push_back(std::move(t.text));
    // Stop words carry no meaning, unless they are all there is ("to be").
    // Stop words are not in the index, so they are left out of the query; a
    // stop word still being typed stays when it begins other words ("wat" ->
    // "water").
    std::vector<std::string> kept;
    for (size_t i = 0; i < words.size(); ++i) {
        const bool partial = i + 1 == words.size() && !last_word_complete;
        if (partial && words[i].size() < 2)
            continue; // one letter typed so far says nothing yet
        if (!m_stop_words->count(words[i]))
            kept.push_back(words[i]);
        else if (partial && !Completions(words[i], 1).empty())
            kept.push_back(words[i]);
    }
    if (kept.empty())
        return {};

    std::vector<std::string> groups;
    for (size_t i = 0; i < kept.size();) {
        // The longest synonym phrase starting here ("pot hole" before "pot").
        bool matched = false;
        for (size_t len = std::min(kMaxSynonymWords, kept.size() - i); len >= 1 && !matched; --len) {
            if (len == 1 && i + 1 == kept.size() && !last_word_complete)
                break; // a word still being typed is not a synonym yet
            const std::vector<std::string> key(kept.begin() + static_cast<long>(i),
                                               kept.begin() + static_cast<long>(i + len));
            auto it = m_synonyms.find(key);
            if (it == m_synonyms.end() && len == 1) {
                for (const auto& stem : m_stemmer->Stems(key[0]))
                    if ((it = m_synonyms.find({stem})) != m_synonyms.end())
                        break;
            }
            if (it == m_synonyms.end())
                continue;
            std::vector<std::string> alts;
            auto add = [&](const std::vector<std::string>& member) {
                if (member.size() == 1) {
                    for (const auto& v : WordVariants(member[0]))
                        alts.push_back(Quote(v));
                } else {
                    alts.push_back(Phrase(member));
                }
            };
            add(key);
            for (const auto& other : it->second)
                add(other);
            if (collected) {
                for (const auto& w : key)
                    for (const auto& v : WordVariants(w))
                        collected->terms.push_back(v);
                for (const auto& member : it->second)
                    for (const auto& w : member)
                        for (const auto& v : WordVariants(w))
                            collected->terms.push_back(v);
            }
            std::sort(alts.begin(), alts.end());
            alts.erase(std::unique(alts.begin(), alts.end()), alts.end());
            std::string g;
            for (const auto& a : alts)
                g += (g.empty() ? "" : " OR ") + a;
            groups.push_back("(" + g + ")");
            i += len;
            matched = true;
        }
        if (matched)
            continue;

        const std::string& w = kept[i];
        const bool partial = i + 1 == kept.size() && !last_word_complete;
        std::vector<std::string> alts;
        if (partial && w.size() < kMinBodyPrefix) {
            if (collected) {
                collected->title_prefix = w;
                collected->prefixes.push_back(w);
            }
            ++i;
            continue;
        }
        const bool known = m_vocabulary.count(w) > 0;
        const auto completions = partial ? Completions(w, kCompletions) : std::vector<std::string>{};
        // A known word may still be a slip. When no article in the language
        // searched holds it ("grafiti" is in the Spanish articles; an agent
        // searching English ones meant "graffiti"), any word one edit away
        // may be meant; when only a few articles hold it, only words more
        // used than it ("grafiti" without a language finds "graffiti" too,
        // "graffiti" does not find "grafiti").
        const auto slips_above = [&]() -> std::int64_t {
            if (w.size() < kMinTypoLength)
                return kNoSlips;
            const int holding = ArticlesHolding(alts, language, kFewArticles);
            if (holding == 0)
                return -1;
            return holding < kFewArticles ? static_cast<std::int64_t>(m_vocabulary.find(w)->second) : kNoSlips;
        };
        if (partial && !completions.empty()) {
            if (known)
                alts.push_back(Quote(w));
            for (const auto& c : completions)
                if (c != w)
                    alts.push_back(Quote(c));
            if (known)
                if (const auto above = slips_above(); above != kNoSlips)
                    AddPrefixSlips(w, alts, above);
        } else if (known || w.size() < kMinTypoLength) {
            if (partial)
                alts.push_back(Quote(w) + "*");
            else
                for (const auto& v : WordVariants(w))
                    alts.push_back(Quote(v));
            if (known && !partial)
                if (const auto above = slips_above(); above != kNoSlips)
                    AddWordSlips(w, alts, above);
        } else if (partial) {
            // A word being typed that starts no known word: the agent probably
            // slipped inside it ("grafi" for "graffi…").
            alts.push_back(Quote(w) + "*");
            AddPrefixSlips(w, alts, -1);
        } else {
            // Unknown word: its own stems (an unseen inflection still matches),
            // and what the agent probably meant, one edit away.
            for (const auto& v : WordVariants(w))
                alts.push_back(Quote(v));
            AddWordSlips(w, alts, -1);
        }
        if (collected)
            for (const auto& a : alts) {
                // Alternatives hold quoted terms and "term"* prefixes, some
                // behind a column filter; folded tokens hold no quotes.
                for (size_t open = a.find('"'); open != std::string::npos; open = a.find('"', open)) {
                    const size_t close = a.find('"', open + 1);
                    if (close == std::string::npos)
                        break;
                    std::string term = a.substr(open + 1, close - open - 1);
                    if (close + 1 < a.size() && a[close + 1] == '*')
                        collected->prefixes.push_back(std::move(term));
                    else
                        collected->terms.push_back(std::move(term));
                    open = close + 1;
                }
            }
        std::string g;
        for (const auto& a : alts)
            g += (g.empty() ? "" : " OR ") + a;
        groups.push_back(alts.size() == 1 ? g : "(" + g + ")");
        ++i;
    }
    std::string match;
    for (const auto& g : groups)
        match += (match.empty() ? "" : " AND ") + g;
    return match;
}

std::string KnowledgeBase::PhraseCounts(std::string_view match)
{
    // Phrases are numbered as they appear in the expression; BuildMatch
    // quotes every one. A single term's count is kept in term_docs; a prefix
    // or a phrase of several words is left for FTS5 to count ("-").
    std::string counts;
    for (size_t open = match.find('"'); open != std::string_view::npos; open = match.find('"', open)) {
        std::string term;
        size_t i = open + 1;
        for (; i < match.size(); ++i) {
            if (match[i] == '"' && (i + 1 == match.size() || match[i + 1] != '"'))
                break;
            if (match[i] == '"')
                ++i; // "" inside quotes is one quote
            term += match[i];
        }
        open = i + 1;
        const bool prefix = open < match.size() && match[open] == '*';
        std::int64_t docs = -1;
        if (!prefix && term.find(' ') == std::string::npos) {
            auto q = m_db->Prepare("SELECT docs FROM term_docs WHERE term = ?1");
            docs = q.Bind(1, term).Step().Value() ? q.Int(0) : 0;
        }
        counts += (counts.empty() ? "" : " ") + (docs < 0 ? std::string("-") : std::to_string(docs));
    }
    return counts;
}

Result<std::vector<SearchHit>> KnowledgeBase::Search(const SearchQuery& query)
{
    const bool complete = !query.text.empty() &&
                          std::isspace(static_cast<unsigned char>(query.text.back()));
    QueryTerms terms;
    const std::string match = BuildMatch(query.text, complete || query.record_if_empty, &terms, query.language);
    std::vector<SearchHit> hits;
    if (match.empty() && terms.title_prefix.empty())
        return hits;

    // Rank first, without snippets: SQLite would otherwise cut a snippet for
    // every match before sorting. Only the first kRankWindow matches are
    // ranked: a word in nearly every article (a prefix being typed, a common
    // word) would otherwise cost a BM25 score per article, and such words
    // carry little information anyway. Queries with fewer matches are ranked
    // in full.
    // The window is ranked from the index alone: the filters are read from
    // article_filter, and the rows (bodies and all) only for the candidates
    // kept. A word of two letters being typed, alone, is ranked in the small
    // title index; after other words it only puts the titles it starts first
    // (RankHits), since filtering on it meant reading every match of the
    // other words.
    const bool titles_only = match.empty();
    const std::string fts = titles_only ? "article_titles" : "article_fts";
    const std::string sql =
        "SELECT a.id, a.uid, a.title, a.language, a.category, a.status, r.score FROM ("
        "  SELECT " + fts + ".rowid AS id, " +
        (titles_only ? "bm25(article_titles, 10.0, 6.0)" : "civic_bm25(article_fts, 10.0, 6.0, 3.0, 1.0, ?7)") +
        " AS score FROM " + fts + " WHERE " + fts + " MATCH ?1 "
        "  AND (?2 = '' AND ?3 = '' AND ?4 = '' OR EXISTS ("
        "    SELECT 1 FROM article f INDEXED BY article_filter WHERE f.id = " + fts + ".rowid "
        "    AND (?2 = '' OR f.language = ?2 OR f.language LIKE ?2 || '-%') "
        "    AND (?3 = '' OR f.category = ?3 OR f.category LIKE ?3 || '/%') "
        "    AND (?4 = '' OR f.status = ?4))) "
        "  LIMIT ?6) r JOIN article a ON a.id = r.id "
        "ORDER BY r.score LIMIT ?5";
    auto q = m_db->Prepare(sql);
    const int limit = std::max(1, query.limit);
    q.BindAll(titles_only ? TitleMatch(terms) : match, query.language, query.category,
              query.status ? std::string(ToString(*query.status)) : std::string(),
              std::max(limit * 3, kRerankCandidates), kRankWindow,
              titles_only ? std::string() : PhraseCounts(match));
    auto ranked = RankHits(q, terms, limit);
    if (!ranked)
        return Error{ErrorKind::Invalid, "search failed: " + ranked.Err().message};
    hits = std::move(ranked).Value();
    for (auto& h : hits) {
        // The summary when it holds a query word (it is short and written to be
        // read out), else the body around its first such word. Cut here rather
        // than with FTS5's snippet(), which re-runs the query for every row and
        // cost four fifths of a search.
        auto text = m_db->Prepare("SELECT summary, body FROM article WHERE id = ?1");
        text.Bind(1, h.id);
        if (!text.Step().Value())
            continue;
        const std::string summary = text.Text(0);
        h.snippet = MakeSnippet(summary, terms);
        // The body is turned into text only when its markup may hold a query
        // word: an article found by its title alone is common, and converting
        // its whole body found nothing.
        if (h.snippet.empty() && MayHold(text.TextView(1), terms))
            h.snippet = MakeSnippet(HtmlToText(text.Text(1)), terms);
        if (h.snippet.empty())
            h.snippet = summary; // matched in the title or keywords only
    }
    if (hits.empty() && query.record_if_empty) {
        std::string text;
        for (const auto& t : m_db->FoldTokens(TruncateUtf8(query.text, kMaxQueryBytes)))
            text += (text.empty() ? "" : " ") + t.text;
        auto r = m_db->Prepare(
            "INSERT INTO missed_query(text, language, count, last_at) VALUES(?1, ?2, 1, ?3) "
            "ON CONFLICT(text, language) DO UPDATE SET count = count + 1, last_at = excluded.last_at");
        if (!text.empty())
            (void)r.BindAll(text, query.language, Now()).Run();
    }
    return hits;
}

Result<std::vector<SearchHit>> KnowledgeBase::Suggest(const std::string& text,
                                                      const std::string& language, int limit)
{
    // The rarest words of the notes say most about them.
    std::vector<std::pair<std::uint32_t, std::string>> words;
    for (auto& t : m_db->FoldTokens(text)) {
        if (t.text.size() < 3 || m_stop_words->count(t.text) || !m_vocabulary.count(t.text))
            continue;
        if (std::any_of(words.begin(), words.end(), [&](const auto& w) { return w.second == t.text; }))
            continue;
        words.emplace_back(m_vocabulary.find(t.text)->second, t.text);
    }
    std::vector<SearchHit> hits;
    if (words.empty())
        return hits;
    std::sort(words.begin(), words.end());
    if (words.size() > 8)
        words.resize(8);
    std::string match;
    QueryTerms terms;
    for (const auto& [df, w] : words)
        for (const auto& v : WordVariants(w)) {
            match += (match.empty() ? "" : " OR ") + Quote(v);
            terms.terms.push_back(v);
        }

    auto q = m_db->Prepare(
        "SELECT a.id, a.uid, a.title, a.language, a.category, a.status, r.score FROM ("
        "  SELECT article_fts.rowid AS id, civic_bm25(article_fts, 10.0, 6.0, 3.0, 1.0, ?4) AS score "
        "  FROM article_fts WHERE article_fts MATCH ?1 AND EXISTS ("
        "    SELECT 1 FROM article f INDEXED BY article_filter WHERE f.id = article_fts.rowid "
        "    AND f.status = 'published' AND (?2 = '' OR f.language = ?2)) "
        "  ORDER BY score LIMIT ?3) r JOIN article a ON a.id = r.id ORDER BY r.score");
    q.BindAll(match, language, std::max(limit * 3, kRerankCandidates), PhraseCounts(match));
    return RankHits(q, terms, limit);
}

Result<std::vector<SearchHit>> KnowledgeBase::RankHits(store::Query& q, const QueryTerms& terms,
                                                       int limit)
{
    // Columns: id, uid, title, language, category, status, bm25 score.
    std::vector<SearchHit> hits;
    auto r = q.ForEach([&](store::Query& row) {
        SearchHit h;
        h.id = row.Int(0);
        h.uid = row.Text(1);
        h.title = row.Text(2);
        h.language = row.Text(3);
        h.category = row.Text(4);
        h.status = StatusFromString(row.Text(5)).value_or(Status::Draft);
        h.score = row.Real(6);
        hits.push_back(std::move(h));
    });
    if (!r)
        return r.Err();
    // FTS5's bm25() normalises by the length of the whole article, not of each
    // column, so a short article that merely mentions a word in its title beats
    // the one whose title is that word. The candidates are re-ranked by how much
    // of their title the query covers.
    for (auto& h : hits)
        h.score *= 1.0 + kTitleCoverageWeight * TitleCoverage(h.title, terms);
    std::stable_sort(hits.begin(), hits.end(),
                     [](const SearchHit& a, const SearchHit& b) { return a.score < b.score; });
    // Two letters being typed after other words: the titles they start come first.
    if (!terms.title_prefix.empty())
        std::stable_partition(hits.begin(), hits.end(), [&](const SearchHit& h) {
            const auto words = m_db->FoldTokens(h.title);
            return std::any_of(words.begin(), words.end(),
                               [&](const auto& t) { return t.text.starts_with(terms.title_prefix); });
        });
    if (hits.size() > static_cast<size_t>(limit))
        hits.resize(static_cast<size_t>(limit));
    return hits;
}

Result<std::vector<MissedQuery>> KnowledgeBase::MissedQueries(int limit)
{
    std::vector<MissedQuery> out;
    auto q = m_db->Prepare("SELECT text, language, count, last_at FROM missed_query "
                           "ORDER BY count DESC, last_at DESC LIMIT ?1");
    auto r = q.Bind(1, limit).ForEach([&](store::Query& row) {
        out.push_back({row.Text(0), row.Text(1), static_cast<int>(row.Int(2)), row.Int(3)});
    });
    if (!r)
        return r.Err();
    return out;
}

} // namespace civic::kb
