// A loopback Open311 GeoReport v2 server for tests, started in process, with
// faults to inject: the misbehaviour of real servers and networks on demand.
//
// It keeps the requests it accepted, honours Idempotency-Key (a repeated key
// answers the first request's id instead of filing another) unless told to
// ignore it, and serves XML or JSON by the URL's extension.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace civic::test {

enum class Fault
{
    Status500,          // 500 with an <errors> body
    RateLimited,        // 429 with Retry-After
    Unavailable,        // 503 with Retry-After
    Slow,               // answers after slow_ms
    DropAfterCreate,    // files the request, then breaks the connection mid-answer
    SlowAfterCreate,    // files the request, then answers after slow_ms
    MalformedXml,       // 200 with a broken document
    TruncatedJson,      // 200 with half a document
    HtmlError,          // 502 with a proxy's HTML page
    JsonErrorOnXml,     // 400 with a JSON error body to an XML call
    EmptyError,         // 400 with no body
    NotFound404,        // 404 with an HTML page, as a wrong address gets
    HostileBody,        // 200 with the body set by SetHostileBody, nothing filed
};

class Open311Server
{
public:
    struct Filed
    {
        std::string id;
        std::string idempotency_key;
        std::map<std::string, std::string> fields; // the form as received
        std::string status = "open";
        std::string status_notes;
        std::int64_t requested_at = 0;
        std::int64_t updated_at = 0;
    };

    explicit Open311Server(std::string api_key = "test-key");
    ~Open311Server();
    Open311Server(const Open311Server&) = delete;
    Open311Server& operator=(const Open311Server&) = delete;

    std::string Endpoint() const; // "http://127.0.0.1:PORT/open311/v2"
    // The CRM goes down (connections refused) and comes back on the same port,
    // with the requests it had.
    void Stop();
    void Start();
    int Port() const { return m_port; }

    // The next calls meet these faults, one per call, in order.
    void Inject(Fault fault, int times = 1);
    // Every call meets this fault with probability p (0 = never), from a seed.
    void FailRandomly(double p, unsigned seed);
    void SetSlowMs(int ms) { m_slow_ms = ms; }
    void SetHostileBody(std::string body)
    {
        std::lock_guard lock(m_mutex);
        m_hostile_body = std::move(body);
    }
    void SetRetryAfter(int seconds) { m_retry_after = seconds; }
    // Batch services answer a token; it resolves to an id after this many polls.
    void SetTokenPolls(int polls) { m_token_polls = polls; }
    void IgnoreIdempotencyKey(bool ignore) { m_ignore_key = ignore; }
    // start_date read the wrong way round: requests from before it, as one
    // deployed server does.
    void InvertStartDate(bool invert) { m_invert_start = invert; }
    // updated_after refused with 400, as some deployed servers do.
    void RefuseUpdatedAfter(bool refuse) { m_refuse_updated_after = refuse; }
    // XML as other deployed servers write it: list items named like their
    // list (<attributes><attributes>, <values><values>) and request lists of
    // <service_request> elements.
    void DeployedShapes(bool on) { m_deployed_shapes = on; }

    std::vector<Filed> Requests() const;
    // Changes a request as the city's crews would.
    void Close(const std::string& id, const std::string& notes, std::int64_t at);
    // A request reported through another channel (the web form, the app):
    // fields as a POST would carry them. Returns its id.
    std::string Seed(std::map<std::string, std::string> fields, std::int64_t at);
    int Calls() const { return m_calls; }

private:
    void Serve();
    std::string NextFaultLocked();

    std::string m_api_key;
    std::unique_ptr<httplib::Server> m_server;
    std::thread m_thread;
    int m_port = 0;
    mutable std::mutex m_mutex;
    std::deque<Fault> m_faults;
    std::string m_hostile_body;
    double m_random_p = 0;
    unsigned m_seed = 1;
    std::atomic<int> m_slow_ms{3000};
    std::atomic<int> m_retry_after{1};
    std::atomic<int> m_token_polls{1};
    std::atomic<bool> m_ignore_key{false};
    std::atomic<bool> m_invert_start{false};
    std::atomic<bool> m_refuse_updated_after{false};
    std::atomic<bool> m_deployed_shapes{false};
    std::atomic<int> m_calls{0};
    std::vector<Filed> m_requests;
    std::map<std::string, std::string> m_by_key;                  // idempotency key -> id
    std::map<std::string, std::pair<std::string, int>> m_tokens;  // token -> id, polls left
    int m_next_id = 1000;
};

} // namespace civic::test
