#include "Open311Server.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <ctime>
#include <random>
#include <stdexcept>

namespace civic::test {

namespace {

std::string Esc(const std::string& s)
{
    std::string o;
    for (char c : s) {
        switch (c) {
        case '<': o += "&lt;"; break;
        case '>': o += "&gt;"; break;
        case '&': o += "&amp;"; break;
        case '"': o += "&quot;"; break;
        default: o += c;
        }
    }
    return o;
}

std::string JsonStr(const std::string& s)
{
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            o += '\\';
        if (c == '\n') {
            o += "\\n";
            continue;
        }
        o += c;
    }
    return o + "\"";
}

std::string W3c(std::int64_t t)
{
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

std::int64_t Now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct Svc
{
    const char* code;
    const char* name;
    const char* type;
    bool metadata;
};
const Svc kServices[] = {{"POTHOLE", "Pothole repair", "realtime", true},
                         {"LIGHT", "Street light outage", "realtime", false},
                         {"BULK", "Bulk item pickup", "batch", false},
                         {"TIP", "Anonymous tip", "blackbox", false}};

std::string Errors(bool json, int code, const std::string& description)
{
    if (json)
        return "[{\"code\":" + std::to_string(code) + ",\"description\":" + JsonStr(description) + "}]";
    return "<?xml version=\"1.0\" encoding=\"utf-8\"?><errors><error><code>" + std::to_string(code) +
           "</code><description>" + Esc(description) + "</description></error></errors>";
}

} // namespace

Open311Server::Open311Server(std::string api_key) : m_api_key(std::move(api_key)), m_server(std::make_unique<httplib::Server>())
{
    Serve();
    m_port = m_server->bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

Open311Server::~Open311Server() { Stop(); }

void Open311Server::Stop()
{
    if (!m_server)
        return;
    m_server->stop();
    if (m_thread.joinable())
        m_thread.join();
    m_server.reset();
}

void Open311Server::Start()
{
    if (m_server)
        return;
    m_server = std::make_unique<httplib::Server>();
    Serve();
    if (!m_server->bind_to_port("127.0.0.1", m_port))
        throw std::runtime_error("the test CRM cannot listen on its port again");
    m_thread = std::thread([this] { m_server->listen_after_bind(); });
    while (!m_server->is_running())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

std::string Open311Server::Endpoint() const { return "http://127.0.0.1:" + std::to_string(m_port) + "/open311/v2"; }

void Open311Server::Inject(Fault fault, int times)
{
    std::lock_guard lock(m_mutex);
    for (int i = 0; i < times; ++i)
        m_faults.push_back(fault);
}

void Open311Server::FailRandomly(double p, unsigned seed)
{
    std::lock_guard lock(m_mutex);
    m_random_p = p;
    m_seed = seed;
}

std::vector<Open311Server::Filed> Open311Server::Requests() const
{
    std::lock_guard lock(m_mutex);
    return m_requests;
}

void Open311Server::Close(const std::string& id, const std::string& notes, std::int64_t at)
{
    std::lock_guard lock(m_mutex);
    for (auto& r : m_requests)
        if (r.id == id) {
            r.status = "closed";
            r.status_notes = notes;
            r.updated_at = at;
        }
}

std::string Open311Server::Seed(std::map<std::string, std::string> fields, std::int64_t at)
{
    std::lock_guard lock(m_mutex);
    Filed f;
    f.id = std::to_string(m_next_id++);
    f.fields = std::move(fields);
    f.requested_at = f.updated_at = at;
    m_requests.push_back(f);
    return f.id;
}

void Open311Server::Serve()
{
    auto& s = *m_server;
    // Headers and body go out in separate writes: without this, Nagle's
    // algorithm holds the body until the client's delayed ACK, 40 ms a request.
    s.set_tcp_nodelay(true);
    const std::string base = "/open311/v2";

    // Faults first: returns true when the call has been answered by one.
    auto fault = [this](const httplib::Request& req, httplib::Response& res, bool json,
                        std::optional<Fault>& after_create) -> bool {
        ++m_calls;
        std::optional<Fault> f;
        {
            std::lock_guard lock(m_mutex);
            if (!m_faults.empty()) {
                f = m_faults.front();
                m_faults.pop_front();
            } else if (m_random_p > 0) {
                std::mt19937 rng(m_seed++);
                if (std::uniform_real_distribution<double>(0, 1)(rng) < m_random_p) {
                    static const Fault pick[] = {Fault::Status500, Fault::Unavailable, Fault::DropAfterCreate,
                                                 Fault::SlowAfterCreate, Fault::TruncatedJson, Fault::HtmlError};
                    f = pick[rng() % std::size(pick)];
                }
            }
        }
        if (!f)
            return false;
        (void)req;
        switch (*f) {
        case Fault::Status500:
            res.status = 500;
            res.set_content(Errors(json, 500, "Internal error, try later"), json ? "application/json" : "text/xml");
            return true;
        case Fault::RateLimited:
        case Fault::Unavailable:
            res.status = *f == Fault::RateLimited ? 429 : 503;
            res.set_header("Retry-After", std::to_string(m_retry_after.load()));
            res.set_content(Errors(json, res.status, "Slow down"), json ? "application/json" : "text/xml");
            return true;
        case Fault::Slow:
            std::this_thread::sleep_for(std::chrono::milliseconds(m_slow_ms.load()));
            return false; // then answers normally
        case Fault::DropAfterCreate:
        case Fault::SlowAfterCreate:
            after_create = *f;
            return false;
        case Fault::MalformedXml:
            res.set_content("<?xml version=\"1.0\"?><service_requests><request><service_request_id>1</servi",
                            "text/xml");
            return true;
        case Fault::TruncatedJson:
            res.set_content("[{\"service_request_id\":\"12", "application/json");
            return true;
        case Fault::HtmlError:
            res.status = 502;
            res.set_content("<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1>"
                            "<p>The proxy server received an invalid response.</p></body></html>",
                            "text/html");
            return true;
        case Fault::JsonErrorOnXml:
            res.status = 400;
            res.set_content("{\"code\":400,\"description\":\"service_code is not valid\"}", "application/json");
            return true;
        case Fault::EmptyError:
            res.status = 400;
            return true;
        case Fault::NotFound404:
            res.status = 404;
            res.set_content("<html><body><h1>Not Found</h1></body></html>", "text/html");
            return true;
        case Fault::HostileBody: {
            std::lock_guard lock(m_mutex);
            res.set_content(m_hostile_body, json ? "application/json" : "text/xml");
            return true;
        }
        }
        return false;
    };

    auto request_doc = [](const std::vector<Filed>& list, bool json) {
        std::string out;
        if (json) {
            out = "[";
            for (size_t i = 0; i < list.size(); ++i) {
                const auto& r = list[i];
                auto field = [&](const char* k) {
                    auto it = r.fields.find(k);
                    return it == r.fields.end() ? std::string() : it->second;
                };
                out += std::string(i ? "," : "") + "{\"service_request_id\":" + JsonStr(r.id) +
                       ",\"status\":" + JsonStr(r.status) + ",\"status_notes\":" + JsonStr(r.status_notes) +
                       ",\"service_code\":" + JsonStr(field("service_code")) +
                       ",\"description\":" + JsonStr(field("description")) +
                       ",\"address\":" + JsonStr(field("address_string")) +
                       (field("lat").empty() ? std::string()
                                             : ",\"lat\":" + field("lat") + ",\"long\":" + field("long")) +
                       ",\"requested_datetime\":" + JsonStr(W3c(r.requested_at)) +
                       ",\"updated_datetime\":" + JsonStr(W3c(r.updated_at)) + "}";
            }
            return out + "]";
        }
        out = "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_requests>";
        for (const auto& r : list) {
            auto field = [&](const char* k) {
                auto it = r.fields.find(k);
                return it == r.fields.end() ? std::string() : it->second;
            };
            // Element order differs from the specification on purpose.
            out += "<request><status>" + r.status + "</status><service_request_id>" + Esc(r.id) +
                   "</service_request_id><status_notes>" + Esc(r.status_notes) + "</status_notes><service_code>" +
                   Esc(field("service_code")) + "</service_code><description>" + Esc(field("description")) +
                   "</description><address>" + Esc(field("address_string")) + "</address>" +
                   (field("lat").empty() ? std::string()
                                         : "<lat>" + Esc(field("lat")) + "</lat><long>" + Esc(field("long")) + "</long>") +
                   "<requested_datetime>" +
                   W3c(r.requested_at) + "</requested_datetime><updated_datetime>" + W3c(r.updated_at) +
                   "</updated_datetime></request>";
        }
        return out + "</service_requests>";
    };

    s.Get(base + R"(/services\.(xml|json))", [=, this](const httplib::Request& req, httplib::Response& res) {
        const bool json = req.matches[1] == "json";
        std::optional<Fault> after;
        if (fault(req, res, json, after))
            return;
        std::string out;
        if (json) {
            out = "[";
            for (size_t i = 0; i < std::size(kServices); ++i) {
                const auto& v = kServices[i];
                out += std::string(i ? "," : "") + "{\"service_code\":" + JsonStr(v.code) +
                       ",\"service_name\":" + JsonStr(v.name) + ",\"type\":" + JsonStr(v.type) +
                       ",\"metadata\":" + (v.metadata ? "true" : "false") +
                       ",\"keywords\":\"street, road\",\"group\":\"Streets\",\"description\":\"\"}";
            }
            out += "]";
        } else {
            out = "<?xml version=\"1.0\"?><services>";
            for (const auto& v : kServices)
                out += std::string("<service><service_name>") + v.name + "</service_name><service_code>" + v.code +
                       "</service_code><metadata>" + (v.metadata ? "true" : "false") + "</metadata><type>" + v.type +
                       "</type><keywords>street, road</keywords><group>Streets</group><description/></service>";
            out += "</services>";
        }
        res.set_content(out, json ? "application/json; charset=utf-8" : "text/xml; charset=utf-8");
    });

    s.Get(base + R"(/services/([^/.]+)\.(xml|json))", [=, this](const httplib::Request& req, httplib::Response& res) {
        const bool json = req.matches[2] == "json";
        std::optional<Fault> after;
        if (fault(req, res, json, after))
            return;
        if (req.matches[1] != "POTHOLE") {
            res.status = 404;
            res.set_content(Errors(json, 404, "Service not found"), json ? "application/json" : "text/xml");
            return;
        }
        if (json) {
            res.set_content(
                R"({"service_code":"POTHOLE","attributes":[)"
                R"({"variable":true,"code":"SIZE","datatype":"singlevaluelist","required":true,"order":2,"description":"How big is it?","values":[{"key":"S","name":"Smaller than a plate"},{"key":"L","name":"Larger than a plate"}]},)"
                R"({"variable":true,"code":"LANE","datatype":"string","required":false,"order":1,"description":"Which lane?"},)"
                R"({"variable":"true","code":"HAZARDS","datatype":"multivaluelist","required":false,"order":3,"description":"Hazards","values":[{"key":"water","name":"Standing water"},{"key":"traffic","name":"Heavy traffic"}]},)"
                R"({"variable":true,"code":"DEPTH","datatype":"number","required":false,"order":4,"description":"Depth in inches"},)"
                R"({"variable":true,"code":"SEEN","datatype":"datetime","required":false,"order":5,"description":"When was it first seen?"}]})",
                "application/json");
            return;
        }
        std::string xml =
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><service_definition><service_code>POTHOLE</service_code>"
            "<attributes>"
            "<attribute><variable>true</variable><code>SIZE</code><datatype>singlevaluelist</datatype>"
            "<required>true</required><datatype_description></datatype_description><order>2</order>"
            "<description>How big is it?</description><values><value><key>S</key><name>Smaller than a plate</name>"
            "</value><value><key>L</key><name>Larger than a plate</name></value></values></attribute>"
            "<attribute><variable>true</variable><code>LANE</code><datatype>string</datatype><required>false</required>"
            "<order>1</order><description>Which lane?</description></attribute>"
            "<attribute><variable>true</variable><code>HAZARDS</code><datatype>multivaluelist</datatype>"
            "<required>false</required><order>3</order><description>Hazards</description><values><value><key>water"
            "</key><name>Standing water</name></value><value><key>traffic</key><name>Heavy traffic</name></value>"
            "</values></attribute>"
            "<attribute><variable>true</variable><code>DEPTH</code><datatype>number</datatype><required>false"
            "</required><order>4</order><description>Depth in inches</description></attribute>"
            "<attribute><variable>true</variable><code>SEEN</code><datatype>datetime</datatype><required>false"
            "</required><order>5</order><description>When was it first seen?</description></attribute>"
            "</attributes></service_definition>";
        if (m_deployed_shapes)
            for (const auto& [from, to] : {std::pair{"<attribute>", "<attributes>"}, {"</attribute>", "</attributes>"},
                                           {"<value>", "<values>"}, {"</value>", "</values>"}})
                for (auto at = xml.find(from); at != std::string::npos; at = xml.find(from, at + 1))
                    xml.replace(at, std::string_view(from).size(), to);
        res.set_content(xml, "text/xml");
    });

    s.Post(base + R"(/requests\.(xml|json))", [=, this](const httplib::Request& req, httplib::Response& res) {
        const bool json = req.matches[1] == "json";
        std::optional<Fault> after;
        if (fault(req, res, json, after))
            return;
        const std::string key = req.get_param_value("api_key");
        if (key != m_api_key) {
            res.status = 403;
            res.set_content(Errors(json, 403, "Invalid api_key"), json ? "application/json" : "text/xml");
            return;
        }
        const std::string code = req.get_param_value("service_code");
        const Svc* svc = nullptr;
        for (const auto& v : kServices)
            if (code == v.code)
                svc = &v;
        if (!svc) {
            res.status = 400;
            res.set_content(Errors(json, 400, "service_code '" + code + "' is not a known service"),
                            json ? "application/json" : "text/xml");
            return;
        }
        if (req.get_param_value("address_string").empty() && req.get_param_value("lat").empty() &&
            req.get_param_value("address_id").empty()) {
            res.status = 400;
            res.set_content(Errors(json, 400, "A location is required: lat and long, address_string or address_id"),
                            json ? "application/json" : "text/xml");
            return;
        }
        std::string id, token;
        {
            std::lock_guard lock(m_mutex);
            const std::string ikey = req.get_header_value("Idempotency-Key");
            if (!m_ignore_key && !ikey.empty() && m_by_key.count(ikey)) {
                id = m_by_key[ikey]; // the same request again: the same answer
            } else {
                Filed f;
                f.id = std::to_string(m_next_id++);
                f.idempotency_key = ikey;
                for (const auto& [k, v] : req.params)
                    f.fields[k] += (f.fields[k].empty() ? "" : ",") + v;
                f.requested_at = f.updated_at = Now();
                m_requests.push_back(f);
                id = f.id;
                if (!ikey.empty())
                    m_by_key[ikey] = id;
            }
            if (std::string(svc->type) == "batch") {
                token = "tok-" + id;
                if (!m_tokens.count(token))
                    m_tokens[token] = {id, m_token_polls.load()};
            }
        }
        if (after == Fault::SlowAfterCreate)
            std::this_thread::sleep_for(std::chrono::milliseconds(m_slow_ms.load()));
        if (after == Fault::DropAfterCreate) {
            // Headers promise a body that never comes: the connection breaks.
            res.set_content_provider(200, "text/xml", [](size_t, size_t, httplib::DataSink&) { return false; });
            return;
        }
        std::string out;
        const std::string type = svc->type;
        if (json)
            out = type == "batch"      ? "[{\"token\":" + JsonStr(token) + "}]"
                  : type == "blackbox" ? "[{\"service_notice\":\"Thank you\"}]"
                                       : "[{\"service_request_id\":" + id + ",\"service_notice\":\"Crews respond within 3 days\"}]";
        else
            out = "<?xml version=\"1.0\"?><service_requests><request>" +
                  (type == "batch"      ? "<token>" + token + "</token>"
                   : type == "blackbox" ? std::string("<service_notice>Thank you</service_notice>")
                                        : "<service_request_id>" + id +
                                              "</service_request_id><service_notice>Crews respond within 3 days"
                                              "</service_notice>") +
                  "</request></service_requests>";
        res.status = 201;
        res.set_content(out, json ? "application/json" : "text/xml");
    });

    s.Get(base + R"(/tokens/([^/.]+)\.(xml|json))", [=, this](const httplib::Request& req, httplib::Response& res) {
        const bool json = req.matches[2] == "json";
        std::optional<Fault> after;
        if (fault(req, res, json, after))
            return;
        std::string id;
        bool known = false;
        {
            std::lock_guard lock(m_mutex);
            auto it = m_tokens.find(req.matches[1]);
            if (it != m_tokens.end()) {
                known = true;
                if (--it->second.second <= 0)
                    id = it->second.first;
            }
        }
        if (!known) {
            res.status = 404;
            res.set_content(Errors(json, 404, "Token not found"), json ? "application/json" : "text/xml");
            return;
        }
        const std::string token = req.matches[1];
        if (json)
            res.set_content("[{\"token\":" + JsonStr(token) + (id.empty() ? "" : ",\"service_request_id\":" + JsonStr(id)) + "}]",
                            "application/json");
        else
            res.set_content("<service_requests><request><token>" + token + "</token>" +
                                (id.empty() ? "" : "<service_request_id>" + id + "</service_request_id>") +
                                "</request></service_requests>",
                            "text/xml");
    });

    s.Get(base + R"(/requests(/([^/.]+))?\.(xml|json))", [=, this](const httplib::Request& req, httplib::Response& res) {
        const bool json = req.matches[3] == "json";
        std::optional<Fault> after;
        if (fault(req, res, json, after))
            return;
        std::vector<std::string> ids;
        std::string wanted = req.matches[2];
        if (wanted.empty())
            wanted = req.get_param_value("service_request_id");
        for (size_t b = 0, e; !wanted.empty() && b <= wanted.size(); b = e + 1) {
            e = wanted.find(',', b);
            if (e == std::string::npos)
                e = wanted.size();
            ids.push_back(wanted.substr(b, e - b));
        }
        std::int64_t after_t = 0;
        if (m_refuse_updated_after && req.has_param("updated_after")) {
            res.status = 400;
            res.set_content(Errors(json, 400, "updated_after is not a supported parameter"),
                            json ? "application/json" : "text/xml");
            return;
        }
        if (auto u = req.get_param_value("updated_after"); !u.empty()) {
            std::tm tm{};
            if (strptime(u.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm))
                after_t = static_cast<std::int64_t>(timegm(&tm));
        }
        std::int64_t start_t = 0;
        if (auto u = req.get_param_value("start_date"); !u.empty()) {
            std::tm tm{};
            if (strptime(u.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm))
                start_t = static_cast<std::int64_t>(timegm(&tm));
        }
        const std::string code = req.get_param_value("service_code");
        std::vector<Filed> list;
        {
            std::lock_guard lock(m_mutex);
            for (const auto& r : m_requests) {
                if (!ids.empty() && std::find(ids.begin(), ids.end(), r.id) == ids.end())
                    continue;
                if (after_t && r.updated_at <= after_t)
                    continue;
                if (start_t && (m_invert_start ? r.requested_at >= start_t : r.requested_at < start_t))
                    continue;
                if (!code.empty() && r.fields.count("service_code") && r.fields.at("service_code") != code)
                    continue;
                list.push_back(r);
            }
        }
        if (!req.matches[2].str().empty() && list.empty()) {
            res.status = 404;
            res.set_content(Errors(json, 404, "Request not found"), json ? "application/json" : "text/xml");
            return;
        }
        std::string doc = request_doc(list, json);
        if (m_deployed_shapes && !json)
            for (const auto& [from, to] : {std::pair{"<request>", "<service_request>"}, {"</request>", "</service_request>"}})
                for (auto at = doc.find(from); at != std::string::npos; at = doc.find(from, at + 1))
                    doc.replace(at, std::string_view(from).size(), to);
        res.set_content(doc, json ? "application/json" : "text/xml");
    });
}

} // namespace civic::test
