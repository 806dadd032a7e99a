// sync_exactly_once: 1,000 wrap-ups reach a CRM that fails at random, through
// a network that loses answers at random, while two processes deliver them
// from the same folder at once (civicdesk-cli outbox flush) and are killed
// with SIGKILL at random moments, at least 20 times. Afterwards the CRM holds
// each request exactly once and the local store agrees with it.
//
// The server here ignores Idempotency-Key: the harder case, where only the
// console's own bookkeeping (uncertain attempts looked up by reference before
// filing again) keeps requests from being filed twice.
#define BOOST_TEST_MODULE sync_exactly_once
#include <boost/test/unit_test.hpp>

#include <civic/sync/ConsoleSchema.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/Console.h>
#include <civic/sync/Outbox.h>

#include "FaultRelay.h"
#include "Open311Server.h"
#include "TestSupport.h"

#include <chrono>
#include <csignal>
#include <map>
#include <random>
#include <set>
#include <sys/wait.h>
#include <unistd.h>

using namespace civic;
using civic::test::Open311Server;
using civic::test::TempDir;

namespace {

constexpr int kWrapUps = 1000;
constexpr int kMinKills = 20;

// Starts the CLI; returns its pid.
pid_t Flush(const std::string& data_dir, const std::string& endpoint, bool quiet = true)
{
    std::fflush(stdout); // or the child would print the parent's buffered output again
    std::fflush(stderr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        // Quiet: the output of hundreds of runs says nothing a test needs.
        if (quiet)
            std::freopen("/dev/null", "w", stdout);
        ::setenv("CIVICDESK_API_KEY", "test-key", 1);
        ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
        ::execl(CIVICDESK_CLI, CIVICDESK_CLI, "--data-dir", data_dir.c_str(), "outbox", "flush", "--now",
                "--endpoint", endpoint.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    return pid;
}

// The wrap-ups, as agents submitted them during the storm.
void SubmitWrapUps(const std::filesystem::path& dir, int n)
{
    auto console = Console::Open(Paths::FromEnvironment(dir), sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(console.IsOk());
    auto r = console.Value()->Store().Submit([n](store::Database& db) -> Result<void> {
        contacts::ContactStore cs(db);
        contacts::NewContact c;
        c.name = "Storm Caller";
        auto who = cs.Create(c);
        if (!who)
            return who.Err();
        for (int i = 0; i < n; ++i) {
            sync::WrapUp w;
            w.contact = who.Value();
            w.agent = "Dana";
            w.disposition = "request created";
            crm::NewRequest req;
            req.service_code = i % 2 ? "POTHOLE" : "LIGHT";
            req.address = std::to_string(100 + i) + " Market St";
            req.description = "Report " + std::to_string(i);
            w.request = req;
            if (auto s = sync::Submit(db, w); !s)
                return s.Err();
        }
        return Ok();
    }).get();
    BOOST_TEST_REQUIRE(r.IsOk(), (r ? "" : r.Err().message));
}

std::string RefIn(const std::string& description)
{
    const auto at = description.rfind("Ref: CD-");
    return at == std::string::npos ? std::string() : description.substr(at);
}

int Pending(const std::filesystem::path& dir)
{
    auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
    return sync::CountPendingOutbox(*db).Value();
}

} // namespace

// The console delivering while cron runs `outbox flush`, or two flushes at
// once: one folder, two processes. Each request still reaches the CRM once.
BOOST_AUTO_TEST_CASE(two_processes_delivering_from_one_folder_file_each_request_once)
{
    TempDir dir;
    Open311Server server;
    server.IgnoreIdempotencyKey(true);
    server.SetSlowMs(30); // both are sending at the same time
    server.Inject(test::Fault::Slow, 40);
    constexpr int kCount = 20;
    SubmitWrapUps(dir.Path(), kCount);
    const std::string data = dir.Path().string();
    const pid_t a = Flush(data, server.Endpoint());
    const pid_t b = Flush(data, server.Endpoint());
    int status = 0;
    ::waitpid(a, &status, 0);
    ::waitpid(b, &status, 0);
    for (int i = 0; i < 5 && Pending(dir.Path()) > 0; ++i) {
        const pid_t c = Flush(data, server.Endpoint());
        ::waitpid(c, &status, 0);
    }
    BOOST_TEST(Pending(dir.Path()) == 0);
    std::map<std::string, int> by_ref;
    for (const auto& f : server.Requests())
        ++by_ref[RefIn(f.fields.count("description") ? f.fields.at("description") : "")];
    BOOST_TEST(server.Requests().size() == static_cast<size_t>(kCount));
    BOOST_TEST(by_ref.size() == static_cast<size_t>(kCount));
    for (const auto& [ref, n] : by_ref)
        BOOST_TEST(n == 1, ref << " filed " << n << " times");
}

BOOST_AUTO_TEST_CASE(every_request_reaches_the_crm_exactly_once_through_failures_and_kills)
{
    TempDir dir;
    Open311Server server;
    server.IgnoreIdempotencyKey(true);
    server.SetSlowMs(250);
    server.FailRandomly(0.15, 20261123);

    SubmitWrapUps(dir.Path(), kWrapUps);

    std::mt19937 rng(42);
    const std::string data = dir.Path().string();
    int kills = 0, runs = 0;
    auto pending = [&] {
        auto db = store::Database::Open(dir.Path() / "console.db", sync::ConsoleSchema()).Value();
        return sync::CountPendingOutbox(*db).Value();
    };
    // Between the flushes and the CRM, a network that loses answers: the CRM
    // has processed the request, the flush never hears of it.
    test::FaultRelay relay(server.Port());
    relay.DropAnswersAtRandom(0.03, 20261201);
    const std::string endpoint = relay.Url(server.Endpoint());
    // Kill phase: two flushes at a time on the one folder (the console and a
    // cron job), each cut short at a random moment.
    while (kills < kMinKills || (kills < 200 && pending() > 0 && runs < 400)) {
        const pid_t pids[] = {Flush(data, endpoint), Flush(data, endpoint)};
        runs += 2;
        std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 400));
        for (const pid_t pid : pids) {
            int status = 0;
            if (::waitpid(pid, &status, WNOHANG) == 0) {
                ::kill(pid, SIGKILL);
                ::waitpid(pid, &status, 0);
                ++kills;
            }
        }
        if (kills >= kMinKills && pending() == 0)
            break;
    }
    // Then let it finish: the storm is over, but faults still happen.
    for (int i = 0; i < 200 && pending() > 0; ++i) {
        const pid_t pid = Flush(data, endpoint, i < 195);
        int status = 0;
        ::waitpid(pid, &status, 0);
        ++runs;
    }
    BOOST_TEST_MESSAGE(runs << " flushes, " << kills << " killed with SIGKILL, " << server.Calls() << " calls, "
                            << relay.Dropped() << " answers lost");
    BOOST_TEST(kills >= kMinKills);
    if (pending() != 0) {
        auto db = store::Database::Open(dir.Path() / "console.db", sync::ConsoleSchema()).Value();
        auto q = db->Prepare("SELECT state, count(*), max(next_attempt_at), max(attempts), max(last_error) "
                             "FROM outbox GROUP BY state");
        while (q.Step().Value())
            BOOST_TEST_MESSAGE(q.Text(0) << ": " << q.Int(1) << " next " << q.Int(2) << " attempts " << q.Int(3)
                                         << " " << q.OptText(4).value_or(""));
    }
    BOOST_TEST_REQUIRE(pending() == 0);

    // The CRM: each of the 1,000 exactly once.
    const auto filed = server.Requests();
    std::map<std::string, int> by_ref;
    std::map<std::string, std::string> id_of_ref;
    for (const auto& f : filed) {
        const std::string ref = RefIn(f.fields.count("description") ? f.fields.at("description") : "");
        ++by_ref[ref];
        id_of_ref[ref] = f.id;
    }
    BOOST_TEST(filed.size() == static_cast<size_t>(kWrapUps));
    BOOST_TEST(by_ref.size() == static_cast<size_t>(kWrapUps));
    for (const auto& [ref, n] : by_ref)
        BOOST_TEST(n == 1, ref << " filed " << n << " times");

    // The store agrees: every entry delivered, under the id the CRM gave it.
    auto db = store::Database::Open(dir.Path() / "console.db", sync::ConsoleSchema()).Value();
    auto entries = sync::List(*db);
    BOOST_TEST_REQUIRE(entries->size() == static_cast<size_t>(kWrapUps));
    std::set<std::string> ids;
    for (const auto& e : entries.Value()) {
        BOOST_TEST((e.state == sync::State::Delivered), e.id);
        const std::string ref = sync::ReferenceFor(e.key);
        BOOST_TEST(e.remote_id == id_of_ref[ref], ref);
        ids.insert(e.remote_id);
        BOOST_TEST(contacts::ContactStore(*db).GetRequest(e.request)->request_id == e.remote_id);
    }
    BOOST_TEST(ids.size() == static_cast<size_t>(kWrapUps));
}
