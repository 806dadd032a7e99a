#include <civic/net/HttpClient.h>

#include <curl/curl.h>

#include <civic/Text.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

namespace civic::net {
namespace {

void GlobalInit()
{
    // curl_global_init is not thread-safe; do it once, before any request.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Collected
{
    Response* response;
    size_t limit;
    bool too_big = false;
};

size_t OnBody(char* data, size_t size, size_t n, void* user)
{
    auto* c = static_cast<Collected*>(user);
    const size_t bytes = size * n;
    if (c->response->body.size() + bytes > c->limit) {
        c->too_big = true;
        return 0; // aborts the transfer
    }
    c->response->body.append(data, bytes);
    return bytes;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user)
{
    auto* c = static_cast<Collected*>(user);
    const std::string_view line(data, size * n);
    const auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (char& ch : name) // ASCII, as header names are; no locale per character
            if (ch >= 'A' && ch <= 'Z')
                ch = static_cast<char>(ch - 'A' + 'a');
        std::string_view value = line.substr(colon + 1);
        const auto first = value.find_first_not_of(" \t");
        value = first == std::string_view::npos ? std::string_view() : value.substr(first);
        value = value.substr(0, value.find_last_not_of(" \t\r\n") + 1);
        c->response->headers.insert_or_assign(std::move(name), std::string(value));
    } else if (line.starts_with("HTTP/")) {
        c->response->headers.clear(); // a new response (after 100 Continue or a redirect)
    }
    return size * n;
}

// A POST must never be sent twice by libcurl behind our back. When a
// kept-alive connection dies after the server took a POST but before it
// answered, libcurl reconnects and sends the request again on its own: the
// server may then hold it twice while we saw one attempt. libcurl calls the
// pre-request callback before every request it sends on a connection, so a
// second call within one transfer is such a re-send; refusing it fails the
// transfer, which is reported as an attempt that may have been delivered,
// and the caller checks before sending again. (The body itself stays in one
// buffer, sent with the headers in one write.)
struct Attempts
{
    int sent = 0;
    bool refused = false;
};

int BeforeRequest(void* user, char*, char*, int, int)
{
    auto* a = static_cast<Attempts*>(user);
    if (++a->sent > 1) {
        a->refused = true;
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

} // namespace

Result<Response> Perform(const Request& request)
{
    GlobalInit();
    // One handle per thread, reset between requests: its connection cache
    // keeps connections to the CRM open (keep-alive, TLS sessions), which a
    // fresh handle per request would set up again every time.
    thread_local std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl)
        return Error{ErrorKind::Io, "cannot start an HTTP request"};
    curl_easy_reset(curl.get());
    Response response;
    Collected collected{&response, request.max_response_bytes};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    if (request.method == "HEAD")
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L); // or curl waits for a body that never comes
    else
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L); // timeouts without SIGALRM: safe in threads
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, request.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout_ms);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &collected);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &collected);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "CivicDesk");
    Attempts attempts;
    if (request.method == "POST") {
        // Not idempotent: never re-sent by libcurl behind our back (Attempts).
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, BeforeRequest);
        curl_easy_setopt(h, CURLOPT_PREREQDATA, &attempts);
    } else if (!request.body.empty() || request.method == "PUT" || request.method == "PROPFIND") {
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    if (!request.user.empty()) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, CURLAUTH_BASIC | CURLAUTH_DIGEST);
        curl_easy_setopt(h, CURLOPT_USERNAME, request.user.c_str());
        curl_easy_setopt(h, CURLOPT_PASSWORD, request.password.c_str());
    }
    struct curl_slist* headers = nullptr;
    // curl would otherwise send "Expect: 100-continue" and wait for large bodies.
    headers = curl_slist_append(headers, "Expect:");
    for (const auto& [name, value] : request.headers)
        headers = curl_slist_append(headers, (name + ": " + value).c_str());
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    const CURLcode rc = curl_easy_perform(h);
    curl_slist_free_all(headers);

    if (collected.too_big)
        return Error{ErrorKind::Invalid, request.url + ": the reply is larger than " +
                                             std::to_string(request.max_response_bytes) + " bytes"};
    if (rc != CURLE_OK) {
        if (attempts.refused) {
            // The connection died with the POST sent and no answer read.
            Error e{ErrorKind::Offline, request.url + ": the connection closed after the request was sent, "
                                                      "before any answer"};
            e.maybe_delivered = true;
            return e;
        }
        const bool offline = rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST ||
                             rc == CURLE_OPERATION_TIMEDOUT || rc == CURLE_COULDNT_RESOLVE_PROXY ||
                             rc == CURLE_GOT_NOTHING || rc == CURLE_RECV_ERROR ||
                             rc == CURLE_SEND_ERROR;
        Error e{offline ? ErrorKind::Offline : ErrorKind::Io, request.url + ": " + curl_easy_strerror(rc)};
        // The whole body went out before the failure: the server may have acted on it.
        curl_off_t sent = 0;
        curl_easy_getinfo(h, CURLINFO_SIZE_UPLOAD_T, &sent);
        e.maybe_delivered = (!request.body.empty() && sent >= static_cast<curl_off_t>(request.body.size())) ||
                            attempts.refused;
        return e;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

namespace {

// Retry-After: seconds, or an HTTP date.
long RetryAfterSeconds(const std::string& value)
{
    const std::string v = Trim(value);
    if (v.empty())
        return -1;
    if (std::all_of(v.begin(), v.end(), [](unsigned char c) { return std::isdigit(c); }))
        return std::min(std::strtol(v.c_str(), nullptr, 10), 24L * 3600);
    std::tm tm{};
    if (strptime(v.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm)) {
        const long when = static_cast<long>(timegm(&tm));
        return std::max(0L, when - static_cast<long>(std::time(nullptr)));
    }
    return -1;
}

} // namespace

Error StatusError(const Response& r, std::string message)
{
    ErrorKind kind = ErrorKind::Unavailable;
    const long s = r.status;
    if (s == 404 || s == 410)
        kind = ErrorKind::NotFound;
    else if (s == 401 || s == 403)
        kind = ErrorKind::Denied;
    else if (s == 412)
        kind = ErrorKind::Conflict;
    else if (s >= 400 && s < 500 && s != 408 && s != 429)
        kind = ErrorKind::Rejected;
    Error e{kind, std::move(message)};
    if (kind == ErrorKind::Unavailable) {
        e.retry_after_s = RetryAfterSeconds(r.Header("retry-after"));
    }
    return e;
}

sdk::HttpClient& ConsoleClient()
{
    struct Curl final : sdk::HttpClient
    {
        Result<sdk::HttpResponse> Perform(const sdk::HttpRequest& request) override { return net::Perform(request); }
    };
    static Curl client;
    return client;
}

} // namespace civic::net
