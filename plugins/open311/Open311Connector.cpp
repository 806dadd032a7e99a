// The Open311 connector: the GeoReport v2 calls over HTTP (form-encoded
// POSTs, keys, the fallbacks deployed servers need). Reading the answers is
// Open311Parse.cpp's.
#include <civic/open311/Open311Connector.h>

#include <civic/Text.h>
#include <civic/net/HttpClient.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace civic::open311 {

namespace {

// application/x-www-form-urlencoded, as RFC 3986 unreserved plus '+' for space.
void AppendFormEncoded(std::string& out, std::string_view s)
{
    static const char* hex = "0123456789ABCDEF";
    // ASCII letters and digits whatever the locale (isalnum would ask it per byte).
    auto unreserved = [](unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == '~';
    };
    for (size_t i = 0; i < s.size();) {
        size_t run = i;
        while (run < s.size() && unreserved(static_cast<unsigned char>(s[run])))
            ++run;
        out.append(s.data() + i, run - i);
        if (run == s.size())
            break;
        const auto c = static_cast<unsigned char>(s[run]);
        if (c == ' ') {
            out += '+';
        } else {
            const char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            out.append(esc, 3);
        }
        i = run + 1;
    }
}

std::string UrlEncode(const std::string& s)
{
    std::string out;
    AppendFormEncoded(out, s);
    for (size_t i = 0; (i = out.find('+', i)) != std::string::npos;)
        out.replace(i, 1, "%20");
    return out;
}

} // namespace

// ---- the connector

struct Open311Connector::Reply
{
    net::Response response;
    std::string name; // "services.xml", for messages
};

Open311Connector::Open311Connector(crm::ConnectorConfig config) : m_config(std::move(config))
{
    while (!m_config.endpoint.empty() && m_config.endpoint.back() == '/')
        m_config.endpoint.pop_back();
    if (m_config.format != "json")
        m_config.format = "xml";
}

std::string Open311Connector::Name() const { return "open311:" + m_config.endpoint; }

Result<Open311Connector::Reply> Open311Connector::Get(const std::string& resource,
                                                      const std::vector<std::pair<std::string, std::string>>& query)
{
    std::string url = m_config.endpoint + "/" + resource + "." + m_config.format;
    std::string q;
    auto params = query;
    if (!m_config.jurisdiction_id.empty())
        params.emplace_back("jurisdiction_id", m_config.jurisdiction_id);
    for (const auto& [k, v] : params)
        q += (q.empty() ? "?" : "&") + k + "=" + UrlEncode(v);
    net::Request req;
    req.url = url + q;
    req.timeout_ms = m_config.timeout_ms;
    req.headers.emplace_back("Accept", m_config.format == "json" ? "application/json" : "text/xml, application/xml");
    auto r = net::Perform(req);
    if (!r)
        return r.Err();
    const std::string name = resource + "." + m_config.format;
    if (r->status != 200) {
        return net::StatusError(r.Value(), name + ": HTTP " + std::to_string(r->status) + ": " +
                                               ErrorText(r->body, r->status));
    }
    return Reply{std::move(r).Value(), name};
}

Result<std::vector<crm::Service>> Open311Connector::Services()
{
    auto r = Get("services", {});
    if (!r)
        return r.Err();
    return ParseServices(r->response.body, m_config.format == "json", r->name);
}

Result<crm::ServiceDefinition> Open311Connector::Definition(const std::string& service_code)
{
    auto r = Get("services/" + UrlEncode(service_code), {});
    if (!r)
        return r.Err();
    auto d = ParseDefinition(r->response.body, m_config.format == "json", r->name);
    if (d && d->service_code.empty())
        d->service_code = service_code;
    return d;
}

std::string Open311Connector::FormBody(const crm::NewRequest& r) const
{
    // Written straight into one string: the outbox builds one per request it sends.
    std::string body;
    body.reserve(256 + r.description.size() + r.address.size());
    auto add = [&body](std::string_view key, std::string_view value, std::string_view suffix = {}) {
        if (!body.empty())
            body += '&';
        AppendFormEncoded(body, key);
        AppendFormEncoded(body, suffix);
        body += '=';
        AppendFormEncoded(body, value);
    };
    if (!m_config.api_key.empty())
        add("api_key", m_config.api_key);
    if (!m_config.jurisdiction_id.empty())
        add("jurisdiction_id", m_config.jurisdiction_id);
    add("service_code", r.service_code);
    if (r.lat && r.lon) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.7f", *r.lat);
        add("lat", buf);
        std::snprintf(buf, sizeof buf, "%.7f", *r.lon);
        add("long", buf);
    }
    if (!r.address.empty())
        add("address_string", r.address);
    if (!r.address_id.empty())
        add("address_id", r.address_id);
    for (const auto& [code, values] : r.attributes) {
        const std::string key = "attribute[" + code + "]";
        for (const auto& v : values)
            add(key, v, values.size() == 1 ? "" : "[]");
    }
    const std::pair<const char*, const std::string*> optional[] = {
        {"email", &r.email}, {"first_name", &r.first_name}, {"last_name", &r.last_name},
        {"phone", &r.phone}, {"description", &r.description}, {"media_url", &r.media_url}};
    for (const auto& [key, value] : optional)
        if (!value->empty())
            add(key, std::string_view(*value).substr(0, std::string_view(key) == "description" ? 4000 : std::string::npos));
    return body;
}

Result<crm::Submitted> Open311Connector::Submit(const crm::NewRequest& request, const std::string& idempotency_key)
{
    net::Request req;
    req.method = "POST";
    req.url = m_config.endpoint + "/requests." + m_config.format;
    req.timeout_ms = m_config.timeout_ms;
    req.body = FormBody(request);
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    req.headers.emplace_back("Idempotency-Key", idempotency_key);
    req.headers.emplace_back("Accept", m_config.format == "json" ? "application/json" : "text/xml, application/xml");
    auto r = net::Perform(req);
    if (!r)
        return r.Err();
    const std::string name = "requests." + m_config.format;
    if (r->status != 200 && r->status != 201) {
        return net::StatusError(r.Value(), name + ": HTTP " + std::to_string(r->status) + ": " +
                                               ErrorText(r->body, r->status));
    }
    auto list = ParseRequestList(r->body, m_config.format == "json", name);
    if (!list) {
        // Accepted but unreadable: the request may exist. Reconcile before resending.
        Error e = list.Err();
        e.maybe_delivered = true;
        return e;
    }
    crm::Submitted s;
    if (!list->empty()) {
        s.request_id = list->front().request_id;
        s.token = list->front().token;
        s.service_notice = list->front().service_notice;
    }
    return s;
}

Result<std::vector<crm::RequestState>> Open311Connector::ParseRequests(const Reply& reply) const
{
    return ParseRequestList(reply.response.body, m_config.format == "json", reply.name);
}

Result<std::vector<crm::RequestState>> Open311Connector::FromToken(const std::string& token)
{
    auto r = Get("tokens/" + UrlEncode(token), {});
    if (!r) {
        if (r.Err().kind == ErrorKind::NotFound)
            return std::vector<crm::RequestState>{}; // not processed yet, on some servers
        return r.Err();
    }
    return ParseRequests(r.Value());
}

Result<std::vector<crm::RequestState>> Open311Connector::Requests(const std::vector<std::string>& request_ids)
{
    std::vector<crm::RequestState> out;
    // A long id list makes a long URL: ask fifty at a time.
    for (size_t i = 0; i < request_ids.size(); i += 50) {
        std::string ids;
        for (size_t k = i; k < std::min(request_ids.size(), i + 50); ++k)
            ids += (ids.empty() ? "" : ",") + request_ids[k];
        auto r = Get("requests", {{"service_request_id", ids}});
        if (!r) {
            if (r.Err().kind == ErrorKind::NotFound)
                continue; // unknown ids: "nothing" on some servers
            return r.Err();
        }
        auto list = ParseRequests(r.Value());
        if (!list)
            return list.Err();
        for (auto& x : list.Value())
            out.push_back(std::move(x));
    }
    return out;
}

Result<std::vector<crm::RequestState>> Open311Connector::UpdatedSince(std::int64_t since)
{
    auto r = Get("requests", {{"updated_after", crm::FormatW3cDateTime(since)}});
    if (!r)
        return r.Err();
    return ParseRequests(r.Value());
}

Result<std::vector<crm::RequestState>> Open311Connector::Recent(const std::string& service_code, std::int64_t since)
{
    auto r = Get("requests", {{"service_code", service_code}, {"start_date", crm::FormatW3cDateTime(since)}});
    if (!r)
        return r.Err();
    auto listed = ParseRequests(r.Value());
    if (!listed)
        return listed;
    // Deployed servers ignore start_date, or read it the wrong way round:
    // requests from before it listed, or nothing at all. Then the service's
    // list without a date (by the standard, its newest requests) is asked
    // too, before an uncertain request is ever filed again.
    const bool outside = std::any_of(listed->begin(), listed->end(), [&](const crm::RequestState& s) {
        return s.requested_at > 0 && s.requested_at < since;
    });
    if (!listed->empty() && !outside)
        return listed;
    auto all = Get("requests", {{"service_code", service_code}});
    if (!all)
        return all.Err();
    auto undated = ParseRequests(all.Value());
    if (!undated)
        return undated;
    listed->insert(listed->end(), undated->begin(), undated->end());
    return listed;
}

void RegisterOpen311()
{
    crm::RegisterConnector("open311", [](const crm::ConnectorConfig& c) {
        return std::make_unique<Open311Connector>(c);
    });
}

} // namespace civic::open311
