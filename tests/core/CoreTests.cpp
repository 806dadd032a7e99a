#define BOOST_TEST_MODULE core
#include <boost/test/unit_test.hpp>

#include <civic/core/Console.h>
#include <civic/core/CoreSchema.h>
#include <civic/core/Executor.h>
#include <civic/core/SecretFile.h>
#include <civic/core/Secrets.h>

#include "TestSupport.h"

#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <vector>

using namespace civic;
using civic::test::ReadFile;
using civic::test::TempDir;
using civic::test::WriteFile;

BOOST_AUTO_TEST_SUITE(SerialExecutorSuite)

BOOST_AUTO_TEST_CASE(tasks_run_in_posting_order_on_one_other_thread)
{
    std::vector<int> seen;
    std::thread::id worker;
    {
        SerialExecutor ex("test");
        for (int i = 0; i < 100; ++i)
            ex.Post([&seen, &worker, &ex, i] {
                seen.push_back(i);
                worker = std::this_thread::get_id();
                BOOST_TEST(ex.IsCurrent());
            });
        ex.Drain();
        BOOST_TEST(!ex.IsCurrent());
    }
    BOOST_TEST(seen.size() == 100u);
    for (int i = 0; i < 100; ++i)
        BOOST_TEST(seen[static_cast<size_t>(i)] == i);
    BOOST_TEST((worker != std::this_thread::get_id()));
}

BOOST_AUTO_TEST_CASE(destruction_runs_everything_already_posted)
{
    std::atomic<int> done{0};
    {
        SerialExecutor ex("test");
        for (int i = 0; i < 50; ++i)
            ex.Post([&done] {
                std::this_thread::sleep_for(std::chrono::microseconds(200));
                ++done;
            });
    }
    BOOST_TEST(done.load() == 50);
}

BOOST_AUTO_TEST_CASE(submit_returns_the_result)
{
    SerialExecutor ex("test");
    auto f = ex.Submit([] { return 6 * 7; });
    BOOST_TEST(f.get() == 42);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SettingsSuite)

BOOST_AUTO_TEST_CASE(settings_round_trip_through_the_store)
{
    TempDir dir;
    Settings s;
    s.agent_name = "Dana Reyes";
    s.role = Role::KnowledgeManager;
    s.crm_endpoint = "https://311.example.gov/open311/v2";
    s.jurisdiction_id = "phila.gov";
    s.ui_language = "es";
    {
        auto store = ConsoleStore::Open(dir / "console.db", {CoreSchema()});
        BOOST_TEST_REQUIRE(store.IsOk());
        auto saved = store.Value()->Submit([&](store::Database& db) { return s.Save(db); }).get();
        BOOST_TEST(saved.IsOk());
    }
    auto store = ConsoleStore::Open(dir / "console.db", {CoreSchema()});
    BOOST_TEST_REQUIRE(store.IsOk());
    auto loaded = store.Value()->Submit([](store::Database& db) { return Settings::Load(db); }).get();
    BOOST_TEST_REQUIRE(loaded.IsOk());
    BOOST_TEST((loaded.Value() == s));
}

BOOST_AUTO_TEST_CASE(defaults_when_nothing_was_saved)
{
    auto store = ConsoleStore::Open(":memory:", {CoreSchema()});
    BOOST_TEST_REQUIRE(store.IsOk());
    auto loaded = store.Value()->Submit([](store::Database& db) { return Settings::Load(db); }).get();
    BOOST_TEST_REQUIRE(loaded.IsOk());
    BOOST_TEST(loaded->agent_name.empty());
    BOOST_TEST((loaded->role == Role::CallTaker));
    BOOST_TEST(!loaded->HasCrm());
}

BOOST_AUTO_TEST_CASE(validation_names_the_field_that_is_wrong)
{
    Settings s;
    s.crm_endpoint = "311.example.gov";
    auto r = s.Validate();
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().message.find("CRM endpoint") != std::string::npos);

    s.crm_endpoint = "https://311.example.gov/open311";
    s.ui_language = "es; rm -rf";
    r = s.Validate();
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().message.find("UI language") != std::string::npos);

    s.ui_language = "pt_BR";
    BOOST_TEST(s.Validate().IsOk());
}

BOOST_AUTO_TEST_CASE(roles_have_stable_names)
{
    for (Role r : {Role::CallTaker, Role::WalkInStaff, Role::KnowledgeManager, Role::Supervisor})
        BOOST_TEST((RoleFromString(ToString(r)) == r));
    BOOST_TEST(!RoleFromString("mayor").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SecretFileSuite)

BOOST_AUTO_TEST_CASE(secret_file_is_readable_by_its_owner_only)
{
    TempDir dir;
    SecretFile f(dir / "config" / "secrets");
    BOOST_TEST(f.Save("https://crm.example.gov", "k3y=with=equals").IsOk());
    struct stat st{};
    BOOST_TEST_REQUIRE(::stat(f.Path().c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 0777) == 0600);
    BOOST_TEST(f.Load("https://crm.example.gov").value_or("") == "k3y=with=equals");
}

BOOST_AUTO_TEST_CASE(empty_value_removes_the_secret_and_others_stay)
{
    TempDir dir;
    SecretFile f(dir / "secrets");
    BOOST_TEST(f.Save("a", "1").IsOk());
    BOOST_TEST(f.Save("b", "2").IsOk());
    BOOST_TEST(f.Save("a", "").IsOk());
    BOOST_TEST(!f.Load("a").has_value());
    BOOST_TEST(f.Load("b").value_or("") == "2");
}

BOOST_AUTO_TEST_CASE(without_a_secret_service_the_key_goes_to_the_file_and_says_so)
{
    TempDir dir;
    ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
    const auto paths = Paths::FromEnvironment(dir.Path());
    auto saved = SaveApiKey(paths, "https://crm.example.gov", "secret-123");
    ::unsetenv("CIVICDESK_NO_SECRET_SERVICE");
    BOOST_TEST_REQUIRE(saved.IsOk());
    BOOST_TEST(!saved->in_secret_service);
    BOOST_TEST(!saved->why_not.empty());
    BOOST_TEST((saved->fallback_file == paths.SecretFile()));
    ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
    BOOST_TEST(LoadApiKey(paths, "https://crm.example.gov").value_or("") == "secret-123");
    ::unsetenv("CIVICDESK_NO_SECRET_SERVICE");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(PathsSuite)

BOOST_AUTO_TEST_CASE(xdg_variables_choose_the_folders)
{
    ::setenv("XDG_DATA_HOME", "/srv/agent/data", 1);
    ::setenv("XDG_CONFIG_HOME", "/srv/agent/config", 1);
    const auto p = Paths::FromEnvironment(std::nullopt);
    BOOST_TEST(p.data_dir.string() == "/srv/agent/data/civicdesk");
    BOOST_TEST(p.config_dir.string() == "/srv/agent/config/civicdesk");
    BOOST_TEST(p.ConsoleDb().string() == "/srv/agent/data/civicdesk/console.db");
    // Relative values are invalid per the XDG spec and ignored.
    ::setenv("XDG_DATA_HOME", "relative/dir", 1);
    BOOST_TEST(Paths::FromEnvironment(std::nullopt).data_dir.is_absolute());
    ::unsetenv("XDG_DATA_HOME");
    ::unsetenv("XDG_CONFIG_HOME");
}

BOOST_AUTO_TEST_CASE(data_dir_option_holds_the_whole_instance)
{
    const auto p = Paths::FromEnvironment(std::filesystem::path("/tmp/instance-7"));
    BOOST_TEST(p.data_dir.string() == "/tmp/instance-7");
    BOOST_TEST(p.config_dir.string() == "/tmp/instance-7/config");
    BOOST_TEST(p.runtime_dir.string() == "/tmp/instance-7/run");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(ConsoleSuite)

BOOST_AUTO_TEST_CASE(a_fresh_console_creates_its_database_with_the_modules_given)
{
    TempDir dir;
    auto console = Console::Open(Paths::FromEnvironment(dir.Path()), {CoreSchema()});
    BOOST_TEST_REQUIRE(console.IsOk());
    auto check = console.Value()->Store().Submit([](store::Database& db) { return db.Check(); }).get();
    BOOST_TEST(check.ok);
    using Modules = std::vector<std::pair<std::string, int>>;
    BOOST_TEST((check.modules == Modules{{"core", 1}}));
    BOOST_TEST(std::filesystem::exists(dir / "console.db"));
}

BOOST_AUTO_TEST_CASE(saved_settings_are_visible_at_once_and_after_restart)
{
    TempDir dir;
    const auto paths = Paths::FromEnvironment(dir.Path());
    Settings s;
    s.agent_name = "Lee";
    {
        auto console = Console::Open(paths, {CoreSchema()});
        BOOST_TEST_REQUIRE(console.IsOk());
        console.Value()->SaveSettings(s);
        BOOST_TEST(console.Value()->GetSettings().agent_name == "Lee");
    }
    auto console = Console::Open(paths, {CoreSchema()});
    BOOST_TEST_REQUIRE(console.IsOk());
    BOOST_TEST(console.Value()->GetSettings().agent_name == "Lee");
}

BOOST_AUTO_TEST_CASE(console_refuses_a_truncated_store_and_names_it)
{
    TempDir dir;
    const auto paths = Paths::FromEnvironment(dir.Path());
    {
        auto console = Console::Open(paths, {CoreSchema()});
        BOOST_TEST_REQUIRE(console.IsOk());
        auto filled = console.Value()
                          ->Store()
                          .Submit([](store::Database& db) {
                              for (int i = 0; i < 300; ++i) {
                                  auto q = db.Prepare("INSERT INTO audit_log(at, agent, action, "
                                                      "subject, detail) VALUES(0,'a','b','c',?1)");
                                  (void)q.Bind(1, std::string(300, 'd')).Run();
                              }
                              return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
                          })
                          .get();
        BOOST_TEST(filled.IsOk());
    }
    const auto bytes = ReadFile(paths.ConsoleDb());
    WriteFile(paths.ConsoleDb(), bytes.substr(0, bytes.size() / 3));
    auto console = Console::Open(paths, {CoreSchema()});
    BOOST_TEST_REQUIRE(!console.IsOk());
    BOOST_TEST(console.Err().kind == ErrorKind::Corrupt);
    BOOST_TEST(console.Err().message.find(paths.ConsoleDb().string()) != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
