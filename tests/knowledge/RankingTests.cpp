// BM25 as the knowledge base registers it (Bm25.cpp), against FTS5's own bm25().
#include <boost/test/unit_test.hpp>

#include <civic/kb/Bm25.h>

#include <map>

using namespace civic;
using namespace civic::store;

namespace {

std::unique_ptr<Database> OpenMemory()
{
    auto db = Database::Open(":memory:", std::span<const Migration>());
    BOOST_TEST_REQUIRE(db.IsOk());
    return std::move(db).Value();
}

} // namespace

BOOST_AUTO_TEST_SUITE(Ranking)

// Scores of rows matching `match`, by rowid, from a rank expression.
std::map<std::int64_t, double> Scores(Database& db, const std::string& rank, const std::string& match)
{
    std::map<std::int64_t, double> out;
    auto q = db.Prepare("SELECT rowid, " + rank + " FROM doc WHERE doc MATCH ?1");
    q.Bind(1, match);
    while (q.Step().Value())
        out[q.Int(0)] = q.Real(1);
    return out;
}

struct RankFixture
{
    std::unique_ptr<Database> db = OpenMemory();
    RankFixture()
    {
        BOOST_TEST_REQUIRE(kb::RegisterBm25(*db, "rank_with_counts").IsOk());
        BOOST_TEST_REQUIRE(db->Exec("CREATE VIRTUAL TABLE doc USING fts5(title, body);"
                                    "INSERT INTO doc(rowid, title, body) VALUES"
                                    " (1, 'pothole repair', 'crews fill the pothole'),"
                                    " (2, 'trash pickup', 'a pothole is not trash'),"
                                    " (3, 'street lights', 'report a dark street light'),"
                                    " (4, 'trash', 'trash day and missed trash'),"
                                    " (5, 'noise', 'loud music at night'), (6, 'trees', 'fallen limbs'),"
                                    " (7, 'permits', 'block party permits'), (8, 'rodents', 'rats in the alley')")
                               .IsOk());
    }
};

BOOST_FIXTURE_TEST_CASE(without_counts_it_scores_as_fts5_bm25, RankFixture)
{
    const auto ours = Scores(*db, "rank_with_counts(doc, 4.0, 1.0)", "pothole OR trash");
    const auto fts5 = Scores(*db, "bm25(doc, 4.0, 1.0)", "pothole OR trash");
    BOOST_TEST_REQUIRE(ours.size() == 3u);
    for (const auto& [id, score] : fts5)
        BOOST_TEST(ours.at(id) == score, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(Scores(*db, "rank_with_counts(doc, 4.0, 1.0, '- -')", "pothole OR trash") == ours);
}

BOOST_FIXTURE_TEST_CASE(given_counts_are_used_in_phrase_order, RankFixture)
{
    // The true counts (2 rows of 8 each) give bm25's scores; a phrase said to
    // be in every row weighs (almost) nothing, so only the other one ranks.
    const auto fts5 = Scores(*db, "bm25(doc, 4.0, 1.0)", "pothole OR trash");
    const auto exact = Scores(*db, "rank_with_counts(doc, 4.0, 1.0, '2 2')", "pothole OR trash");
    for (const auto& [id, score] : fts5)
        BOOST_TEST(exact.at(id) == score, boost::test_tools::tolerance(1e-12));
    const auto common_trash = Scores(*db, "rank_with_counts(doc, 4.0, 1.0, '2 8')", "pothole OR trash");
    BOOST_TEST(common_trash.at(4) > -1e-3); // holds only trash
    BOOST_TEST(common_trash.at(1) < -0.1);  // holds only pothole
    BOOST_TEST(common_trash.at(1) == fts5.at(1), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
