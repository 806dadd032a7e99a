#define BOOST_TEST_MODULE storage
#include <boost/test/unit_test.hpp>

#include <civic/store/Database.h>

#include "TestSupport.h"

#include <array>
#include <map>

#include <cstdlib>

#include <sys/wait.h>
#include <unistd.h>

using namespace civic;
using namespace civic::store;
using civic::test::ReadFile;
using civic::test::TempDir;
using civic::test::WriteFile;

namespace {

constexpr std::array<Migration, 2> kSchema{{
    {1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);"},
    {2, "CREATE TABLE tag(note_id INTEGER NOT NULL REFERENCES note(id), name TEXT);"},
}};

std::unique_ptr<Database> OpenOk(const std::filesystem::path& path,
                                 std::span<const Migration> schema = kSchema)
{
    auto db = Database::Open(path, schema);
    BOOST_TEST_REQUIRE(db.IsOk(), (db.IsOk() ? "" : db.Err().message));
    return std::move(db).Value();
}

// A database big enough that truncating it loses whole pages of data.
void Fill(Database& db, int rows)
{
    Transaction tx(db);
    for (int i = 0; i < rows; ++i) {
        auto q = db.Prepare("INSERT INTO note(text) VALUES(?1)");
        BOOST_TEST_REQUIRE(q.Bind(1, "note number " + std::to_string(i) +
                                         std::string(200, 'x'))
                               .Run()
                               .IsOk());
    }
    BOOST_TEST_REQUIRE(tx.Commit().IsOk());
}

// A closed file of `rows` notes, its write-ahead log folded in, ready to damage.
void MakeFilled(const std::filesystem::path& path, int rows)
{
    auto db = OpenOk(path);
    Fill(*db, rows);
    BOOST_TEST_REQUIRE(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)").IsOk());
}

int CountNotes(Database& db)
{
    auto q = db.Prepare("SELECT count(*) FROM note");
    BOOST_TEST_REQUIRE(q.Step().Value());
    return static_cast<int>(q.Int(0));
}

} // namespace

BOOST_AUTO_TEST_SUITE(Migrations)

BOOST_AUTO_TEST_CASE(new_database_gets_every_step_and_records_the_last)
{
    TempDir dir;
    auto db = OpenOk(dir / "a.db");
    BOOST_TEST(db->SchemaVersion() == 2);
    BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('x')").IsOk());
}

BOOST_AUTO_TEST_CASE(reopening_applies_only_the_new_steps)
{
    TempDir dir;
    {
        auto db = OpenOk(dir / "a.db", std::span(kSchema).first(1));
        BOOST_TEST(db->SchemaVersion() == 1);
        BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('kept')").IsOk());
    }
    auto db = OpenOk(dir / "a.db");
    BOOST_TEST(db->SchemaVersion() == 2);
    BOOST_TEST(CountNotes(*db) == 1);
}

BOOST_AUTO_TEST_CASE(a_failing_step_leaves_the_previous_version)
{
    TempDir dir;
    const std::array<Migration, 2> broken{{kSchema[0], {2, "CREATE TABLE note(x);"}}};
    auto db = Database::Open(dir / "a.db", broken);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().message.find("schema step 2") != std::string::npos);
    auto again = OpenOk(dir / "a.db", std::span(kSchema).first(1));
    BOOST_TEST(again->SchemaVersion() == 1);
}

// Two modules whose steps were once numbered in one list: a 1, b 2, a 3.
constexpr std::array<Migration, 2> kNotes{{
    {1, "CREATE TABLE note(id INTEGER PRIMARY KEY, text TEXT NOT NULL);", nullptr, 1},
    {2, "ALTER TABLE note ADD COLUMN tag TEXT;", nullptr, 3},
}};
constexpr std::array<Migration, 2> kPins{{
    {1, "CREATE TABLE pin(note INTEGER REFERENCES note(id));", nullptr, 2},
    {2, "ALTER TABLE pin ADD COLUMN at INTEGER;"}, // added since
}};
const Schema kModules{{"notes", kNotes}, {"pins", kPins}};

BOOST_AUTO_TEST_CASE(a_file_migrated_in_one_list_runs_each_module_from_where_it_stopped)
{
    TempDir dir;
    {
        // The old list, stopped after its step 2: notes 1 and pins 1 are in.
        const std::array<Migration, 2> old{{{1, kNotes[0].sql}, {2, kPins[0].sql}}};
        auto db = OpenOk(dir / "a.db", old);
        BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('kept')").IsOk());
    }
    auto db = Database::Open(dir / "a.db", kModules);
    BOOST_TEST_REQUIRE(db.IsOk(), (db ? "" : db.Err().message));
    BOOST_TEST(CountNotes(*db.Value()) == 1);
    BOOST_TEST(db.Value()->Exec("INSERT INTO note(text, tag) VALUES('new', 't')").IsOk()); // notes 2 ran
    BOOST_TEST(db.Value()->Exec("INSERT INTO pin(note, at) VALUES(1, 5)").IsOk());        // pins 2 ran
    using Modules = std::vector<std::pair<std::string, int>>;
    BOOST_TEST((db.Value()->Check().modules == Modules{{"notes", 2}, {"pins", 2}}));
}

BOOST_AUTO_TEST_CASE(a_module_added_later_gets_its_steps_without_touching_the_others)
{
    TempDir dir;
    {
        auto db = Database::Open(dir / "a.db", Schema{{"notes", kNotes}});
        BOOST_TEST_REQUIRE(db.IsOk());
        BOOST_TEST(db.Value()->Exec("INSERT INTO note(text) VALUES('kept')").IsOk());
    }
    auto db = Database::Open(dir / "a.db", kModules);
    BOOST_TEST_REQUIRE(db.IsOk(), (db ? "" : db.Err().message));
    BOOST_TEST(CountNotes(*db.Value()) == 1);
    BOOST_TEST(db.Value()->Exec("INSERT INTO pin(note, at) VALUES(1, 5)").IsOk());
}

BOOST_AUTO_TEST_CASE(a_module_newer_than_this_version_is_refused_and_the_file_untouched)
{
    TempDir dir;
    const auto path = dir / "a.db";
    {
        auto db = Database::Open(path, kModules);
        BOOST_TEST_REQUIRE(db.IsOk());
        BOOST_TEST(db.Value()->Exec("UPDATE schema_module SET version = 7 WHERE module = 'pins'").IsOk());
        BOOST_TEST(db.Value()->Exec("PRAGMA wal_checkpoint(TRUNCATE)").IsOk());
    }
    const auto before = ReadFile(path);
    auto db = Database::Open(path, kModules);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST((db.Err().kind == ErrorKind::TooNew));
    BOOST_TEST(db.Err().message.find("pins schema 7") != std::string::npos);
    BOOST_TEST(ReadFile(path) == before);
}

BOOST_AUTO_TEST_CASE(a_failing_module_step_names_its_module_and_keeps_the_steps_before)
{
    TempDir dir;
    const std::array<Migration, 2> broken{{kPins[0], {2, "CREATE TABLE pin(x);"}}};
    auto db = Database::Open(dir / "a.db", Schema{{"notes", kNotes}, {"pins", broken}});
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().message.find("schema step pins 2") != std::string::npos);
    auto again = Database::Open(dir / "a.db", Schema{{"notes", kNotes}, {"pins", std::span(kPins).first(1)}});
    BOOST_TEST_REQUIRE(again.IsOk());
    using Modules = std::vector<std::pair<std::string, int>>;
    BOOST_TEST((again.Value()->Check().modules == Modules{{"notes", 2}, {"pins", 1}}));
}

BOOST_AUTO_TEST_CASE(database_from_a_newer_version_is_refused_and_untouched)
{
    TempDir dir;
    const auto path = dir / "a.db";
    {
        auto db = OpenOk(path);
        BOOST_TEST(db->Exec("PRAGMA user_version = 99").IsOk());
        BOOST_TEST(db->Exec("PRAGMA wal_checkpoint(TRUNCATE)").IsOk());
    }
    const auto before = ReadFile(path);
    auto db = Database::Open(path, kSchema);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().kind == ErrorKind::TooNew);
    BOOST_TEST(db.Err().message.find(path.string()) != std::string::npos);
    BOOST_TEST((ReadFile(path) == before));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Corruption)

BOOST_AUTO_TEST_CASE(truncated_database_is_reported_by_name_and_not_overwritten)
{
    TempDir dir;
    const auto path = dir / "a.db";
    MakeFilled(path, 500);
    auto full = ReadFile(path);
    const auto cut = full.substr(0, full.size() / 2);
    WriteFile(path, cut);

    auto db = Database::Open(path, kSchema);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().kind == ErrorKind::Corrupt);
    BOOST_TEST(db.Err().message.find(path.string()) != std::string::npos);
    BOOST_TEST(db.Err().message.find("truncated") != std::string::npos);
    BOOST_TEST((ReadFile(path) == cut));
}

BOOST_AUTO_TEST_CASE(a_file_that_is_not_sqlite_is_reported_and_kept)
{
    TempDir dir;
    const auto path = dir / "a.db";
    const std::string junk = "this is a spreadsheet, not a database\n" + std::string(5000, 'z');
    WriteFile(path, junk);
    auto db = Database::Open(path, kSchema);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().kind == ErrorKind::Corrupt);
    BOOST_TEST(db.Err().message.find(path.string()) != std::string::npos);
    BOOST_TEST((ReadFile(path) == junk));
}

BOOST_AUTO_TEST_CASE(damaged_pages_inside_the_file_are_found_by_the_check)
{
    TempDir dir;
    const auto path = dir / "a.db";
    MakeFilled(path, 500);
    auto bytes = ReadFile(path);
    // Overwrite page 3 onward with garbage, keeping the header and page sizes sane.
    for (size_t i = 4096 * 2; i < 4096 * 6 && i < bytes.size(); ++i)
        bytes[i] = static_cast<char>(0xA5);
    WriteFile(path, bytes);

    auto db = Database::Open(path, kSchema, OpenMode::ReadOnly);
    if (!db.IsOk()) {
        BOOST_TEST(db.Err().kind == ErrorKind::Corrupt);
        return;
    }
    const auto report = db.Value()->Check();
    BOOST_TEST(!report.ok);
    BOOST_TEST(!report.problems.empty());
}

// The first page of the table's b-tree after the schema: its header says how
// many cells it holds. One byte changed there is damage SQLite can see; a
// byte of a note's text would not be.
BOOST_AUTO_TEST_CASE(one_damaged_byte_in_a_page_is_refused_before_anything_is_written)
{
    TempDir dir;
    const auto path = dir / "a.db";
    MakeFilled(path, 500);
    auto bytes = ReadFile(path);
    const size_t page = 4096 * 2; // page 3
    bytes[page + 3] = static_cast<char>(bytes[page + 3] ^ 0x40);
    WriteFile(path, bytes);
    std::filesystem::remove(dir / "a.db-wal");
    std::filesystem::remove(dir / "a.db-shm");

    auto db = Database::Open(path, kSchema);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().kind == ErrorKind::Corrupt);
    BOOST_TEST(db.Err().message.find(path.string() + " has a damaged page") != std::string::npos, db.Err().message);
    BOOST_TEST((ReadFile(path) == bytes));
}

BOOST_AUTO_TEST_CASE(damage_met_after_start_stops_every_write)
{
    TempDir dir;
    const auto path = dir / "a.db";
    MakeFilled(path, 20'000); // some megabytes: more than the page cache keeps
    auto db = OpenOk(path);
    BOOST_TEST_REQUIRE(db->Exec("PRAGMA cache_size = 8").IsOk()); // the check's pages leave the cache
    auto bytes = ReadFile(path);
    for (size_t i = 4096 * 40; i < 4096 * 60; ++i)
        bytes[i] = static_cast<char>(0xA5);
    WriteFile(path, bytes);
    {
        auto q = db->Prepare("SELECT count(*), sum(length(text)) FROM note");
        auto read = q.Step();
        BOOST_TEST_REQUIRE(!read.IsOk());
        BOOST_TEST(read.Err().kind == ErrorKind::Corrupt);
        BOOST_TEST(db->Damaged());
        auto insert = db->Prepare("INSERT INTO note(text) VALUES('after the damage')");
        auto written = insert.Run();
        BOOST_TEST_REQUIRE(!written.IsOk());
        BOOST_TEST(written.Err().message.find("is damaged: nothing more is written") != std::string::npos,
                   written.Err().message);
        BOOST_TEST(!db->Exec("DELETE FROM note").IsOk());
    }
    db.reset();
    BOOST_TEST((ReadFile(path) == bytes));
}

BOOST_AUTO_TEST_CASE(an_empty_file_is_refused_rather_than_taken_for_a_new_store)
{
    TempDir dir;
    const auto path = dir / "a.db";
    WriteFile(path, "");
    auto db = Database::Open(path, kSchema);
    BOOST_TEST_REQUIRE(!db.IsOk());
    BOOST_TEST(db.Err().kind == ErrorKind::Corrupt);
    BOOST_TEST(db.Err().message.find("is empty (0 bytes)") != std::string::npos);
    BOOST_TEST(std::filesystem::file_size(path) == 0u);
    // Where no file is, a new store is made.
    BOOST_TEST(Database::Open(dir / "new.db", kSchema).IsOk());
}

// A folder this user may not write is a permission problem, never "damaged".
// As root (which may write anywhere) the open runs as nobody in a child.
BOOST_AUTO_TEST_CASE(a_folder_this_user_may_not_write_is_told_as_such)
{
    TempDir dir;
    const auto data = dir / "data";
    std::filesystem::create_directory(data);
    {
        auto db = OpenOk(data / "a.db");
        Fill(*db, 10);
    }
    const auto before = ReadFile(data / "a.db");
    using std::filesystem::perms;
    std::filesystem::permissions(data, perms::owner_read | perms::owner_exec | perms::group_read |
                                           perms::group_exec | perms::others_read | perms::others_exec);
    std::filesystem::permissions(data / "a.db", perms::owner_read | perms::group_read | perms::others_read);
    const bool root = ::getuid() == 0;
    const pid_t pid = ::fork();
    if (pid == 0) {
        if (root && ::setuid(65534) != 0)
            _exit(9);
        auto db = Database::Open(data / "a.db", kSchema);
        const bool told = !db && db.Err().kind == ErrorKind::Denied &&
                          db.Err().message.find("may not write") != std::string::npos;
        _exit(told ? 0 : db ? 1 : db.Err().kind == ErrorKind::Corrupt ? 2 : 3);
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    std::filesystem::permissions(data, perms::owner_all);
    BOOST_TEST(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0, "child: " << WEXITSTATUS(status) << " (2: called damaged)");
    BOOST_TEST((ReadFile(data / "a.db") == before));
}

BOOST_AUTO_TEST_CASE(sound_database_passes_the_check)
{
    TempDir dir;
    auto db = OpenOk(dir / "a.db");
    Fill(*db, 50);
    const auto report = db->Check();
    BOOST_TEST(report.ok);
    BOOST_TEST(report.schema_version == 2);
    BOOST_TEST(report.page_count > 1);
}

BOOST_AUTO_TEST_CASE(read_only_open_of_a_missing_file_creates_nothing)
{
    TempDir dir;
    auto db = Database::Open(dir / "missing.db", kSchema, OpenMode::ReadOnly);
    BOOST_TEST(!db.IsOk());
    BOOST_TEST(db.Err().kind == ErrorKind::NotFound);
    BOOST_TEST(!std::filesystem::exists(dir / "missing.db"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Transactions)

BOOST_AUTO_TEST_CASE(uncommitted_transaction_rolls_back)
{
    auto db = OpenOk(":memory:");
    {
        Transaction tx(*db);
        BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('lost')").IsOk());
    }
    BOOST_TEST(CountNotes(*db) == 0);
    BOOST_TEST(!db->InTransaction());
}

BOOST_AUTO_TEST_CASE(committed_transaction_survives_reopen)
{
    TempDir dir;
    {
        auto db = OpenOk(dir / "a.db");
        Transaction tx(*db);
        BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('kept')").IsOk());
        BOOST_TEST(tx.Commit().IsOk());
    }
    auto db = OpenOk(dir / "a.db");
    BOOST_TEST(CountNotes(*db) == 1);
}

BOOST_AUTO_TEST_CASE(constraint_violations_are_values_not_exceptions)
{
    auto db = OpenOk(":memory:");
    BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('same')").IsOk());
    auto q = db->Prepare("INSERT INTO note(text) VALUES(?1)");
    auto r = q.Bind(1, "same").Run();
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().kind == ErrorKind::Constraint);
}

BOOST_AUTO_TEST_CASE(foreign_keys_are_enforced)
{
    auto db = OpenOk(":memory:");
    auto r = db->Exec("INSERT INTO tag(note_id, name) VALUES(42, 'orphan')");
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().kind == ErrorKind::Constraint);
}

BOOST_AUTO_TEST_CASE(files_use_write_ahead_logging)
{
    TempDir dir;
    auto db = OpenOk(dir / "a.db");
    auto q = db->Prepare("PRAGMA journal_mode");
    BOOST_TEST_REQUIRE(q.Step().Value());
    BOOST_TEST(q.Text(0) == "wal");
}

// Run by the test above in a process of its own; disabled on its own.
BOOST_AUTO_TEST_CASE(helper_open_count_and_close, *boost::unit_test::disabled())
{
    const char* path = std::getenv("CIVICDESK_HELPER_DB");
    BOOST_TEST_REQUIRE(path != nullptr);
    auto db = OpenOk(path);
    BOOST_TEST(CountNotes(*db) >= 1);
}

BOOST_AUTO_TEST_CASE(a_second_connection_keeps_the_first_ones_writes_safe_from_other_processes)
{
    // The console opens knowledge.db twice (search, sync). Opening the second
    // must not drop the first one's file locks: otherwise the next process to
    // open and close the file (the CLI, a backup) deletes the live WAL, and
    // every later write of the first connection goes to a deleted file.
    TempDir dir;
    const auto path = dir / "shared.db";
    auto first = OpenOk(path);
    Fill(*first, 1);
    auto second = OpenOk(path);

    // Another process (fork would copy SQLite's in-process lock table, so a
    // fresh one): this test program, running only the helper below.
    const auto self = std::filesystem::read_symlink("/proc/self/exe");
    const auto other = test::Run("CIVICDESK_HELPER_DB=" + test::Quote(path.string()) + " " +
                                 test::Quote(self.string()) +
                                 " --run_test=Transactions/helper_open_count_and_close 2>&1");
    BOOST_TEST_REQUIRE(other.status == 0, other.output);

    BOOST_TEST_REQUIRE(first->Prepare("INSERT INTO note(text) VALUES('after')").Run().IsOk());
    BOOST_TEST(std::filesystem::exists(path.string() + "-wal"));
    first.reset();
    second.reset();
    auto reopened = OpenOk(path);
    BOOST_TEST(CountNotes(*reopened) == 2);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Statements)

BOOST_AUTO_TEST_CASE(cached_statement_is_reset_for_the_next_use)
{
    auto db = OpenOk(":memory:");
    for (int i = 0; i < 3; ++i) {
        auto q = db->Prepare("INSERT INTO note(text) VALUES(?1)");
        BOOST_TEST(q.Bind(1, "n" + std::to_string(i)).Run().IsOk());
    }
    BOOST_TEST(CountNotes(*db) == 3);
}

BOOST_AUTO_TEST_CASE(the_same_sql_can_be_used_nested)
{
    auto db = OpenOk(":memory:");
    BOOST_TEST(db->Exec("INSERT INTO note(text) VALUES('a'),('b')").IsOk());
    int pairs = 0;
    auto outer = db->Prepare("SELECT id FROM note ORDER BY id");
    while (outer.Step().Value()) {
        auto inner = db->Prepare("SELECT id FROM note ORDER BY id");
        while (inner.Step().Value())
            ++pairs;
    }
    BOOST_TEST(pairs == 4);
}

BOOST_AUTO_TEST_CASE(text_null_and_numbers_round_trip)
{
    auto db = OpenOk(":memory:");
    auto q = db->Prepare("SELECT ?1, ?2, ?3, ?4");
    q.Bind(1, "caf\xC3\xA9").BindNull(2).Bind(3, std::int64_t{1} << 40).Bind(4, 2.5);
    BOOST_TEST_REQUIRE(q.Step().Value());
    BOOST_TEST(q.Text(0) == "caf\xC3\xA9");
    BOOST_TEST(q.IsNull(1));
    BOOST_TEST(!q.OptText(1).has_value());
    BOOST_TEST(q.Int(2) == (std::int64_t{1} << 40));
    BOOST_TEST(q.Real(3) == 2.5);
}

BOOST_AUTO_TEST_CASE(invalid_sql_is_a_bug_and_throws)
{
    auto db = OpenOk(":memory:");
    BOOST_CHECK_THROW(db->Prepare("SELEC nonsense"), std::logic_error);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(RankHook)

// A rank function that scores a row by its hits, weighted by the column
// weights passed after the table, and counts the queries it was started for.
struct HitScore final : RankQuery
{
    double Score(RankRow& row) override
    {
        double score = 0;
        for (int i = 0; i < row.HitCount(); ++i)
            score -= row.ArgReal(row.HitAt(i).column);
        return score;
    }
};

BOOST_AUTO_TEST_CASE(a_registered_rank_scores_each_row_from_its_hits_and_arguments)
{
    auto db = OpenOk(":memory:");
    int starts = 0;
    std::int64_t rows_seen = 0;
    BOOST_TEST_REQUIRE(db->RegisterRank("hits", [&](RankRow& first) {
                             ++starts;
                             rows_seen = first.RowCount();
                             return std::make_unique<HitScore>();
                         })
                           .IsOk());
    BOOST_TEST_REQUIRE(db->Exec("CREATE VIRTUAL TABLE doc USING fts5(title, body);"
                                "INSERT INTO doc(rowid, title, body) VALUES"
                                " (1, 'trash', 'trash day'), (2, 'noise', 'trash in the alley'),"
                                " (3, 'trees', 'fallen limbs')")
                           .IsOk());
    std::map<std::int64_t, double> scores;
    auto q = db->Prepare("SELECT rowid, hits(doc, 10.0, 1.0) FROM doc WHERE doc MATCH 'trash'");
    BOOST_TEST_REQUIRE(q.ForEach([&](Query& row) { scores[row.Int(0)] = row.Real(1); }).IsOk());
    BOOST_TEST(scores.size() == 2u);
    BOOST_TEST(scores.at(1) == -11.0); // title 10 + body 1
    BOOST_TEST(scores.at(2) == -1.0);
    BOOST_TEST(starts == 1); // one state for the query, not one per row
    BOOST_TEST(rows_seen == 3);
}

BOOST_AUTO_TEST_CASE(a_rank_that_throws_fails_the_query_instead_of_the_process)
{
    auto db = OpenOk(":memory:");
    BOOST_TEST_REQUIRE(db->RegisterRank("broken", [](RankRow&) -> std::unique_ptr<RankQuery> {
                             throw std::runtime_error("no ranking today");
                         })
                           .IsOk());
    BOOST_TEST_REQUIRE(db->Exec("CREATE VIRTUAL TABLE doc USING fts5(body);"
                                "INSERT INTO doc(body) VALUES('trash day')")
                           .IsOk());
    auto q = db->Prepare("SELECT broken(doc) FROM doc WHERE doc MATCH 'trash'");
    auto row = q.Step();
    BOOST_TEST_REQUIRE(!row.IsOk());
    BOOST_TEST(row.Err().message.find("no ranking today") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
