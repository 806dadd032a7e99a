// HTTP requests with libcurl. Blocking: call from the network thread, never the
// UI thread. Certificate verification is always on; there is no switch.
//
// Any HTTP status is a Response: callers decide what 4xx and 5xx mean. Errors
// are only for requests that got no answer: Offline (no connection, name not
// resolved, timed out) or Io (anything else libcurl reports), and Invalid for
// a reply larger than max_response_bytes (a hostile or broken server). An
// Offline error after the whole body was sent has maybe_delivered set.
#pragma once

#include <civic/Result.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace civic::net {

struct Request
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

struct Response
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

Result<Response> Perform(const Request& request);

} // namespace civic::net
