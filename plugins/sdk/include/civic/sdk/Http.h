// Part of the CivicDesk plugin SDK: HTTP as the console does it — libcurl
// on the console's side, certificate verification always on, answers capped
// in size. A plugin gets the console's client from its Host (Plugin.h), so it
// needs no HTTP library of its own.
//
// Any HTTP status is an HttpResponse: the connector decides what it means
// (StatusError below is the usual reading). Errors are for requests that got
// no answer: Offline (no connection, name not resolved, timed out) — with
// maybe_delivered when the whole body had been sent — Io for anything else,
// Invalid for an answer over max_response_bytes.
#pragma once

#include <civic/sdk/Result.h>

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace civic::sdk {

struct HttpRequest
{
    std::string method = "GET";
    std::string url;
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    long connect_timeout_ms = 5000;
    long timeout_ms = 20000;
    size_t max_response_bytes = 64 * 1024 * 1024;
    std::string user; // HTTP basic or digest authentication, when set
    std::string password;
};

struct HttpResponse
{
    long status = 0;
    std::map<std::string, std::string> headers; // names lower-cased; last one wins
    std::string body;

    std::string Header(const std::string& lower_name) const
    {
        auto it = headers.find(lower_name);
        return it == headers.end() ? std::string() : it->second;
    }
};

class HttpClient
{
public:
    virtual ~HttpClient() = default;
    // Blocking: call from the thread the console runs the plugin on.
    virtual Result<HttpResponse> Perform(const HttpRequest& request) = 0;
};

} // namespace civic::sdk
