// bench_center: the center store on a real PostgreSQL 15 (a throw-away
// cluster on loopback), through the product's own code (center::Seat on
// console.db files), beside bare libpq doing the same writes.
//
//   bench_center [--scale F]
//
// 1. Writes: 20,000 interactions queued at one seat, pushed by Seat::Push in
//    its batches; beside a bare libpq loop inserting the same rows (one
//    prepared INSERT each, a transaction per 5,000), and beside bare libpq
//    sending each batch as one multi-row INSERT (the form Push uses).
// 2. Surge: 200 seats, each the console's own CenterService on a console.db
//    of its own, each recording a call every 2 s (100 calls/s in all, above
//    ten times a normal day's rate of a 200-agent center), and 4 watching
//    seats applying everything; the time from a call's local commit at one
//    seat to its row in a watching seat's console.db, p50/p99.
// 3. Catch-up: a seat away while 20,000 changes of others accumulate, with
//    200 of its own queued, until it has sent and applied everything.
// 4. Join: a new seat joining a center of 10,000 contacts and 50,000
//    interactions (× F; the size is F = 100), until it can pop any
//    caller; and that process's peak RSS.
#include "BenchSupport.h"

#include "PgServer.h"
#include "TestSupport.h"

#include <civic/center/Center.h>
#include <civic/services/CenterService.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>
#include <civic/sync/ConsoleSchema.h>

#include <libpq-fe.h>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <future>
#include <iostream>
#include <mutex>
#include <random>
#include <thread>

using namespace civic;
using namespace civic::bench;
namespace fs = std::filesystem;

namespace {

std::int64_t NowUs()
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now().time_since_epoch()).count();
}

struct Seat
{
    fs::path dir;
    std::unique_ptr<store::Database> db;
    std::unique_ptr<contacts::ContactStore> contacts;
    std::unique_ptr<center::Seat> seat;
};

std::unique_ptr<Seat> Join(const fs::path& dir, const std::string& url, const std::string& name)
{
    auto s = std::make_unique<Seat>();
    s->dir = dir;
    fs::create_directories(dir);
    s->db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
    s->contacts = std::make_unique<contacts::ContactStore>(*s->db, "US");
    auto joined = center::Join(*s->db, url, name);
    if (!joined) {
        std::cerr << "join: " << joined.Err().message << "\n";
        std::exit(1);
    }
    s->seat = center::Seat::Connect(*s->db, joined->password).Value();
    return s;
}

std::string NewDatabase(test::PgServer& pg, const std::string& name)
{
    (void)pg.Psql("CREATE DATABASE " + name);
    std::string url = pg.Url();
    url = url.substr(0, url.rfind('/') + 1) + name;
    if (auto v = center::Init(url); !v) {
        std::cerr << "init: " << v.Err().message << "\n";
        std::exit(1);
    }
    return url;
}

void Exec(PGconn* c, const std::string& sql)
{
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
        std::cerr << "libpq: " << PQerrorMessage(c) << "\n";
        std::exit(1);
    }
    PQclear(r);
}

struct Writes
{
    double ours_per_s = 0, loop_per_s = 0, unnest_per_s = 0;
};

// Part 1.
Writes MeasureWrites(test::PgServer& pg, const fs::path& root, int rows)
{
    Writes w;
    const std::string url = NewDatabase(pg, "bench_writes");
    auto seat = Join(root / "writer", url, "writer");
    contacts::NewContact c;
    c.name = "Bench Caller";
    const auto who = seat->contacts->Create(c).Value();
    (void)seat->seat->Push();
    {
        store::Transaction tx(*seat->db);
        for (int i = 0; i < rows; ++i) {
            contacts::Interaction in;
            in.contact = who;
            in.at = 1764600000 + i;
            in.agent = "Ana";
            in.summary = "Pothole";
            in.notes = "Caller " + std::to_string(i) + " reports a pothole about a foot wide in the right lane";
            (void)seat->contacts->Record(in);
        }
        (void)tx.Commit();
    }
    // The same rows for the baselines, read from the queue before it goes.
    std::vector<std::array<std::string, 5>> same;
    {
        auto q = seat->db->Prepare("SELECT uid, entity, entity_uid, op, body FROM center_queue ORDER BY seq");
        (void)q.ForEach([&](store::Query& r) { same.push_back({r.Text(0), r.Text(1), r.Text(2), r.Text(3), r.Text(4)}); });
    }
    auto t = Clock::now();
    int pushed = 0;
    while (pushed < rows) {
        auto n = seat->seat->Push();
        if (!n || n.Value() == 0) {
            std::cerr << "push stalled\n";
            std::exit(1);
        }
        pushed += n.Value();
    }
    w.ours_per_s = pushed / (MsSince(t) / 1000.0);

    PGconn* c1 = PQconnectdb(url.c_str());
    const std::string seat_id = "baseline";
    Exec(c1, "INSERT INTO seat(id, name) VALUES ('baseline', 'baseline')");
    PGresult* prep = PQprepare(c1, "ins", "INSERT INTO change(uid, seat, entity, entity_uid, op, body, at) "
                                          "VALUES ($1, $2, $3, $4, $5, $6::json, $7)", 7, nullptr);
    PQclear(prep);
    t = Clock::now();
    for (size_t i = 0; i < same.size(); i += 5000) {
        Exec(c1, "BEGIN");
        for (size_t k = i; k < std::min(same.size(), i + 5000); ++k) {
            const std::string uid = "loop-" + same[k][0];
            const std::string at = std::to_string(k);
            const char* v[] = {uid.c_str(), seat_id.c_str(), same[k][1].c_str(), same[k][2].c_str(),
                               same[k][3].c_str(), same[k][4].c_str(), at.c_str()};
            PGresult* r = PQexecPrepared(c1, "ins", 7, v, nullptr, nullptr, 0);
            if (PQresultStatus(r) != PGRES_COMMAND_OK) {
                std::cerr << "baseline insert: " << PQerrorMessage(c1) << "\n";
                std::exit(1);
            }
            PQclear(r);
        }
        Exec(c1, "COMMIT");
    }
    w.loop_per_s = static_cast<double>(same.size()) / (MsSince(t) / 1000.0);

    // Bare libpq, one multi-row INSERT per batch.
    t = Clock::now();
    for (size_t i = 0; i < same.size(); i += 5000) {
        std::string sql = "INSERT INTO change(uid, seat, entity, entity_uid, op, body, at) VALUES ";
        for (size_t k = i; k < std::min(same.size(), i + 5000); ++k) {
            auto lit = [&](const std::string& s) {
                char* e = PQescapeLiteral(c1, s.c_str(), s.size());
                std::string out(e);
                PQfreemem(e);
                return out;
            };
            sql += (k == i ? "(" : ",(") + lit("multi-" + same[k][0]) + ",'baseline'," + lit(same[k][1]) + "," +
                   lit(same[k][2]) + "," + lit(same[k][3]) + "," + lit(same[k][4]) + "::json," + std::to_string(k) +
                   ")";
        }
        Exec(c1, "BEGIN");
        Exec(c1, sql);
        Exec(c1, "COMMIT");
    }
    w.unnest_per_s = static_cast<double>(same.size()) / (MsSince(t) / 1000.0);
    PQfinish(c1);
    return w;
}

struct Surge
{
    std::vector<double> latency_ms;
    int calls = 0;
};

// Part 2: every seat is the console's own CenterService (its thread, its
// timing: the queue looked at every 200 ms, LISTEN for other seats' commits)
// on a data folder of its own; calls are recorded on another connection to
// the same console.db, as the console's store thread does.
// push_only: the recording seats only send (Seat::Push every 200 ms, as
// their CenterService would) and apply nothing, as if each had a machine of
// its own; otherwise every seat is a whole CenterService on this machine and
// applies every other seat's calls too.
Surge MeasureSurge(test::PgServer& pg, const fs::path& root, int writers, int watchers, double seconds,
                   bool push_only)
{
    Surge out;
    const std::string url = NewDatabase(pg, push_only ? "bench_surge_push" : "bench_surge_all");
    struct Desk
    {
        std::unique_ptr<services::CenterService> service;
        std::unique_ptr<store::Database> db;
        std::unique_ptr<contacts::ContactStore> contacts;
        services::Subscription sub;
        std::int64_t caller = 0, seen = 0;
    };
    std::vector<std::unique_ptr<Desk>> desks;
    for (int i = 0; i < writers + watchers; ++i) {
        auto d = std::make_unique<Desk>();
        const fs::path dir = root / ((push_only ? "push" : "all") + std::to_string(i));
        fs::create_directories(dir);
        d->db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
        d->contacts = std::make_unique<contacts::ContactStore>(*d->db, "US");
        d->service = std::make_unique<services::CenterService>(Paths::FromEnvironment(dir));
        auto joined = std::make_shared<std::promise<Result<center::JoinReport>>>();
        auto done = joined->get_future();
        d->service->Join(url, "desk " + std::to_string(i),
                         [joined](Result<center::JoinReport> r) { joined->set_value(std::move(r)); });
        if (auto r = done.get(); !r) {
            std::cerr << "join: " << r.Err().message << "\n";
            std::exit(1);
        }
        desks.push_back(std::move(d));
    }
    for (int i = 0; i < writers; ++i) {
        contacts::NewContact c;
        c.name = "Caller of desk " + std::to_string(i);
        desks[i]->caller = desks[i]->contacts->Create(c).Value();
    }
    std::mutex m;
    for (int i = writers; i < writers + watchers; ++i) {
        Desk* d = desks[i].get();
        d->sub = d->service->Rounds().Add([d, &m, &out](const services::CenterRound& r) {
            if (!r.report.pulled)
                return;
            // Each call applied since the last look: its age now.
            auto q = d->db->Prepare("SELECT id, notes FROM interaction WHERE id > ?1 ORDER BY id");
            const std::int64_t now = NowUs();
            std::vector<double> got;
            (void)q.Bind(1, d->seen).ForEach([&](store::Query& row) {
                d->seen = row.Int(0);
                const std::string notes = row.Text(1);
                if (notes.rfind("t=", 0) == 0)
                    got.push_back(static_cast<double>(now - std::stoll(notes.substr(2))) / 1000.0);
            });
            std::lock_guard l(m);
            out.latency_ms.insert(out.latency_ms.end(), got.begin(), got.end());
        });
    }
    for (int i = 0; i < writers + watchers; ++i)
        if (!push_only || i >= writers)
            desks[i]->service->Start();
    std::vector<std::unique_ptr<center::Seat>> pushers;
    if (push_only)
        for (int i = 0; i < writers; ++i) {
            pushers.push_back(center::Seat::Connect(*desks[i]->db, center::SplitPassword(url).second).Value());
            (void)pushers.back()->Push(); // the callers, before the clock starts
        }
    // Until the watchers have every caller (the contacts themselves).
    std::this_thread::sleep_for(std::chrono::seconds(3));
    {
        std::lock_guard l(m);
        out.latency_ms.clear();
    }
    std::atomic<bool> stop{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i)
        threads.emplace_back([&, i] {
            std::mt19937 rng(20261201 + i);
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 2000));
            while (!stop) {
                contacts::Interaction in;
                in.contact = desks[i]->caller;
                in.at = 1764600000;
                in.notes = "t=" + std::to_string(NowUs());
                (void)desks[i]->contacts->Record(in);
                {
                    std::lock_guard l(m);
                    ++out.calls;
                }
                // A CenterService looks at its queue every 200 ms, at a time
                // unrelated to the call's: the first look comes 0 to 200 ms on.
                const auto first_look = std::chrono::milliseconds(rng() % 200);
                std::this_thread::sleep_for(first_look);
                for (int k = 0; k < 10 && !stop; ++k) {
                    if (push_only)
                        (void)pushers[i]->Push();
                    std::this_thread::sleep_for(std::chrono::milliseconds(k == 9 ? 200 - first_look.count() : 200));
                }
            }
        });
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(seconds * 1000)));
    stop = true;
    for (auto& t : threads)
        t.join();
    std::this_thread::sleep_for(std::chrono::seconds(1)); // the last calls arrive
    for (auto& d : desks)
        d->sub = {};
    desks.clear();
    return out;
}

// Part 3: seconds until a seat away with `own` queued changes, and `others`
// changes of other seats waiting at the center, has sent and applied them.
double MeasureCatchUp(test::PgServer& pg, const fs::path& root, int others, int own)
{
    const std::string url = NewDatabase(pg, "bench_catchup");
    auto away = Join(root / "away", url, "away");
    auto busy = Join(root / "busy", url, "busy");
    contacts::NewContact c;
    c.name = "Busy caller";
    const auto who = busy->contacts->Create(c).Value();
    {
        store::Transaction tx(*busy->db);
        for (int i = 0; i < others; ++i) {
            contacts::Interaction in;
            in.contact = who;
            in.at = 1764600000 + i;
            in.notes = "While the seat was away: call " + std::to_string(i);
            (void)busy->contacts->Record(in);
        }
        (void)tx.Commit();
    }
    while (busy->seat->Push().Value() > 0) {
    }
    contacts::NewContact mine;
    mine.name = "Away caller";
    const auto me = away->contacts->Create(mine).Value();
    {
        store::Transaction tx(*away->db);
        for (int i = 0; i < own - 1; ++i) {
            contacts::Interaction in;
            in.contact = me;
            in.at = 1764600000 + i;
            in.notes = "Recorded while away " + std::to_string(i);
            (void)away->contacts->Record(in);
        }
        (void)tx.Commit();
    }
    const auto t = Clock::now();
    for (;;) {
        auto r = away->seat->Round();
        if (!r) {
            std::cerr << "catch-up: " << r.Err().message << "\n";
            std::exit(1);
        }
        if (!r->more && r->pushed == 0)
            break;
    }
    const double s = MsSince(t) / 1000.0;
    auto q = away->db->Prepare("SELECT count(*) FROM interaction");
    (void)q.Step();
    if (q.Int(0) != others + own - 1) {
        std::cerr << "catch-up: " << q.Int(0) << " interactions, not " << others + own - 1 << "\n";
        std::exit(1);
    }
    return s;
}

struct Joined
{
    double seconds = 0, rss_mb = 0;
    bool pops = false;
};

// Part 4: the center's history made server-side from generate_series (the
// same every run), then `civicdesk-cli center join` + `center sync` in a
// process of their own, timed, with its peak RSS.
Joined MeasureJoin(test::PgServer& pg, const fs::path& root, int contacts_n, int interactions_n)
{
    Joined j;
    const std::string url = NewDatabase(pg, "bench_join");
    const std::string sql =
        "INSERT INTO seat(id, name) VALUES ('history', 'history');"
        "INSERT INTO change(uid, seat, entity, entity_uid, op, body, at) SELECT 'c' || i, 'history', 'contact', "
        "'contact-' || i, 'put', json_build_object('kind', 'person', 'name', (ARRAY['Maria','Ben','Luis','Ana','Kim',"
        "'Joan','Robert','Aisha'])[1 + i % 8] || ' ' || (ARRAY['Lopez','Okafor','Nguyen','Smith','Chen','Patel',"
        "'Garcia','Brown'])[1 + (i / 8) % 8] || ' ' || i, 'language', '', 'needs', '', 'notes', '', 'merged_into', "
        "NULL, 'created_at', 1700000000 + i, 'updated_at', 1700000000 + i), i FROM generate_series(1, " +
        std::to_string(contacts_n) +
        ") i;"
        "INSERT INTO change(uid, seat, entity, entity_uid, op, body, at) SELECT 'p' || i, 'history', 'identifier', "
        "'phone-' || i, 'put', json_build_object('contact', 'contact-' || i, 'kind', 'phone', 'value', "
        "'+1215' || lpad((1000000 + i)::text, 7, '0'), 'display', '(215) ' || lpad((1000000 + i)::text, 7, '0'), "
        "'label', '', 'notify', 0), i FROM generate_series(1, " +
        std::to_string(contacts_n) +
        ") i;"
        "INSERT INTO change(uid, seat, entity, entity_uid, op, body, at) SELECT 'i' || i, 'history', 'interaction', "
        "'call-' || i, 'put', json_build_object('contact', 'contact-' || (1 + i % " +
        std::to_string(contacts_n) +
        "), 'channel', 'phone-in', 'at', 1700000000 + i * 60, 'agent', 'Ana', 'talk_s', 180, 'wrap_s', 45, "
        "'summary', 'Pothole', 'notes', 'Caller reports a pothole, call ' || i, 'disposition', 'information only', "
        "'answers', '', 'source', 'console', 'external_id', NULL, 'requests', json_build_array()), i "
        "FROM generate_series(1, " +
        std::to_string(interactions_n) + ") i;";
    (void)test::Run("psql -X -q " + test::Quote(url) + " -c " + test::Quote(sql));
    const fs::path dir = root / "joiner";
    fs::create_directories(dir);
    const std::string cli = CIVICDESK_CLI;
    const auto t = Clock::now();
    const pid_t p = ::fork();
    if (p == 0) {
        const std::string cmd = cli + " --data-dir " + test::Quote(dir.string()) + " center join " + test::Quote(url) +
                                " >/dev/null && " + cli + " --data-dir " + test::Quote(dir.string()) +
                                " center sync >/dev/null";
        ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    int status = 0;
    rusage use{};
    ::wait4(p, &status, 0, &use);
    j.seconds = MsSince(t) / 1000.0;
    // RUSAGE_CHILDREN: the largest of the shell's children (the sync).
    rusage children{};
    ::getrusage(RUSAGE_CHILDREN, &children);
    j.rss_mb = static_cast<double>(std::max(use.ru_maxrss, children.ru_maxrss)) / 1024.0;
    auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
    contacts::ContactStore cs(*db, "US");
    const auto found = cs.FindByPhone("+1215" + std::to_string(1000000 + contacts_n / 2));
    j.pops = found && found->size() == 1;
    return j;
}

} // namespace

int main(int argc, char** argv)
{
    const double scale = Scale(argc, argv);
    const int rows = std::max(1000, static_cast<int>(20000 * scale));
    const int writers = std::max(4, static_cast<int>(200 * scale));
    const int watchers = 4;
    const double surge_s = std::max(10.0, 20 * scale);
    const int join_contacts = std::max(1000, static_cast<int>(10000 * scale));
    const int join_interactions = join_contacts * 5;
    ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
    const fs::path root = fs::temp_directory_path() / ("bench_center." + std::to_string(::getpid()));
    fs::create_directories(root);
    test::PgServer pg(2 * (writers + watchers) + 50);
    std::cout << "bench_center: PostgreSQL on port " << pg.Port() << ", scale " << scale << "\n";

    const Writes w = MeasureWrites(pg, root, rows);
    std::printf("writes: %d interactions; Seat::Push %.0f/s, bare libpq loop %.0f/s, bare libpq multi-row %.0f/s\n",
                rows, w.ours_per_s, w.loop_per_s, w.unnest_per_s);

    const Surge s = MeasureSurge(pg, root, writers, watchers, surge_s, true);
    std::printf("surge, recording seats sending only: %d seats recording, %d watching, %.0f s: %d calls, %zu "
                "arrivals seen; commit to visible p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
                writers, watchers, surge_s, s.calls, s.latency_ms.size(), Percentile(s.latency_ms, 50),
                Percentile(s.latency_ms, 99), Percentile(s.latency_ms, 100));
    const Surge all = MeasureSurge(pg, root, writers, watchers, surge_s, false);
    std::printf("surge, every seat a whole console on these %u cores: %d calls, %zu arrivals seen; p50 %.0f ms, "
                "p99 %.0f ms, max %.0f ms\n",
                std::thread::hardware_concurrency(), all.calls, all.latency_ms.size(), Percentile(all.latency_ms, 50),
                Percentile(all.latency_ms, 99), Percentile(all.latency_ms, 100));

    const int catchup_others = std::max(1000, static_cast<int>(20000 * scale));
    const double catchup = MeasureCatchUp(pg, root, catchup_others, 200);
    std::printf("catch-up: %d changes to pull, 200 to push: %.2f s\n", catchup_others, catchup);

    const Joined j = MeasureJoin(pg, root, join_contacts, join_interactions);
    std::printf("join: %d contacts, %d interactions: %.1f s to a seat that pops any caller (%s); peak RSS %.0f MB\n",
                join_contacts, join_interactions, j.seconds, j.pops ? "checked" : "NOT FOUND", j.rss_mb);
    fs::remove_all(root);

    std::printf("seats=%d propagation_p50_ms=%.0f propagation_p99_ms=%.0f all_local_p50_ms=%.0f all_local_p99_ms=%.0f "
                "writes_per_s=%.0f ratio_vs_libpq=%.2f "
                "ratio_vs_libpq_multirow=%.2f catchup_s=%.2f join_s=%.1f join_contacts=%d join_interactions=%d "
                "rss_mb=%.0f\n",
                writers + watchers, Percentile(s.latency_ms, 50), Percentile(s.latency_ms, 99),
                Percentile(all.latency_ms, 50), Percentile(all.latency_ms, 99), w.ours_per_s,
                w.ours_per_s / w.loop_per_s, w.ours_per_s / w.unnest_per_s, catchup, j.seconds, join_contacts,
                join_interactions, j.rss_mb);
    return 0;
}
