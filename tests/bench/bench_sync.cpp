// bench_sync: flushing 10,000 queued wrap-ups to the loopback Open311 server,
// beside a bare libcurl loop posting the same bodies to the same server over
// one kept-alive connection, in the same run.
//
//   bench_sync [--scale F]
//
// The outbox run includes everything delivery does: reading due entries,
// marking chunks 'sending' and recording results durably (synchronous=FULL),
// parsing each answer, writing each request id into the timeline.
#include "BenchSupport.h"

#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>
#include <civic/open311/Open311Connector.h>
#include <civic/sync/Outbox.h>

#include "Open311Server.h"

#include <curl/curl.h>

#include <filesystem>
#include <iostream>
#include <random>
#include <unistd.h>

using namespace civic;
using namespace civic::bench;
namespace fs = std::filesystem;

namespace {

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

} // namespace

// Forwards to the real connector and keeps the time spent in Submit, so the
// flush's own cost (the store, the bookkeeping) shows apart from the network.
class Timed : public crm::Connector
{
public:
    explicit Timed(crm::Connector& inner) : m_inner(inner) {}
    std::string Name() const override { return m_inner.Name(); }
    Result<std::vector<crm::Service>> Services() override { return m_inner.Services(); }
    Result<crm::ServiceDefinition> Definition(const std::string& c) override { return m_inner.Definition(c); }
    Result<crm::Submitted> Submit(const crm::NewRequest& r, const std::string& key) override
    {
        const auto t = Clock::now();
        auto out = m_inner.Submit(r, key);
        submit_ms += MsSince(t);
        return out;
    }
    Result<std::vector<crm::RequestState>> FromToken(const std::string& t) override { return m_inner.FromToken(t); }
    Result<std::vector<crm::RequestState>> Requests(const std::vector<std::string>& ids) override
    {
        return m_inner.Requests(ids);
    }
    Result<std::vector<crm::RequestState>> UpdatedSince(std::int64_t s) override { return m_inner.UpdatedSince(s); }
    Result<std::vector<crm::RequestState>> Recent(const std::string& c, std::int64_t s) override
    {
        return m_inner.Recent(c, s);
    }
    double submit_ms = 0;

private:
    crm::Connector& m_inner;
};

int main(int argc, char** argv)
{
    const double scale = Scale(argc, argv);
    const int count = std::max(100, static_cast<int>(10000 * scale));
    const fs::path dir = fs::temp_directory_path() / ("bench_sync." + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::cout << "bench_sync: " << count << " wrap-ups\n";

    test::Open311Server server;
    auto db = store::Database::Open(dir / "console.db", ConsoleStore::Migrations()).Value();
    std::mt19937 rng(20261123);
    {
        contacts::ContactStore cs(*db);
        contacts::NewContact c;
        c.name = "Bench Caller";
        const auto who = cs.Create(c).Value();
        store::Transaction tx(*db);
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
            if (!sync::Submit(*db, w)) {
                std::cerr << "submit failed\n";
                return 1;
            }
        }
        (void)tx.Commit();
    }

    crm::ConnectorConfig cfg;
    cfg.endpoint = server.Endpoint();
    cfg.api_key = "test-key";
    open311::Open311Connector crm(cfg);
    // The bodies the outbox will send, for the baseline.
    std::vector<std::string> bodies;
    const auto entries = sync::List(*db);
    for (const auto& e : entries.Value())
        bodies.push_back(crm.FormBody(e.payload));

    // Diagnostic: the connector alone (no store), to see where a gap lies.
    test::Open311Server connector_server;
    crm::ConnectorConfig cfg2 = cfg;
    cfg2.endpoint = connector_server.Endpoint();
    open311::Open311Connector bare(cfg2);
    const auto t2 = Clock::now();
    for (const auto& e : entries.Value())
        if (!bare.Submit(e.payload, e.key)) {
            std::cerr << "connector POST failed\n";
            return 1;
        }
    const double connector_s = MsSince(t2) / 1000.0;
    std::cout << "connector alone: " << connector_s << " s (" << count / connector_s << "/s)\n";

    // Measured: the console's delivery.
    if (std::getenv("BENCH_SYNC_NORMAL"))
        (void)db->Exec("PRAGMA synchronous = NORMAL");
    Timed timed(crm);
    const auto t0 = Clock::now();
    int delivered = 0;
    while (delivered < count) {
        sync::DeliverOptions o;
        o.ignore_schedule = true;
        auto r = sync::Deliver(*db, timed, o);
        if (!r || r->delivered == 0) {
            std::cerr << "delivery stalled\n";
            return 1;
        }
        delivered += r->delivered;
    }
    const double ours_s = MsSince(t0) / 1000.0;
    std::cout << "of which in the connector: " << timed.submit_ms / 1000.0 << " s; store and bookkeeping: "
              << ours_s - timed.submit_ms / 1000.0 << " s\n";

    // Baseline: a bare libcurl loop, one handle, the same bodies and the
    // same headers (an Idempotency-Key each), to a server of its own so
    // neither run pays for the other's requests.
    test::Open311Server baseline_server;
    CURL* h = curl_easy_init();
    const std::string url = baseline_server.Endpoint() + "/requests.xml";
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    const auto t1 = Clock::now();
    for (size_t i = 0; i < bodies.size(); ++i) {
        struct curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded");
        headers = curl_slist_append(headers, "Expect:");
        headers = curl_slist_append(headers, ("Idempotency-Key: " + entries.Value()[i].key).c_str());
        curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, bodies[i].c_str());
        const auto rc = curl_easy_perform(h);
        curl_slist_free_all(headers);
        if (rc != CURLE_OK) {
            std::cerr << "baseline POST failed\n";
            return 1;
        }
    }
    const double curl_s = MsSince(t1) / 1000.0;
    curl_easy_cleanup(h);

    const double ours_rate = count / ours_s, curl_rate = count / curl_s;
    std::cout << "outbox flush: " << ours_s << " s (" << ours_rate << "/s); bare libcurl loop: " << curl_s << " s ("
              << curl_rate << "/s); servers hold " << server.Requests().size() << " and "
              << baseline_server.Requests().size() << " requests\n";
    db.reset();
    fs::remove_all(dir);
    std::printf("flush_per_s=%.0f curl_per_s=%.0f ratio_vs_curl=%.2f wrapups=%d\n", ours_rate, curl_rate,
                ours_rate / curl_rate, count);
    return 0;
}
