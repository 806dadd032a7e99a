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

// A file of gigabytes is refused by its size, before any of it is read.
BOOST_FIXTURE_TEST_CASE(an_import_file_over_the_size_limit_is_refused_unread, KbFixture)
{
    TempDir dir;
    for (const char* name : {"huge.xml", "huge.csv"}) {
        const auto path = dir / name;
        WriteFile(path, "");
        std::filesystem::resize_file(path, 3ull * 1024 * 1024 * 1024); // sparse: nothing written
        auto r = kb->Import({path}, manager);
        BOOST_TEST_REQUIRE(!r.IsOk());
        BOOST_TEST((r.Err().kind == ErrorKind::Invalid));
        BOOST_TEST(r.Err().message.find("3072 MB is more than is read at once (at most 256 MB)") != std::string::npos,
                   r.Err().message);
    }
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
    const auto setting = [](KnowledgeBase& k, const char* name) {
        auto q = k.Db().Prepare("SELECT v FROM article_fts_config WHERE k = ?1");
        return q.Bind(1, name).Step().Value() ? q.Int(0) : -1;
    };
    {
        auto k = KnowledgeBase::Open(dir / "kb.db", civic::test::ShippedOptions());
        BOOST_TEST_REQUIRE(k.IsOk());
        BOOST_TEST_REQUIRE(k.Value()->Db().Exec("INSERT INTO article_fts(article_fts, rank) VALUES('automerge', 0);"
                                                "INSERT INTO article_fts(article_fts, rank) VALUES('crisismerge', 1000)").IsOk());
        BOOST_TEST(setting(*k.Value(), "automerge") == 0);
    }
    auto k = KnowledgeBase::Open(dir / "kb.db", civic::test::ShippedOptions());
    BOOST_TEST_REQUIRE(k.IsOk());
    BOOST_TEST(setting(*k.Value(), "automerge") == 4);
    BOOST_TEST(setting(*k.Value(), "crisismerge") == 16);
    // A finished import leaves it on too.
    WriteFile(dir / "a.csv", "title,body,status\nCooling centers,Open when it is hot.,published\n");
    BOOST_TEST(k.Value()->Import({dir / "a.csv"}, manager).Value() == 1);
    BOOST_TEST(setting(*k.Value(), "automerge") == 4);
    BOOST_TEST(setting(*k.Value(), "crisismerge") == 16);
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

// What an import writes for n articles: bodies with HTML, accents, stop
// words and words with stems in both languages; every third article without
// keywords or summary.
std::string ImportFile(int n, const std::string& body)
{
    std::string xml = "<knowledge-base version=\"1\">\n";
    for (int k = 0; k < n; ++k) {
        const std::string id = std::to_string(k);
        xml += "<article uid=\"a" + id + "\" status=\"published\"" + (k % 4 == 3 ? " language=\"es\"" : "") +
               "><title>Notice " + id + "</title>";
        if (k % 3 != 0)
            xml += "<keywords>flooding, calles</keywords><summary>For the residents of block " + id + "</summary>";
        xml += "<body>" + body + " marker" + id + "</body></article>\n";
    }
    return xml + "</knowledge-base>\n";
}

std::int64_t VocabularyUses(KnowledgeBase& kb, const std::string& term)
{
    auto q = kb.Db().Prepare("SELECT coalesce(sum(uses), 0) FROM vocabulary WHERE term = ?1");
    (void)q.Bind(1, term).Step();
    return q.Int(0);
}

std::int64_t IndexedRows(KnowledgeBase& kb, const std::string& term)
{
    auto q = kb.Db().Prepare("SELECT coalesce(sum(doc), 0) FROM article_vocab WHERE term = ?1");
    (void)q.Bind(1, term).Step();
    return q.Int(0);
}

std::int64_t KeptRows(KnowledgeBase& kb, const std::string& term)
{
    auto q = kb.Db().Prepare("SELECT coalesce(sum(docs), 0) FROM term_docs WHERE term = ?1");
    (void)q.Bind(1, term).Step();
    return q.Int(0);
}

BOOST_FIXTURE_TEST_CASE(an_import_indexes_each_article_as_saving_it_would, KbFixture)
{
    // An import makes the index terms on a second thread, ahead of writing,
    // a bounded number of articles at a time: more articles than that here.
    // The terms must be those the index makes of the text itself, or
    // removing an article's old text later would leave stale terms behind.
    TempDir dir;
    const int n = 150;
    const std::string old_body = "&lt;p&gt;Residents report &lt;b&gt;flooding&lt;/b&gt; in the parks "
                                 "and calles inundadas near the r\xC3\xADo.&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;";
    WriteFile(dir / "old.xml", ImportFile(n, old_body));
    auto r = kb->ImportXml(dir / "old.xml", manager);
    BOOST_TEST_REQUIRE(r.IsOk(), (r.IsOk() ? "" : r.Err().message));
    BOOST_TEST(r.Value() == n);
    BOOST_TEST(kb->GetByUid("a7")->content.body.find("script") == std::string::npos);
    BOOST_TEST(Titles("flooded ").size() == 10u);             // an English stem, top 10
    BOOST_TEST(!Titles("marker149 ").empty());                // the last article
    BOOST_TEST(Titles("rio ").size() == 10u);                 // diacritics folded
    BOOST_TEST(IndexedRows(*kb, "flood") == n);               // stem of flooding
    BOOST_TEST(IndexedRows(*kb, "the") == 0);                 // a stop word
    BOOST_TEST(KeptRows(*kb, "flood") == n);
    BOOST_TEST(KeptRows(*kb, "marker42") == 1);
    const auto uses = VocabularyUses(*kb, "flooding");
    BOOST_TEST(uses == n + (n - n / 3)); // every body, and the keywords of two in three

    // The same file again changes nothing: the terms made for it are not
    // counted a second time.
    BOOST_TEST_REQUIRE(kb->ImportXml(dir / "old.xml", manager).IsOk());
    BOOST_TEST(VocabularyUses(*kb, "flooding") == uses);
    BOOST_TEST(KeptRows(*kb, "flood") == n);

    // New text for every article: the old text's terms leave the index.
    WriteFile(dir / "new.xml", ImportFile(n, "Snow routes are plowed first."));
    BOOST_TEST_REQUIRE(kb->ImportXml(dir / "new.xml", manager).IsOk());
    for (const char* gone : {"parks", "park", "inundadas", "rio"})
        BOOST_TEST(IndexedRows(*kb, gone) == 0, gone);
    BOOST_TEST(IndexedRows(*kb, "marker42") == 1);
    BOOST_TEST(IndexedRows(*kb, "flood") == n - n / 3); // the keywords still say flooding
    BOOST_TEST(Titles("inundadas ").empty());
    BOOST_TEST(Titles("plowed ").size() == 10u);
    auto q = kb->Db().Prepare(
        "SELECT count(*) FROM article_vocab v FULL JOIN term_docs k ON k.term = v.term "
        "WHERE coalesce(v.doc, 0) != coalesce(k.docs, 0)");
    BOOST_TEST_REQUIRE(q.Step().Value());
    BOOST_TEST(q.Int(0) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
