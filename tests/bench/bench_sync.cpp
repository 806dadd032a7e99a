// bench_sync: flushing 10,000 queued wrap-ups to the loopback Open311 server,
// beside a bare libcurl loop posting the same bodies with the same headers
// over one kept-alive connection, in the same run; three trials each,
// alternating, medians reported. Then, when a display is available (run it
// under Xvfb), the same flush through the console window: its sync rounds
// run on their own thread while a 10 ms timer on the UI thread measures how
// late each tick comes — the longest UI stall — beside the same window idle.
//
//   bench_sync [--scale F]
//
// To profile one side only, CIVIC_PERF_CTL names perf's control fifo and
// CIVIC_PERF_PART says which side (ours, the default, or bare):
//   mkfifo ctl ack; CIVIC_PERF_CTL=ctl perf record --control fifo:ctl,ack -D -1 -g bench_sync
//
// The outbox run includes everything delivery does: reading due entries,
// marking each chunk in flight and recording results durably
// (synchronous=FULL), parsing each answer, writing each request id into the
// timeline.
#include "BenchSupport.h"

#include <civic/sync/ConsoleSchema.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/Console.h>
#include <civic/services/Session.h>
#include <civic/core/ConsoleStore.h>
#include <civic/open311/Open311Connector.h>
#include <civic/sync/Outbox.h>

#include "ForwardingConnector.h"
#include "Open311Server.h"
#include "ui/MainFrame.h"

#include <curl/curl.h>
#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/init.h>
#include <wx/timer.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <unistd.h>

using namespace civic;
using namespace civic::bench;
namespace fs = std::filesystem;

namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

double Median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

// count wrap-ups, each filing a request, queued in a console database.
void Queue(store::Database& db, int count)
{
    std::mt19937 rng(20261123);
    contacts::ContactStore cs(db);
    contacts::NewContact c;
    c.name = "Bench Caller";
    const auto who = cs.Create(c).Value();
    store::Transaction tx(db);
    for (int i = 0; i < count; ++i) {
        sync::WrapUp w;
        w.contact = who;
        w.agent = "bench";
        w.disposition = "request created";
        crm::NewRequest r;
        r.service_code = i % 2 ? "POTHOLE" : "LIGHT";
        r.address = std::to_string(100 + rng() % 9000) + " Market St";
        r.attributes["SIZE"] = {"L"};
        r.description = "Report " + std::to_string(i) + ": a pothole about a foot wide in the right lane";
        w.request = r;
        if (!sync::Submit(db, w)) {
            std::cerr << "submit failed\n";
            std::exit(1);
        }
    }
    (void)tx.Commit();
}

// Forwards to the real connector and keeps the time spent in Submit, so the
// flush's own cost (the store, the bookkeeping) shows apart from the network.
class Timed : public test::ForwardingConnector
{
public:
    using ForwardingConnector::ForwardingConnector;
    Result<crm::Submitted> Submit(const crm::NewRequest& r, const std::string& key) override
    {
        const auto t = Clock::now();
        auto out = m_inner.Submit(r, key);
        submit_ms += MsSince(t);
        return out;
    }
    double submit_ms = 0;
};

struct Flush
{
    double ours_s = 0, curl_s = 0, in_connector_s = 0;
};

// Under `perf record --control fifo:CTL,ACK -D -1`, with CIVIC_PERF_CTL=CTL:
// only the measured part named by CIVIC_PERF_PART is recorded.
void PerfControl(const char* what, const char* part = "ours")
{
    static const char* ctl = std::getenv("CIVIC_PERF_CTL");
    static const char* want = std::getenv("CIVIC_PERF_PART");
    if (!ctl || std::string(want ? want : "ours") != part)
        return;
    if (FILE* f = std::fopen(ctl, "w")) {
        std::fprintf(f, "%s\n", what);
        std::fclose(f);
    }
}

// One trial: a fresh outbox and two fresh servers.
Flush Trial(const fs::path& dir, int count)
{
    Flush f;
    fs::remove_all(dir);
    fs::create_directories(dir);
    auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
    Queue(*db, count);
    test::Open311Server server;
    crm::ConnectorConfig cfg;
    cfg.endpoint = server.Endpoint();
    cfg.api_key = "test-key";
    open311::Open311Connector crm(cfg);
    std::vector<std::string> bodies, keys;
    const auto entries = sync::List(*db);
    for (const auto& e : entries.Value()) {
        bodies.push_back(crm.FormBody(e.payload));
        keys.push_back(e.key);
    }

    // Baseline: a bare libcurl loop, one handle, the same bodies and the
    // same headers (an Idempotency-Key each), to a server of its own so
    // neither run pays for the other's requests.
    {
        test::Open311Server baseline_server;
        CURL* h = curl_easy_init();
        const std::string url = baseline_server.Endpoint() + "/requests.xml";
        curl_easy_setopt(h, CURLOPT_URL, url.c_str());
        curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Discard);
        curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
        PerfControl("enable", "bare");
        const auto t = Clock::now();
        for (size_t i = 0; i < bodies.size(); ++i) {
            struct curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded");
            headers = curl_slist_append(headers, "Expect:");
            headers = curl_slist_append(headers, ("Idempotency-Key: " + keys[i]).c_str());
            curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
            curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[i].c_str());
            const auto rc = curl_easy_perform(h);
            curl_slist_free_all(headers);
            if (rc != CURLE_OK) {
                std::cerr << "baseline POST failed\n";
                std::exit(1);
            }
        }
        f.curl_s = MsSince(t) / 1000.0;
        PerfControl("disable", "bare");
        curl_easy_cleanup(h);
    }

    // Measured: the console's delivery, in rounds as the console runs them.
    Timed timed(crm);
    PerfControl("enable");
    const auto t = Clock::now();
    int delivered = 0;
    while (delivered < count) {
        sync::DeliverOptions o;
        o.ignore_schedule = true;
        auto r = sync::Deliver(*db, timed, o);
        if (!r || r->delivered == 0) {
            std::cerr << "delivery stalled\n";
            std::exit(1);
        }
        delivered += r->delivered;
    }
    f.ours_s = MsSince(t) / 1000.0;
    PerfControl("disable");
    f.in_connector_s = timed.submit_ms / 1000.0;
    if (server.Requests().size() != static_cast<size_t>(count)) {
        std::cerr << "the server holds " << server.Requests().size() << " requests, not " << count << "\n";
        std::exit(1);
    }
    return f;
}

// The flush through the console window; returns the longest and median
// lateness of a 10 ms UI timer while flushing, and the longest while idle.
struct Stall
{
    double flush_max_ms = -1, flush_p50_ms = -1, idle_max_ms = -1;
    double flush_s = 0;
};

Stall UiStall(const fs::path& dir, int count, int argc, char** argv)
{
    Stall st;
    fs::remove_all(dir);
    fs::create_directories(dir);
    test::Open311Server server;
    {
        auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
        Queue(*db, count);
        auto q = db->Prepare("INSERT OR REPLACE INTO settings(key, value) VALUES('agent_name', 'Bench'), "
                             "('crm_endpoint', ?1)");
        (void)q.Bind(1, server.Endpoint()).Run();
    }
    ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
    ::setenv("CIVICDESK_API_KEY", "test-key", 1);
    open311::RegisterOpen311();
    wxApp::SetInstance(new wxApp);
    if (!wxEntryStart(argc, argv) || !wxTheApp->CallOnInit()) {
        std::cerr << "no display: the UI stall is not measured (run under xvfb-run)\n";
        return st;
    }
    {
        auto session = services::ConsoleSession::Open(Paths::FromEnvironment(dir)).Value();
        auto* frame = new ui::MainFrame(*session);
        frame->Show();
        wxGUIEventLoop loop;
        wxEventLoopActivator activate(&loop);
        auto run_for = [&](double seconds, bool flushing) {
            std::vector<double> late;
            wxTimer timer;
            auto last = Clock::now();
            const auto start = last;
            bool done = false;
            timer.Bind(wxEVT_TIMER, [&](wxTimerEvent&) {
                const auto now = Clock::now();
                late.push_back(std::max(0.0, std::chrono::duration<double, std::milli>(now - last).count() - 10.0));
                last = now;
                if (flushing) {
                    frame->SyncCrm(); // ignored while a round is running
                    done = server.Requests().size() >= static_cast<size_t>(count);
                } else {
                    done = MsSince(start) >= seconds * 1000.0;
                }
                if (done)
                    loop.Exit();
            });
            timer.Start(10);
            loop.Run();
            timer.Stop();
            return late;
        };
        // Let the window settle (first layout, first status queries).
        run_for(1.0, false);
        const auto t = Clock::now();
        auto flushing = run_for(0, true);
        st.flush_s = MsSince(t) / 1000.0;
        auto idle = run_for(std::max(1.0, st.flush_s), false);
        st.flush_max_ms = *std::max_element(flushing.begin(), flushing.end());
        st.flush_p50_ms = Median(flushing);
        st.idle_max_ms = *std::max_element(idle.begin(), idle.end());
        frame->Destroy();
        while (loop.Pending())
            loop.Dispatch();
    }
    wxEntryCleanup();
    return st;
}

} // namespace

int main(int argc, char** argv)
{
    const double scale = Scale(argc, argv);
    const int count = std::max(100, static_cast<int>(10000 * scale));
    const fs::path dir = fs::temp_directory_path() / ("bench_sync." + std::to_string(::getpid()));
    std::cout << "bench_sync: " << count << " wrap-ups, 3 trials\n";

    std::vector<double> ours, curl, store_share;
    for (int trial = 0; trial < 3; ++trial) {
        const Flush f = Trial(dir, count);
        ours.push_back(count / f.ours_s);
        curl.push_back(count / f.curl_s);
        store_share.push_back((f.ours_s - f.in_connector_s) / f.ours_s);
        std::printf("trial %d: outbox flush %.2f s (%.0f/s, %.0f%% outside the connector), bare libcurl %.2f s "
                    "(%.0f/s)\n",
                    trial + 1, f.ours_s, count / f.ours_s, 100 * store_share.back(), f.curl_s, count / f.curl_s);
    }
    const double ours_rate = Median(ours), curl_rate = Median(curl);

    const Stall st = UiStall(dir, count, argc, argv);
    fs::remove_all(dir);
    if (st.flush_max_ms >= 0)
        std::printf("console window: flushed in %.2f s; 10 ms UI timer late by p50 %.1f ms, max %.1f ms "
                    "(idle window: max %.1f ms)\n",
                    st.flush_s, st.flush_p50_ms, st.flush_max_ms, st.idle_max_ms);
    std::printf("flush_per_s=%.0f curl_per_s=%.0f ratio_vs_curl=%.2f store_share=%.2f ui_stall_max_ms=%s "
                "ui_idle_max_ms=%s wrapups=%d\n",
                ours_rate, curl_rate, ours_rate / curl_rate, Median(store_share),
                st.flush_max_ms >= 0 ? std::to_string(st.flush_max_ms).substr(0, 5).c_str() : "na",
                st.idle_max_ms >= 0 ? std::to_string(st.idle_max_ms).substr(0, 5).c_str() : "na", count);
    return 0;
}
