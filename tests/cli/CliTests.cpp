#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include <civic/core/Console.h>
#include <civic/core/Version.h>

#include "TestSupport.h"

using namespace civic;
using civic::test::Quote;
using civic::test::ReadFile;
using civic::test::Run;
using civic::test::TempDir;
using civic::test::WriteFile;

namespace {

test::RunResult Cli(const std::string& args) { return Run(std::string(CIVICDESK_CLI) + " " + args); }

bool Contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

// A console store with some data in it, as a real agent's would have.
void MakeStore(const std::filesystem::path& dir)
{
    auto console = Console::Open(Paths::FromEnvironment(dir));
    BOOST_TEST_REQUIRE(console.IsOk());
    auto r = console.Value()
                 ->Store()
                 .Submit([](store::Database& db) {
                     for (int i = 0; i < 400; ++i)
                         (void)Audit(db, "agent", "test", "row " + std::to_string(i),
                                     std::string(200, 'x'));
                     return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
                 })
                 .get();
    BOOST_TEST_REQUIRE(r.IsOk());
}

} // namespace

BOOST_AUTO_TEST_SUITE(Basics)

BOOST_AUTO_TEST_CASE(version_prints_the_release)
{
    auto r = Cli("--version");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(Contains(r.output, std::string("civicdesk-cli ") + kVersion));
}

BOOST_AUTO_TEST_CASE(help_lists_the_commands)
{
    auto r = Cli("--help");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(Contains(r.output, "db check"));
    BOOST_TEST(Contains(r.output, "--data-dir"));
}

BOOST_AUTO_TEST_CASE(unknown_command_is_a_usage_error)
{
    auto r = Cli("frobnicate");
    BOOST_TEST(r.status == 2);
    BOOST_TEST(Contains(r.output, "unknown command 'frobnicate'"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DbCheck)

BOOST_AUTO_TEST_CASE(sound_store_passes)
{
    TempDir dir;
    MakeStore(dir.Path());
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "console.db: ok"));
}

BOOST_AUTO_TEST_CASE(truncated_store_fails_naming_the_file_and_is_left_alone)
{
    TempDir dir;
    MakeStore(dir.Path());
    const auto db = dir / "console.db";
    const auto bytes = ReadFile(db);
    const auto cut = bytes.substr(0, bytes.size() / 2);
    WriteFile(db, cut);

    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, db.string()), r.output);
    BOOST_TEST(Contains(r.output, "truncated"), r.output);
    BOOST_TEST((ReadFile(db) == cut));
}

BOOST_AUTO_TEST_CASE(garbage_file_fails)
{
    TempDir dir;
    WriteFile(dir / "console.db", std::string(8192, '\x7f'));
    auto r = Cli("db check --file " + Quote((dir / "console.db").string()));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "not an SQLite database"), r.output);
}

BOOST_AUTO_TEST_CASE(store_from_a_newer_version_fails)
{
    TempDir dir;
    MakeStore(dir.Path());
    {
        auto opened = store::Database::Open(dir / "console.db", ConsoleStore::Migrations());
        BOOST_TEST_REQUIRE(opened.IsOk());
        BOOST_TEST(opened.Value()->Exec("PRAGMA user_version = 1000").IsOk());
    }
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "newer version"), r.output);
}

BOOST_AUTO_TEST_CASE(missing_store_is_not_an_error)
{
    TempDir dir;
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "not created yet"));
    BOOST_TEST(!std::filesystem::exists(dir / "console.db"));
}

BOOST_AUTO_TEST_SUITE_END()
