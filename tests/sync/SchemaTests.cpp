// console.db as its modules build it: a file from the release that numbered
// every step in one list is taken up where it stopped, with nothing lost,
// and ends with the same tables as a new file.
#include <boost/test/unit_test.hpp>

#include <civic/contacts/ContactsSchema.h>
#include <civic/core/Console.h>
#include <civic/core/CoreSchema.h>
#include <civic/core/ConsoleStore.h>
#include <civic/sync/ConsoleSchema.h>
#include <civic/sync/Outbox.h>

#include "TestSupport.h"

#include <map>
#include <string>
#include <vector>

using namespace civic;
using civic::test::ReadFile;
using civic::test::TempDir;

namespace {

// The file the release before per-module steps left: schema 8, three
// contacts, two interactions, a request waiting in the outbox.
void WriteLegacyDatabase(const std::filesystem::path& path)
{
    auto db = store::Database::Open(path, std::span<const store::Migration>());
    BOOST_TEST_REQUIRE(db.IsOk());
    auto loaded = db.Value()->Exec(ReadFile(std::filesystem::path(CIVICDESK_TEST_DATA) / "console-schema8.sql"));
    BOOST_TEST_REQUIRE(loaded.IsOk(), (loaded ? "" : loaded.Err().message));
}

std::int64_t Count(store::Database& db, const std::string& sql)
{
    auto q = db.Prepare(sql);
    BOOST_TEST_REQUIRE(q.Step().Value());
    return q.Int(0);
}

// Every table's and index's columns, by name: what code reading the file sees.
std::map<std::string, std::vector<std::string>> Layout(store::Database& db)
{
    std::map<std::string, std::vector<std::string>> out;
    auto objects = db.Prepare("SELECT type, name FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY name");
    std::vector<std::pair<std::string, std::string>> names;
    BOOST_TEST_REQUIRE(objects.ForEach([&](store::Query& q) { names.emplace_back(q.Text(0), q.Text(1)); }).IsOk());
    for (const auto& [type, name] : names) {
        auto columns = db.Prepare(type == "index" ? "SELECT name FROM pragma_index_info(?1)"
                                                  : "SELECT name || ' ' || type || ' ' || \"notnull\" || ' ' || "
                                                    "coalesce(dflt_value, '') FROM pragma_table_info(?1)");
        columns.Bind(1, name);
        auto& list = out[type + " " + name];
        BOOST_TEST_REQUIRE(columns.ForEach([&](store::Query& q) { list.push_back(q.Text(0)); }).IsOk());
    }
    return out;
}

using Modules = std::vector<std::pair<std::string, int>>;

} // namespace

BOOST_AUTO_TEST_SUITE(ConsoleDatabase)

BOOST_AUTO_TEST_CASE(a_file_numbered_in_one_list_is_taken_up_with_every_row_kept)
{
    TempDir dir;
    const auto path = dir / "console.db";
    WriteLegacyDatabase(path);
    auto db = store::Database::Open(path, sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(db.IsOk(), (db ? "" : db.Err().message));
    auto& d = *db.Value();
    BOOST_TEST(Count(d, "SELECT count(*) FROM contact") == 3);
    BOOST_TEST(Count(d, "SELECT count(*) FROM interaction") == 2);
    auto listed = sync::List(d);
    BOOST_TEST_REQUIRE(listed.IsOk());
    const std::vector<sync::Entry> pending = std::move(listed).Value();
    BOOST_TEST_REQUIRE(pending.size() == 1u);
    BOOST_TEST(pending[0].payload.service_code == "POTHOLE");
    BOOST_TEST(pending[0].payload.address == "55 Market St");
    BOOST_TEST(pending[0].contact_name == "Kim Tran");
    BOOST_TEST(sync::CountPendingOutbox(d).Value() == 1);
    BOOST_TEST((d.Check().modules == Modules{{"contacts", 5}, {"core", 1}, {"sync", 8}}));
    // No step ran twice: the file has exactly the tables a new one has.
    auto fresh = store::Database::Open(dir / "fresh.db", sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(fresh.IsOk());
    const auto taken_up = Layout(d);
    const auto made_new = Layout(*fresh.Value());
    BOOST_TEST(taken_up.size() == made_new.size());
    for (const auto& [name, columns] : made_new) {
        BOOST_TEST_CONTEXT(name)
        {
            BOOST_TEST_REQUIRE(taken_up.count(name) == 1u);
            BOOST_TEST(taken_up.at(name) == columns, boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(a_program_with_fewer_modules_taking_the_file_up_first_leaves_the_others_where_they_were)
{
    TempDir dir;
    const auto path = dir / "console.db";
    WriteLegacyDatabase(path);
    {
        // As a contacts-only tool would: core and contacts, no sync.
        auto fewer = store::Database::Open(path, store::Schema{CoreSchema(), contacts::Schema()});
        BOOST_TEST_REQUIRE(fewer.IsOk(), (fewer ? "" : fewer.Err().message));
    }
    auto db = store::Database::Open(path, sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(db.IsOk(), (db ? "" : db.Err().message));
    BOOST_TEST(sync::CountPendingOutbox(*db.Value()).Value() == 1);
    BOOST_TEST((db.Value()->Check().modules == Modules{{"contacts", 5}, {"core", 1}, {"sync", 8}}));
}

BOOST_AUTO_TEST_CASE(channels_outside_the_old_list_can_be_stored_after_taking_up)
{
    TempDir dir;
    WriteLegacyDatabase(dir / "console.db");
    auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(db.IsOk());
    BOOST_TEST(db.Value()->Exec("INSERT INTO interaction(contact, channel, at) VALUES(1, 'sms', 1790000500)").IsOk());
}

BOOST_AUTO_TEST_CASE(a_release_that_reads_one_list_refuses_the_new_file_untouched)
{
    TempDir dir;
    const auto path = dir / "console.db";
    {
        auto db = store::Database::Open(path, sync::ConsoleSchema());
        BOOST_TEST_REQUIRE(db.IsOk());
        BOOST_TEST(db.Value()->Exec("PRAGMA wal_checkpoint(TRUNCATE)").IsOk());
    }
    // The older release's list: the same steps numbered 1..8.
    std::vector<store::Migration> one_list;
    for (const auto& module : sync::ConsoleSchema())
        for (const auto& step : module.steps)
            if (step.legacy > 0) // the steps that release had
                one_list.push_back(store::Migration{step.legacy, step.sql, step.run});
    std::sort(one_list.begin(), one_list.end(), [](auto& a, auto& b) { return a.version < b.version; });
    const auto before = ReadFile(path);
    auto old = store::Database::Open(path, one_list);
    BOOST_TEST_REQUIRE(!old.IsOk());
    BOOST_TEST((old.Err().kind == ErrorKind::TooNew));
    BOOST_TEST(ReadFile(path) == before);
}

BOOST_AUTO_TEST_CASE(a_fresh_console_has_an_empty_outbox)
{
    TempDir dir;
    auto console = Console::Open(Paths::FromEnvironment(dir.Path()), sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(console.IsOk());
    auto count = console.Value()->Store().Submit(sync::CountPendingOutbox).get();
    BOOST_TEST_REQUIRE(count.IsOk());
    BOOST_TEST(count.Value() == 0);
}

BOOST_AUTO_TEST_CASE(pending_count_covers_what_still_needs_delivering)
{
    auto store = ConsoleStore::Open(":memory:", sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(store.IsOk());
    auto count = store.Value()
                     ->Submit([](store::Database& db) {
                         const char* states[] = {"pending", "sending", "attention", "delivered", "discarded"};
                         int n = 0;
                         for (const char* s : states) {
                             auto q = db.Prepare("INSERT INTO outbox(idempotency_key, kind, state, "
                                                 "created_at, updated_at) VALUES(?1, 'request', ?2, 0, 0)");
                             (void)q.BindAll("k" + std::to_string(++n), s).Run();
                         }
                         return sync::CountPendingOutbox(db);
                     })
                     .get();
    BOOST_TEST_REQUIRE(count.IsOk());
    BOOST_TEST(count.Value() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
