#include <civic/open311/Open311Connector.h>

#include <civic/Text.h>
#include <civic/net/HttpClient.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace civic::open311 {

using nlohmann::json;

namespace {

// application/x-www-form-urlencoded, as RFC 3986 unreserved plus '+' for space.
void AppendFormEncoded(std::string& out, std::string_view s)
{
    static const char* hex = "0123456789ABCDEF";
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            out += static_cast<char>(c);
        else if (c == ' ')
            out += '+';
        else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 15];
        }
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

int LineAt(const std::string& text, std::ptrdiff_t offset)
{
    const auto end = text.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text.size()));
    return 1 + static_cast<int>(std::count(text.begin(), end, '\n'));
}

// A JSON scalar as text: ids come as numbers from some servers, strings from others.
std::string Str(const json& j, const char* key)
{
    auto it = j.find(key);
    if (it == j.end() || it->is_null())
        return {};
    if (it->is_string())
        return it->get<std::string>();
    if (it->is_boolean())
        return it->get<bool>() ? "true" : "false";
    if (it->is_number_integer())
        return std::to_string(it->get<long long>());
    if (it->is_number())
        return it->dump();
    return {};
}

bool Truthy(const std::string& s) { return Lower(Trim(s)) == "true" || Trim(s) == "1"; }

std::optional<double> Number(const std::string& s)
{
    if (Trim(s).empty())
        return std::nullopt;
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (!end || *end)
        return std::nullopt;
    return v;
}

std::optional<crm::Datatype> DatatypeFrom(const std::string& s)
{
    const std::string d = Lower(Trim(s));
    if (d == "string") return crm::Datatype::String;
    if (d == "number") return crm::Datatype::Number;
    if (d == "datetime") return crm::Datatype::Datetime;
    if (d == "text") return crm::Datatype::Text;
    if (d == "singlevaluelist") return crm::Datatype::SingleValueList;
    if (d == "multivaluelist") return crm::Datatype::MultiValueList;
    return std::nullopt;
}

// A document parsed as XML or JSON, with a name for messages.
struct Doc
{
    pugi::xml_document xml;
    json j;
    bool is_json = false;
};

// Parses body as what it is, whichever format was asked for: servers answer
// an XML call in JSON (and the other way round), most often for POSTs. A body
// that opens with '{' or '[' is JSON, one that opens with '<' is XML.
Result<void> Load(Doc& doc, const std::string& body, bool json_format, const std::string& name)
{
    const auto first = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    const char c = first == std::string::npos ? '\0' : body[first];
    doc.is_json = c == '{' || c == '[' ? true : c == '<' ? false : json_format;
    if (doc.is_json) {
        try {
            doc.j = json::parse(body);
            // {"data": ..., "success": true}: the answer is what data holds.
            if (doc.j.is_object() && doc.j.contains("data") &&
                (doc.j["data"].is_object() || doc.j["data"].is_array()))
                doc.j = json(doc.j["data"]);
        } catch (const json::parse_error& e) {
            return Error{ErrorKind::Parse, name + ": not valid JSON (byte " + std::to_string(e.byte) + ")"};
        }
        return Ok();
    }
    const auto r = doc.xml.load_buffer(body.data(), body.size());
    if (!r)
        return Error{ErrorKind::Parse,
                     name + ": line " + std::to_string(LineAt(body, r.offset)) + ": " + r.description()};
    return Ok();
}

// Every element called `name` under the document, at any depth: servers wrap
// lists differently, and a namespace prefix is ignored.
std::vector<pugi::xml_node> Elements(const pugi::xml_node& root, const char* name)
{
    // A walk rather than XPath: compiling an expression per call costs more
    // than reading a small answer.
    std::vector<pugi::xml_node> out;
    const std::string_view want(name);
    struct Walker : pugi::xml_tree_walker
    {
        std::string_view want;
        std::vector<pugi::xml_node>* out;
        bool for_each(pugi::xml_node& n) override
        {
            if (n.type() != pugi::node_element)
                return true;
            std::string_view local(n.name());
            if (const auto colon = local.rfind(':'); colon != std::string_view::npos)
                local = local.substr(colon + 1);
            if (local == want)
                out->push_back(n);
            return true;
        }
    } walker;
    walker.want = want;
    walker.out = &out;
    const_cast<pugi::xml_node&>(root).traverse(walker);
    return out;
}

// The items of an XML list: elements named item (or one of its other names)
// at any depth; failing those, the list's own name repeated inside it, as
// some servers write lists (<attributes><attributes>…</attributes></attributes>).
std::vector<pugi::xml_node> ListItems(const pugi::xml_node& root, std::initializer_list<const char*> items,
                                      const char* container)
{
    for (const char* item : items)
        if (auto found = Elements(root, item); !found.empty())
            return found;
    std::vector<pugi::xml_node> out;
    for (const auto& n : Elements(root, container)) {
        std::string_view parent(n.parent().name());
        if (const auto colon = parent.rfind(':'); colon != std::string_view::npos)
            parent = parent.substr(colon + 1);
        if (parent == container)
            out.push_back(n);
    }
    return out;
}

// A child's text; "null", as some servers write an empty value, is empty.
std::string Text(const pugi::xml_node& n, const char* child)
{
    for (auto c : n.children())
        if (std::string_view(c.name()) == child || std::string_view(c.name()).ends_with(std::string(":") + child)) {
            std::string text = Trim(c.text().as_string());
            return text == "null" ? std::string() : text;
        }
    return {};
}

// The items of a JSON list answer: a bare array as the standard says, or an
// object holding one under a usual key.
Result<json> Items(const json& j, const char* key, const std::string& name)
{
    if (j.is_array())
        return j;
    if (j.is_object()) {
        if (auto it = j.find(key); it != j.end() && it->is_array())
            return *it;
    }
    return Error{ErrorKind::Parse, name + ": expected a list of " + key};
}

// One request from a listing, XML or JSON alike: field(name) is its text.
template <class Field>
crm::RequestState RequestFrom(Field field)
{
    crm::RequestState r;
    r.request_id = field("service_request_id");
    r.token = field("token");
    r.status = Lower(field("status"));
    r.status_notes = field("status_notes");
    r.service_code = field("service_code");
    r.service_name = field("service_name");
    r.description = field("description");
    r.agency = field("agency_responsible");
    r.address = field("address");
    r.service_notice = field("service_notice");
    r.requested_at = crm::ParseW3cDateTime(field("requested_datetime")).value_or(0);
    r.updated_at = crm::ParseW3cDateTime(field("updated_datetime")).value_or(0);
    r.lat = Number(field("lat"));
    r.lon = Number(field("long"));
    return r;
}

crm::RequestState RequestFromXml(const pugi::xml_node& n)
{
    return RequestFrom([&](const char* name) { return Text(n, name); });
}

crm::RequestState RequestFromJson(const json& j)
{
    return RequestFrom([&](const char* name) { return Str(j, name); });
}

// One service of the catalog, XML or JSON alike. keywords: comma-separated.
template <class Field>
crm::Service ServiceFrom(Field field)
{
    crm::Service v{field("service_code"), field("service_name"), field("description"), field("group"),
                   Lower(field("type")), {}, Truthy(field("metadata"))};
    const std::string kw = field("keywords");
    for (size_t b = 0, e; b <= kw.size(); b = e + 1) {
        e = kw.find(',', b);
        if (e == std::string::npos)
            e = kw.size();
        if (auto k = Trim(kw.substr(b, e - b)); !k.empty())
            v.keywords.push_back(k);
    }
    return v;
}

// One attribute of a service definition, XML or JSON alike, with its choices.
// Errors: Parse for a datatype the standard does not name.
template <class Field>
Result<crm::Attribute> AttributeFrom(Field field, std::vector<crm::AttributeValue> values, const std::string& name)
{
    crm::Attribute at;
    at.code = field("code");
    auto dt = DatatypeFrom(field("datatype"));
    if (!dt)
        return Error{ErrorKind::Parse,
                     name + ": attribute " + at.code + ": unknown datatype '" + field("datatype") + "'"};
    at.datatype = *dt;
    at.variable = field("variable").empty() || Truthy(field("variable"));
    at.required = Truthy(field("required"));
    at.description = field("description");
    at.datatype_description = field("datatype_description");
    at.order = std::atoi(field("order").c_str());
    at.values = std::move(values);
    return at;
}


} // namespace

// ---- parsers

Result<std::vector<crm::Service>> ParseServices(const std::string& body, bool json_format, const std::string& name)
{
    Doc doc;
    if (auto r = Load(doc, body, json_format, name); !r)
        return r.Err();
    std::vector<crm::Service> out;
    if (doc.is_json) {
        auto items = Items(doc.j, "services", name);
        if (!items)
            return items.Err();
        for (const auto& s : items.Value()) {
            if (!s.is_object())
                continue;
            auto v = ServiceFrom([&](const char* key) { return Str(s, key); });
            if (!v.code.empty())
                out.push_back(std::move(v));
        }
        return out;
    }
    for (const auto& s : Elements(doc.xml, "service")) {
        auto v = ServiceFrom([&](const char* key) { return Text(s, key); });
        if (!v.code.empty())
            out.push_back(std::move(v));
    }
    if (out.empty() && !doc.xml.child("services") && !Elements(doc.xml, "services").size())
        return Error{ErrorKind::Parse, name + ": no <services> in the answer"};
    return out;
}

Result<crm::ServiceDefinition> ParseDefinition(const std::string& body, bool json_format, const std::string& name)
{
    Doc doc;
    if (auto r = Load(doc, body, json_format, name); !r)
        return r.Err();
    crm::ServiceDefinition d;
    if (doc.is_json) {
        const json& j = doc.j.is_array() && !doc.j.empty() ? doc.j[0] : doc.j;
        if (!j.is_object())
            return Error{ErrorKind::Parse, name + ": expected a service definition object"};
        d.service_code = Str(j, "service_code");
        auto attrs = j.find("attributes");
        if (attrs != j.end() && attrs->is_array())
            for (const auto& a : *attrs) {
                std::vector<crm::AttributeValue> values;
                if (auto vals = a.find("values"); vals != a.end() && vals->is_array())
                    for (const auto& v : *vals)
                        values.push_back({Str(v, "key"), Str(v, "name")});
                auto at = AttributeFrom([&](const char* key) { return Str(a, key); }, std::move(values), name);
                if (!at)
                    return at.Err();
                d.attributes.push_back(std::move(at).Value());
            }
    } else {
        auto defs = Elements(doc.xml, "service_definition");
        if (defs.empty())
            return Error{ErrorKind::Parse, name + ": no <service_definition> in the answer"};
        d.service_code = Text(defs[0], "service_code");
        for (const auto& a : ListItems(defs[0], {"attribute"}, "attributes")) {
            std::vector<crm::AttributeValue> values;
            for (const auto& v : ListItems(a, {"value"}, "values"))
                values.push_back({Text(v, "key"), Text(v, "name")});
            auto at = AttributeFrom([&](const char* key) { return Text(a, key); }, std::move(values), name);
            if (!at)
                return at.Err();
            d.attributes.push_back(std::move(at).Value());
        }
    }
    std::stable_sort(d.attributes.begin(), d.attributes.end(),
                     [](const crm::Attribute& a, const crm::Attribute& b) { return a.order < b.order; });
    return d;
}

Result<std::vector<crm::RequestState>> ParseRequestList(const std::string& body, bool json_format,
                                                        const std::string& name)
{
    std::vector<crm::RequestState> out;
    if (Trim(body).empty())
        return out; // an empty 200: "nothing", as some servers say for an unknown id
    Doc doc;
    if (auto r = Load(doc, body, json_format, name); !r)
        return r.Err();
    if (doc.is_json) {
        if (doc.j.is_object() && !doc.j.contains("service_requests")) {
            out.push_back(RequestFromJson(doc.j)); // a single object instead of a list of one
            return out;
        }
        auto items = Items(doc.j, "service_requests", name);
        if (!items)
            return items.Err();
        for (const auto& j : items.Value())
            if (j.is_object())
                out.push_back(RequestFromJson(j));
        return out;
    }
    for (const auto& n : ListItems(doc.xml, {"request", "service_request"}, "service_requests"))
        out.push_back(RequestFromXml(n));
    if (out.empty() && Elements(doc.xml, "service_requests").empty())
        return Error{ErrorKind::Parse, name + ": no <service_requests> in the answer"};
    return out;
}

std::string ErrorText(const std::string& body, long http_status)
{
    const std::string trimmed = Trim(body);
    if (trimmed.empty())
        return "no explanation given";
    std::string out;
    auto add = [&](const std::string& code, const std::string& description) {
        // A code that only repeats the HTTP status says nothing new.
        const bool says_more = !code.empty() && code != std::to_string(http_status);
        out += (out.empty() ? "" : "; ") + (says_more ? code + ": " : "") + description;
    };
    if (trimmed[0] == '<') {
        pugi::xml_document doc;
        if (doc.load_string(trimmed.c_str())) {
            for (const auto& e : Elements(doc, "error"))
                add(Text(e, "code"), Text(e, "description"));
            if (!out.empty())
                return out;
        }
    } else if (trimmed[0] == '[' || trimmed[0] == '{') {
        try {
            const json j = json::parse(trimmed);
            const json list = j.is_array() ? j : json::array({j});
            for (const auto& e : list)
                if (e.is_object())
                    add(Str(e, "code"), Str(e, "description").empty() ? Str(e, "message") : Str(e, "description"));
            if (!out.empty())
                return out;
        } catch (const json::exception&) {
        }
    }
    // HTML or plain text: the words, without tags, shortened.
    std::string text;
    bool in_tag = false;
    for (char c : trimmed) {
        if (c == '<')
            in_tag = true;
        else if (c == '>') {
            in_tag = false;
            text += ' ';
        } else if (!in_tag)
            text += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
    }
    std::string collapsed;
    for (char c : text)
        if (!(c == ' ' && (collapsed.empty() || collapsed.back() == ' ')))
            collapsed += c;
    collapsed = Trim(collapsed);
    if (collapsed.size() > 300)
        collapsed = collapsed.substr(0, 297) + "...";
    return collapsed.empty() ? "no explanation given" : collapsed;
}

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
