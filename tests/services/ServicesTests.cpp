#define BOOST_TEST_MODULE services
#include <boost/test/unit_test.hpp>

#include <civic/core/Crm.h>
#include <civic/services/Plugins.h>
#include <civic/services/Scheduler.h>
#include <civic/services/Session.h>

#include "TestSupport.h"

#include <atomic>
#include <chrono>
#include <thread>

using namespace civic;
using namespace civic::services;
using namespace std::chrono_literals;
using civic::test::TempDir;

namespace {

template <class Pred>
bool WaitUntil(Pred pred, std::chrono::milliseconds timeout = 5s)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (pred())
            return true;
        std::this_thread::sleep_for(2ms);
    }
    return pred();
}

} // namespace

BOOST_AUTO_TEST_SUITE(SchedulerSuite)

BOOST_AUTO_TEST_CASE(a_job_runs_first_after_its_delay_then_every_interval)
{
    std::atomic<int> runs{0};
    Scheduler s;
    const auto start = std::chrono::steady_clock::now();
    std::atomic<long long> first_ms{-1};
    s.Add("count", 50ms, 20ms, [&] {
        if (runs++ == 0)
            first_ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
                           .count();
    });
    BOOST_TEST(WaitUntil([&] { return runs >= 4; }));
    BOOST_TEST(first_ms >= 50);
}

BOOST_AUTO_TEST_CASE(delay_moves_the_next_run_and_the_destructor_stops_every_job)
{
    std::atomic<int> runs{0};
    {
        Scheduler s;
        const auto job = s.Add("late", 30ms, 30ms, [&] { ++runs; });
        s.Delay(job, 10s); // a round started by hand: the periodic one waits again
        std::this_thread::sleep_for(150ms);
        BOOST_TEST(runs == 0);
        s.Delay(job, 0ms);
        BOOST_TEST(WaitUntil([&] { return runs >= 1; }));
    }
    const int after = runs;
    std::this_thread::sleep_for(100ms);
    BOOST_TEST(runs == after);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SessionSuite)

BOOST_AUTO_TEST_CASE(services_answer_on_their_own_thread)
{
    TempDir dir;
    auto session = ConsoleSession::Open(Paths::FromEnvironment(dir.Path()));
    BOOST_TEST_REQUIRE(session.IsOk());
    const auto caller = std::this_thread::get_id();
    std::thread::id answered_on;
    contacts::NewContact c;
    c.name = "Maria Lopez";
    auto id = Await<Result<std::int64_t>>([&](auto reply) {
        session.Value()->Contacts().Create(c, [&, reply](Result<std::int64_t> r) {
            answered_on = std::this_thread::get_id();
            reply(std::move(r));
        });
    });
    BOOST_TEST_REQUIRE(id.IsOk());
    BOOST_TEST((answered_on != caller));
    auto found = Await<Result<std::vector<contacts::FoundContact>>>(
        [&](auto reply) { session.Value()->Contacts().Find("maria", 5, reply); });
    BOOST_TEST_REQUIRE(found.IsOk());
    BOOST_TEST_REQUIRE(found->size() == 1u);
    BOOST_TEST(found->front().id == id.Value());
}

BOOST_AUTO_TEST_CASE(outbox_counts_reach_their_listeners)
{
    TempDir dir;
    auto session = ConsoleSession::Open(Paths::FromEnvironment(dir.Path()));
    BOOST_TEST_REQUIRE(session.IsOk());
    std::atomic<int> heard{-1};
    auto sub = session.Value()->Outbox().CountsChanged().Add(
        [&](const Result<sync::OutboxCounts>& c) { heard = c ? c->waiting + c->attention : -2; });
    session.Value()->Outbox().RefreshCounts();
    BOOST_TEST(WaitUntil([&] { return heard == 0; }));
    sub.Reset();
    heard = -1;
    session.Value()->Outbox().RefreshCounts();
    session.Value()->Core().Store().Executor().Drain();
    BOOST_TEST(heard == -1); // unsubscribed: not called any more
}

BOOST_AUTO_TEST_CASE(without_a_crm_no_round_starts)
{
    TempDir dir;
    auto session = ConsoleSession::Open(Paths::FromEnvironment(dir.Path()));
    BOOST_TEST_REQUIRE(session.IsOk());
    std::atomic<int> rounds{0};
    auto sub = session.Value()->Outbox().Rounds().Add([&](const CrmRound&) { ++rounds; });
    BOOST_TEST(!session.Value()->SyncCrm(true));
    BOOST_TEST(!session.Value()->SyncKnowledge());
    BOOST_TEST(rounds == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(PluginLoader)

// Real modules: the example built from the SDK alone loads and files; one
// built for another API version and one that is no plugin are refused with the
// reason, and loading goes on.
BOOST_AUTO_TEST_CASE(good_plugins_load_and_others_are_refused_with_a_reason)
{
    const auto records = LoadPlugins({BAD_PLUGINS, GOOD_PLUGINS, "/nonexistent/folder"});
    auto find = [&](const std::string& file) -> const PluginRecord* {
        for (const auto& r : records)
            if (r.path.filename() == file)
                return &r;
        return nullptr;
    };
    const auto* good = find("civicdesk-plugin-filedrop.so");
    const auto* old = find("civicdesk-plugin-oldapi.so");
    const auto* stranger = find("civicdesk-plugin-notaplugin.so");
    BOOST_TEST_REQUIRE(good);
    BOOST_TEST_REQUIRE(old);
    BOOST_TEST_REQUIRE(stranger);
    BOOST_TEST(good->loaded, good->refused);
    BOOST_TEST(good->name == "filedrop");
    BOOST_TEST((good->connectors == std::vector<std::string>{"filedrop"}));
    BOOST_TEST(!old->loaded);
    BOOST_TEST(old->refused.find("built for plugin API 0, this console has 1") != std::string::npos, old->refused);
    BOOST_TEST(!stranger->loaded);
    BOOST_TEST(stranger->refused.find("not a CivicDesk plugin") != std::string::npos, stranger->refused);
    // Tried once per process: loading the same folders again adds nothing.
    BOOST_TEST(LoadPlugins({BAD_PLUGINS, GOOD_PLUGINS}).size() == records.size());

    TempDir dir;
    crm::ConnectorConfig c;
    c.endpoint = (dir / "drop").string();
    auto drop = crm::MakeConnector("filedrop", c);
    BOOST_TEST_REQUIRE(drop);
    crm::NewRequest r;
    r.service_code = "GENERAL";
    r.address = "1234 N Broad St";
    auto first = drop->Submit(r, "key-1");
    auto again = drop->Submit(r, "key-1"); // the same request, sent twice
    BOOST_TEST_REQUIRE(first.IsOk());
    BOOST_TEST_REQUIRE(again.IsOk());
    BOOST_TEST(first->request_id == again->request_id);
    BOOST_TEST(drop->Recent("GENERAL", 0)->size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()
