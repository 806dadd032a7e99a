// Part of the CivicDesk plugin SDK: the CRM behind the console, as the console
// needs it — the service catalog, filing a request, and what became of
// requests. Open311 GeoReport v2 is the first implementation (the open311
// plugin); another CRM plugs in by implementing Connector in a plugin
// (civic/sdk/Plugin.h).
//
// Thread: blocking network calls; the console runs them on its CRM thread.
//
// Errors the outbox tells apart (the connector decides which it is; the
// console never reads transport codes):
//   Offline (no answer)      retry later; maybe_delivered says whether the
//                            request may have been received anyway
//   Unavailable              retry later, after retry_after_s if given
//   Rejected, Denied         needs attention: message is the server's own text
//   NotFound                 (lookups) the server knows no such request
//   Parse                    the answer could not be read (retried: a
//                            truncated reply is usually a broken link)
#pragma once

#include <civic/sdk/Result.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace civic::sdk {
class HttpClient;
}

namespace civic::crm {


struct Service
{
    std::string code;
    std::string name;
    std::string description;
    std::string group;
    std::string type; // realtime, batch, blackbox
    std::vector<std::string> keywords;
    bool has_definition = false; // Open311 "metadata": attributes to fill in
};

enum class Datatype
{
    String,
    Number,
    Datetime,
    Text,
    SingleValueList,
    MultiValueList,
};

struct AttributeValue
{
    std::string key;
    std::string name;
};

struct Attribute
{
    std::string code;
    Datatype datatype = Datatype::String;
    bool variable = true; // false: shown as information, not asked
    bool required = false;
    std::string description; // the question
    std::string datatype_description;
    int order = 0;
    std::vector<AttributeValue> values;
};

struct ServiceDefinition
{
    std::string service_code;
    std::vector<Attribute> attributes; // sorted by order
};

struct NewRequest
{
    std::string service_code;
    std::optional<double> lat, lon;
    std::string address;
    std::string address_id;
    // code -> values (one for most datatypes, several for multivaluelist)
    std::map<std::string, std::vector<std::string>> attributes;
    std::string email, first_name, last_name, phone;
    std::string description;
    std::string media_url;
};

// What a create answered. Exactly one of request_id and token is set, or
// neither for a service that gives no id at all.
struct Submitted
{
    std::string request_id;
    std::string token;
    std::string service_notice;
};

struct RequestState
{
    std::string request_id; // may be empty in a token lookup not yet processed
    std::string token;
    std::string status; // open, closed (or the server's own word)
    std::string status_notes;
    std::string service_code;
    std::string service_name;
    std::string description;
    std::string agency;
    std::string address;
    std::string service_notice;
    std::int64_t requested_at = 0; // unix seconds; 0: not given
    std::int64_t updated_at = 0;
    std::optional<double> lat, lon;
};

class Connector
{
public:
    virtual ~Connector() = default;
    virtual std::string Name() const = 0; // "open311:https://…", for the store

    virtual Result<std::vector<Service>> Services() = 0;
    virtual Result<ServiceDefinition> Definition(const std::string& service_code) = 0;
    // idempotency_key goes with every attempt of the same request.
    virtual Result<Submitted> Submit(const NewRequest& request, const std::string& idempotency_key) = 0;
    virtual Result<std::vector<RequestState>> FromToken(const std::string& token) = 0;
    virtual Result<std::vector<RequestState>> Requests(const std::vector<std::string>& request_ids) = 0;
    // Requests changed since a time; servers without updated_after give what
    // they list by default (the last 90 days).
    virtual Result<std::vector<RequestState>> UpdatedSince(std::int64_t since) = 0;
    // Requests for a service filed since a time: how an uncertain delivery is
    // looked for before filing again.
    virtual Result<std::vector<RequestState>> Recent(const std::string& service_code, std::int64_t since) = 0;
};

struct ConnectorConfig
{
    std::string endpoint;
    std::string jurisdiction_id;
    std::string api_key;
    std::string format = "xml"; // xml or json (the "format" setting)
    // Every other setting the connector described (sdk::ConnectorInfo), by key.
    std::map<std::string, std::string> options;
    long timeout_ms = 20000;
    // The console's HTTP client, for connectors built against the SDK; null
    // for connectors that bring their own.
    sdk::HttpClient* http = nullptr;
};

using ConnectorFactory = std::function<std::unique_ptr<Connector>(const ConnectorConfig&)>;

} // namespace civic::crm
