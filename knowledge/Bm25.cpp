// BM25 exactly as FTS5's bm25() computes it, except for where each phrase's
// document frequency comes from. bm25() counts the rows holding each phrase
// by reading the phrase's whole doclist at every query; for a common word that
// costs more than ranking the rows asked for. Here the caller may pass the
// counts it keeps: rank(fts, w0..w(n-1) per column, counts), counts listing
// per phrase in MATCH order the number of rows holding it, or "-" to have it
// counted as bm25() does ("12 4031 -").
#include <civic/kb/Bm25.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <vector>

namespace civic::kb {
namespace {

class Bm25Query final : public store::RankQuery
{
public:
    explicit Bm25Query(store::RankRow& row)
    {
        const auto rows = row.RowCount();
        const auto tokens = row.TotalTokens();
        m_avgdl = rows > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
        const int phrases = row.PhraseCount();
        const int columns = row.ColumnCount();
        // Per column: the weight given after the table, 1 for one not given.
        for (int c = 0; c < columns; ++c)
            m_weights.push_back(c < row.ArgCount() ? row.ArgReal(c) : 1.0);
        std::string_view counts = row.ArgText(columns);
        m_idf.resize(static_cast<size_t>(phrases));
        m_freq.resize(static_cast<size_t>(phrases));
        for (int i = 0; i < phrases; ++i) {
            const auto space = counts.find(' ');
            const auto given = counts.substr(0, space);
            counts = space == std::string_view::npos ? std::string_view() : counts.substr(space + 1);
            while (!counts.empty() && counts.front() == ' ')
                counts.remove_prefix(1);
            std::int64_t hits = 0;
            const auto [end, ec] = std::from_chars(given.data(), given.data() + given.size(), hits);
            if (given.empty() || ec != std::errc() || end == given.data())
                hits = row.RowsWithPhrase(i);
            hits = std::clamp<std::int64_t>(hits, 0, rows);
            const double idf =
                std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
            m_idf[static_cast<size_t>(i)] = idf > 0.0 ? idf : 1e-6;
        }
    }

    double Score(store::RankRow& row) override
    {
        constexpr double k1 = 1.2, b = 0.75;
        std::fill(m_freq.begin(), m_freq.end(), 0.0);
        const int hits = row.HitCount();
        for (int i = 0; i < hits; ++i) {
            const auto hit = row.HitAt(i);
            if (hit.phrase < 0 || static_cast<size_t>(hit.phrase) >= m_freq.size() || hit.column < 0 ||
                static_cast<size_t>(hit.column) >= m_weights.size())
                continue;
            m_freq[static_cast<size_t>(hit.phrase)] += m_weights[static_cast<size_t>(hit.column)];
        }
        const double norm = k1 * (1 - b + b * row.RowTokens() / m_avgdl);
        double score = 0;
        for (size_t i = 0; i < m_idf.size(); ++i)
            score += m_idf[i] * (m_freq[i] * (k1 + 1.0)) / (m_freq[i] + norm);
        return -score;
    }

private:
    double m_avgdl = 1.0;
    std::vector<double> m_weights;
    std::vector<double> m_idf;
    std::vector<double> m_freq;
};

} // namespace

Result<void> RegisterBm25(store::Database& db, const std::string& name)
{
    return db.RegisterRank(name, [](store::RankRow& first) { return std::make_unique<Bm25Query>(first); });
}

} // namespace civic::kb
