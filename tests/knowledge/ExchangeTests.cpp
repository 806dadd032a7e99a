#include <boost/test/unit_test.hpp>

#include "KbFixture.h"

using namespace civic;
using namespace civic::kb;
using civic::test::KbFixture;
using civic::test::TempDir;
using civic::test::WriteFile;

namespace {
bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
int Count(KnowledgeBase& kb) { return kb.GetStats()->articles; }
} // namespace

BOOST_AUTO_TEST_SUITE(Exchange)

BOOST_FIXTURE_TEST_CASE(starter_knowledge_base_loads_on_first_run, KbFixture)
{
    auto n = kb->SeedIfEmpty(CIVICDESK_TEST_SOURCE_DIR "/resources/knowledge/seed.xml");
    BOOST_TEST_REQUIRE(n.IsOk(), (n.IsOk() ? "" : n.Err().message));
    const auto stats = kb->GetStats().Value();
    BOOST_TEST(stats.by_language.at("en") >= 60);
    BOOST_TEST(stats.by_language.at("es") >= 15);
    BOOST_TEST(stats.synonyms > 5);
    // Second start: nothing loaded twice.
    BOOST_TEST(kb->SeedIfEmpty(CIVICDESK_TEST_SOURCE_DIR "/resources/knowledge/seed.xml").Value() == 0);
    // The seed answers the calls 311 gets most.
    for (const char* q : {"missed trash ", "pothole ", "street light ", "snow emergency ",
                          "no heat ", "rats ", "parking ticket ", "bulk pickup "})
        BOOST_TEST(!Titles(q).empty(), q);
    BOOST_TEST(!Titles("basura ", {.language = "es"}).empty());
}

BOOST_FIXTURE_TEST_CASE(export_then_import_loses_nothing, KbFixture)
{
    TempDir dir;
    const auto id = Publish(Make("Pools", "Open in June."));
    auto copy = kb->StartEdit(manager, id);
    auto a = kb->Get(copy.Value());
    BOOST_TEST(kb->SaveDraft(manager, a->id, Make("Pools", "Open in late June."), a->revision).IsOk());
    auto es = kb->CreateDraft(manager, Make("Piscinas", "Abren en junio.", "", "es"),
                              kb->Get(id)->translation_group);
    BOOST_TEST_REQUIRE(es.IsOk());
    BOOST_TEST(kb->AddSynonyms(manager, {"pool", "swimming"}).IsOk());
    BOOST_TEST(kb->ExportXml(dir / "kb.xml").Value() == 2);

    auto other = KnowledgeBase::Open(":memory:", test::ShippedOptions());
    BOOST_TEST_REQUIRE(other.IsOk());
    auto& kb2 = *other.Value();
    auto imported = kb2.ImportXml(dir / "kb.xml", manager);
    BOOST_TEST_REQUIRE(imported.IsOk(), (imported.IsOk() ? "" : imported.Err().message));
    BOOST_TEST(imported.Value() == 2);

    const auto uid = kb->Get(id)->uid;
    auto before = kb->History(uid).Value();
    auto after = kb2.History(uid).Value();
    BOOST_TEST_REQUIRE(before.size() == after.size());
    for (size_t i = 0; i < before.size(); ++i) {
        BOOST_TEST(before[i].number == after[i].number);
        BOOST_TEST(before[i].author == after[i].author);
        BOOST_TEST(before[i].note == after[i].note);
        BOOST_TEST((kb->GetRevision(uid, before[i].number)->content ==
                    kb2.GetRevision(uid, after[i].number)->content));
    }
    BOOST_TEST((kb2.GetByUid(uid)->content == kb->GetByUid(uid)->content));
    auto translations = kb2.Translations(kb2.GetByUid(uid)->id);
    BOOST_TEST_REQUIRE(translations->size() == 1u);
    BOOST_TEST(translations->front().content.title == "Piscinas");
    BOOST_TEST(kb2.Synonyms()->size() == 1u);

    // Importing the same file again changes nothing.
    BOOST_TEST(kb2.ImportXml(dir / "kb.xml", manager).IsOk());
    BOOST_TEST(kb2.History(uid)->size() == after.size());
}

BOOST_FIXTURE_TEST_CASE(malformed_xml_names_the_line_and_imports_nothing, KbFixture)
{
    TempDir dir;
    WriteFile(dir / "bad.xml", "<?xml version=\"1.0\"?>\n<knowledge-base version=\"1\">\n"
                               "  <article uid=\"a1\"><title>One</title><body>x</body></article>\n"
                               "  <article uid=\"a2\"><title>Two</title><body>x</body>\n"
                               "</knowledge-base>\n");
    auto r = kb->ImportXml(dir / "bad.xml", manager);
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().kind == ErrorKind::Parse);
    BOOST_TEST(Contains(r.Err().message, "line 5"), r.Err().message);
    BOOST_TEST(Count(*kb) == 0);
}

BOOST_FIXTURE_TEST_CASE(an_invalid_article_names_its_element_and_nothing_is_half_imported, KbFixture)
{
    TempDir dir;
    WriteFile(dir / "bad.xml", "<knowledge-base version=\"1\">\n"
                               "  <article uid=\"a1\"><title>One</title><body>x</body></article>\n"
                               "  <article uid=\"a2\" status=\"maybe\">\n"
                               "    <title>Two</title></article>\n"
                               "</knowledge-base>\n");
    auto r = kb->ImportXml(dir / "bad.xml", manager);
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(Contains(r.Err().message, "line 3, <article>"), r.Err().message);
    BOOST_TEST(Contains(r.Err().message, "maybe"));
    BOOST_TEST(Count(*kb) == 0);

    // A failure while writing (second article repeats a language in its group)
    // rolls back the first.
    WriteFile(dir / "dup.xml", "<knowledge-base version=\"1\">\n"
                               "  <article uid=\"a1\" translation-group=\"g\"><title>One</title></article>\n"
                               "  <article uid=\"a2\" translation-group=\"g\"><title>Two</title></article>\n"
                               "</knowledge-base>\n");
    r = kb->ImportXml(dir / "dup.xml", manager);
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(Contains(r.Err().message, "line 3"), r.Err().message);
    BOOST_TEST(Count(*kb) == 0);
    BOOST_TEST(Titles("one ", {.status = std::nullopt}).empty());
}

BOOST_FIXTURE_TEST_CASE(a_load_cut_short_does_not_leave_the_index_unmerged, KbFixture)
{
    // Import switches FTS5's merging off while files load; a process killed
    // meanwhile would leave it off, and searches would slow as edits pile up
    // small segments. Opening the store switches it back on.
    TempDir dir;
    const auto automerge = [](KnowledgeBase& k) {
        auto q = k.Db().Prepare("SELECT v FROM article_fts_config WHERE k = 'automerge'");
        return q.Step().Value() ? q.Int(0) : -1;
    };
    {
        auto k = KnowledgeBase::Open(dir / "kb.db", civic::test::ShippedOptions());
        BOOST_TEST_REQUIRE(k.IsOk());
        BOOST_TEST_REQUIRE(k.Value()->Db().Exec("INSERT INTO article_fts(article_fts, rank) VALUES('automerge', 0)").IsOk());
        BOOST_TEST(automerge(*k.Value()) == 0);
    }
    auto k = KnowledgeBase::Open(dir / "kb.db", civic::test::ShippedOptions());
    BOOST_TEST_REQUIRE(k.IsOk());
    BOOST_TEST(automerge(*k.Value()) == 4);
    // A finished import leaves it on too.
    WriteFile(dir / "a.csv", "title,body,status\nCooling centers,Open when it is hot.,published\n");
    BOOST_TEST(k.Value()->Import({dir / "a.csv"}, manager).Value() == 1);
    BOOST_TEST(automerge(*k.Value()) == 4);
}

BOOST_FIXTURE_TEST_CASE(csv_from_a_spreadsheet_imports_with_quotes_and_line_breaks, KbFixture)
{
    TempDir dir;
    WriteFile(dir / "kb.csv",
              "\xEF\xBB\xBFTitle,Body,Keywords,Language,Status\n"
              "Bulk pickup,\"Two items a week.\n\nMattresses wrapped, please.\",\"bulk, couch\",en,published\n"
              "\"Recogida \"\"especial\"\"\",Dos art\xC3\xAD" "culos,,es,draft\n");
    auto r = kb->ImportCsv(dir / "kb.csv", manager);
    BOOST_TEST_REQUIRE(r.IsOk(), (r.IsOk() ? "" : r.Err().message));
    BOOST_TEST(r.Value() == 2);
    auto hits = kb->Search(SearchQuery{.text = "mattresses "});
    BOOST_TEST_REQUIRE(hits->size() == 1u);
    auto a = kb->Get(hits->front().id);
    BOOST_TEST(a->content.body == "<p>Two items a week.</p><p>Mattresses wrapped, please.</p>");
    BOOST_TEST(a->content.keywords == "bulk, couch");
    BOOST_TEST(!Titles("especial ", {.status = Status::Draft}).empty());
}

BOOST_FIXTURE_TEST_CASE(csv_errors_name_the_line, KbFixture)
{
    TempDir dir;
    WriteFile(dir / "a.csv", "title,body\nOne,x\nTwo,x,extra\n");
    auto r = kb->ImportCsv(dir / "a.csv", manager);
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(Contains(r.Err().message, "line 3"), r.Err().message);
    WriteFile(dir / "b.csv", "title,body,colour\nOne,x,red\n");
    r = kb->ImportCsv(dir / "b.csv", manager);
    BOOST_TEST(Contains(r.Err().message, "unknown column 'colour'"), r.Err().message);
    WriteFile(dir / "c.csv", "title,body\nOne,\"never closed\n");
    r = kb->ImportCsv(dir / "c.csv", manager);
    BOOST_TEST(Contains(r.Err().message, "line 2"), r.Err().message);
    BOOST_TEST(Count(*kb) == 0);
}

BOOST_FIXTURE_TEST_CASE(imported_bodies_are_sanitised, KbFixture)
{
    TempDir dir;
    WriteFile(dir / "x.xml", "<knowledge-base version=\"1\"><article uid=\"x\" status=\"published\">"
                             "<title>Evil</title><body>&lt;p onclick=\"steal()\"&gt;Hi&lt;/p&gt;"
                             "&lt;script&gt;steal()&lt;/script&gt;</body></article></knowledge-base>");
    BOOST_TEST_REQUIRE(kb->ImportXml(dir / "x.xml", manager).IsOk());
    const auto body = kb->GetByUid("x")->content.body;
    BOOST_TEST(body == "<p>Hi</p>");
}

BOOST_AUTO_TEST_SUITE_END()
