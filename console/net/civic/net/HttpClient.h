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
#include <civic/sdk/Http.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace civic::net {

using Request = sdk::HttpRequest;
using Response = sdk::HttpResponse;

Result<Response> Perform(const Request& request);

// The console's client (Perform), for plugins through their Host.
sdk::HttpClient& ConsoleClient();

// The transport-neutral error for an HTTP error status, as connectors report
// it: 404 and 410 NotFound; 401 and 403 Denied; 412 Conflict; 408, 429
// and 5xx Unavailable (with retry_after_s from a Retry-After in seconds); any
// other 4xx Rejected; anything else Unavailable. message is kept as given.
Error StatusError(const Response& response, std::string message);

} // namespace civic::net
