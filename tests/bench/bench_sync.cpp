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

    // Measured: the console's delivery.
    const auto t0 = Clock::now();
    int delivered = 0;
    while (delivered < count) {
        sync::DeliverOptions o;
        o.ignore_schedule = true;
        auto r = sync::Deliver(*db, crm, o);
        if (!r || r->delivered == 0) {
            std::cerr << "delivery stalled\n";
            return 1;
        }
        delivered += r->delivered;
    }
    const double ours_s = MsSince(t0) / 1000.0;

    // Baseline: a bare libcurl loop, one handle, the same bodies.
    CURL* h = curl_easy_init();
    const std::string url = server.Endpoint() + "/requests.xml";
    struct curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/x-www-form-urlencoded");
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, Discard);
    const auto t1 = Clock::now();
    for (const auto& b : bodies) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, b.c_str());
        if (curl_easy_perform(h) != CURLE_OK) {
            std::cerr << "baseline POST failed\n";
            return 1;
        }
    }
    const double curl_s = MsSince(t1) / 1000.0;
    curl_slist_free_all(headers);
    curl_easy_cleanup(h);

    const double ours_rate = count / ours_s, curl_rate = count / curl_s;
    std::cout << "outbox flush: " << ours_s << " s (" << ours_rate << "/s); bare libcurl loop: " << curl_s << " s ("
              << curl_rate << "/s); server holds " << server.Requests().size() << " requests\n";
    db.reset();
    fs::remove_all(dir);
    std::printf("flush_per_s=%.0f curl_per_s=%.0f ratio_vs_curl=%.2f wrapups=%d\n", ours_rate, curl_rate,
                ours_rate / curl_rate, count);
    return 0;
}
