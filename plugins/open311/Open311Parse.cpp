// Reading Open311 answers: services, definitions, request lists and error
// bodies, in XML or JSON, as the standard writes them and as deployed servers
// do (a JSON answer to an XML call, lists whose items repeat the list's name,
// "null" for empty). One reader per record serves both formats.
#include <civic/open311/Open311Connector.h>

#include <civic/Json.h>
#include <civic/Text.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <initializer_list>

namespace civic::open311 {

using nlohmann::json;

namespace {

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

// An attribute's place in the form. Text from the server: a number out of an
// int's range is put at the end (or the start), never read as undefined.
int OrderFrom(const std::string& s)
{
    const long long v = std::strtoll(s.c_str(), nullptr, 10);
    return static_cast<int>(std::clamp<long long>(v, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
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

// pugixml keeps a node of about 40 bytes for each element, attribute and text:
// an answer of 60 MB of empty elements would take gigabytes. The same bound
// as for JSON values, counted by the tags that start a node.
Result<void> MeasureXml(std::string_view body, const std::string& name)
{
    constexpr std::size_t kMaxNodes = JsonLimits{}.max_values;
    if (static_cast<std::size_t>(std::count(body.begin(), body.end(), '<')) > kMaxNodes)
        return Error{ErrorKind::Parse, name + ": holds more than " + std::to_string(kMaxNodes) + " elements; not read"};
    return Ok();
}

// Parses body as what it is, whichever format was asked for: servers answer
// an XML call in JSON (and the other way round), most often for POSTs. A body
// that opens with '{' or '[' is JSON, one that opens with '<' is XML.
Result<void> Load(Doc& doc, const std::string& body, bool json_format, const std::string& name)
{
    const auto first = body.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
    const char c = first == std::string::npos ? '\0' : body[first];
    doc.is_json = c == '{' || c == '[' ? true : c == '<' ? false : json_format;
    if (doc.is_json) {
        auto parsed = ParseJson(body, name);
        if (!parsed)
            return parsed.Err();
        doc.j = std::move(parsed).Value();
        // {"data": ..., "success": true}: the answer is what data holds.
        if (auto data = doc.j.find("data");
            doc.j.is_object() && data != doc.j.end() && (data->is_object() || data->is_array())) {
            json inner = std::move(*data);
            doc.j = std::move(inner);
        }
        return Ok();
    }
    if (auto r = MeasureXml(body, name); !r)
        return r;
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
    // The child by its local name: <status> or <georeport:status>. Compared
    // in place; an answer of a thousand requests asks this tens of thousands of times.
    const std::string_view want(child);
    for (auto c : n.children()) {
        const std::string_view name(c.name());
        if (name == want || (name.size() > want.size() && name.ends_with(want) &&
                             name[name.size() - want.size() - 1] == ':')) {
            std::string text = Trim(c.text().as_string());
            return text == "null" ? std::string() : text;
        }
    }
    return {};
}

// The items of a JSON list answer: a bare array as the standard says, or an
// object holding one under a usual key. Points into j rather than copying it.
Result<const json*> Items(const json& j, const char* key, const std::string& name)
{
    if (j.is_array())
        return &j;
    if (j.is_object()) {
        if (auto it = j.find(key); it != j.end() && it->is_array())
            return &*it;
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
    at.order = OrderFrom(field("order"));
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
        for (const auto& s : *items.Value()) {
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
        for (const auto& j : *items.Value())
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

namespace {

// What a server said, as one line for the status bar and the outbox: at
// most 300 bytes, cut between letters.
std::string Shorten(const std::string& s)
{
    if (s.size() <= 300)
        return s;
    return std::string(TruncateUtf8(s, 297)) + "...";
}

} // namespace

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
                return Shorten(out);
        }
    } else if (trimmed[0] == '[' || trimmed[0] == '{') {
        if (auto parsed = ParseJson(trimmed, "error")) {
            const json& j = parsed.Value();
            auto one = [&](const json& e) {
                if (e.is_object())
                    add(Str(e, "code"), Str(e, "description").empty() ? Str(e, "message") : Str(e, "description"));
            };
            if (j.is_array())
                for (const auto& e : j)
                    one(e);
            else
                one(j);
            if (!out.empty())
                return Shorten(out);
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
    return collapsed.empty() ? "no explanation given" : Shorten(collapsed);
}

} // namespace civic::open311
