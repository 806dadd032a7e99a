// Wrap-ups as documents: JSON (drafts, scripts) and the <wrapup> XML that
// civicdesk-cli wrapup submit takes.
#include "OutboxRows.h"

#include <civic/Json.h>
#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

#include <pugixml.hpp>

namespace civic::sync {

using namespace detail;


std::map<std::string, std::string> AnswersOf(const WrapUp& w)
{
    std::map<std::string, std::string> a = w.extra;
    a["disposition"] = w.disposition;
    a["reason"] = w.reason;
    a["language"] = w.language;
    a["interpreter"] = w.interpreter ? "true" : "false";
    a["notify"] = w.notify ? "true" : "false";
    if (w.on_behalf_of)
        a["on_behalf_of"] = std::to_string(*w.on_behalf_of);
    return a;
}

std::string ToJson(const WrapUp& w)
{
    json j{{"contact", w.contact},       {"channel", contacts::ToString(w.channel)}, {"started_at", w.started_at},
           {"ended_at", w.ended_at},     {"agent", w.agent},       {"disposition", w.disposition},
           {"reason", w.reason},         {"language", w.language}, {"interpreter", w.interpreter},
           {"notify", w.notify},         {"notes", w.notes},       {"service_name", w.service_name}};
    if (w.on_behalf_of)
        j["on_behalf_of"] = *w.on_behalf_of;
    if (w.request)
        j["request"] = RequestJson(*w.request);
    if (w.existing_request)
        j["existing_request"] = *w.existing_request;
    if (w.link_remote)
        j["link_request"] = {{"request_id", w.link_remote->request_id},
                             {"service_code", w.link_remote->service_code},
                             {"service_name", w.link_remote->service_name},
                             {"address", w.link_remote->address},
                             {"status", w.link_remote->status}};
    if (!w.extra.empty())
        j["fields"] = w.extra;
    return DumpJson(j);
}

Result<WrapUp> WrapUpFromJson(const std::string& text, const std::string& name)
{
    auto parsed = ParseJson(text, name);
    if (!parsed)
        return parsed.Err();
    const json& j = parsed.Value();
    if (!j.is_object())
        return Error{ErrorKind::Parse, name + ": a wrap-up is a JSON object"};
    WrapUp w;
    try {
        // Whole numbers only: nlohmann casts a float such as 2e111 to an
        // integer without a check (undefined; found by fuzz_wrapup).
        auto whole = [&](const char* key) -> Result<std::int64_t> {
            const auto it = j.find(key);
            if (it == j.end() || it->is_null())
                return std::int64_t{0};
            if (!it->is_number_integer())
                return Error{ErrorKind::Invalid, name + ": " + key + " must be a whole number"};
            return it->get<std::int64_t>();
        };
        for (const auto& [key, field] : {std::pair{"contact", &WrapUp::contact}, {"started_at", &WrapUp::started_at},
                                         {"ended_at", &WrapUp::ended_at}}) {
            auto v = whole(key);
            if (!v)
                return v.Err();
            w.*field = v.Value();
        }
        if (j.contains("on_behalf_of") && j["on_behalf_of"].is_number_integer())
            w.on_behalf_of = j["on_behalf_of"].get<std::int64_t>();
        auto ch = contacts::ChannelFromString(j.value("channel", "phone-in"));
        if (!ch)
            return Error{ErrorKind::Invalid, name + ": channel '" + j.value("channel", "") + "' is not one of phone-in, "
                                                                                             "phone-out, walk-in, web, "
                                                                                             "mobile-app, email, social, mail"};
        w.channel = *ch;
        w.agent = j.value("agent", "");
        w.disposition = j.value("disposition", "");
        w.reason = j.value("reason", "");
        w.language = j.value("language", "");
        w.interpreter = j.value("interpreter", false);
        w.notify = j.value("notify", false);
        w.notes = j.value("notes", "");
        w.service_name = j.value("service_name", "");
        if (j.contains("request") && j["request"].is_object())
            w.request = RequestFrom(j["request"]);
        if (j.contains("existing_request") && j["existing_request"].is_number_integer())
            w.existing_request = j["existing_request"].get<std::int64_t>();
        if (j.contains("link_request") && j["link_request"].is_object()) {
            const auto& l = j["link_request"];
            crm::RequestState r;
            r.request_id = l.value("request_id", "");
            r.service_code = l.value("service_code", "");
            r.service_name = l.value("service_name", "");
            r.address = l.value("address", "");
            r.status = l.value("status", "open");
            if (r.request_id.empty())
                return Error{ErrorKind::Invalid, name + ": link_request needs a request_id"};
            w.link_remote = r;
        }
        if (j.contains("fields") && j["fields"].is_object())
            for (const auto& [k, v] : j["fields"].items())
                w.extra[k] = v.is_string() ? v.get<std::string>() : DumpJson(v);
    } catch (const json::exception& e) {
        return Error{ErrorKind::Parse, name + ": " + e.what()};
    }
    return w;
}

Result<WrapUp> WrapUpFromXml(const std::string& text, const std::string& name)
{
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(text.data(), text.size());
    if (!parsed) {
        const auto line = 1 + std::count(text.begin(), text.begin() + std::min<std::ptrdiff_t>(parsed.offset, static_cast<std::ptrdiff_t>(text.size())), '\n');
        return Error{ErrorKind::Parse, name + ": line " + std::to_string(line) + ": " + parsed.description()};
    }
    const auto n = doc.child("wrapup");
    if (!n)
        return Error{ErrorKind::Parse, name + ": the root element must be <wrapup>"};
    // pugixml converts a declared encoding to UTF-8 but passes undeclared
    // bytes through: what is not UTF-8 would reach the store and the CRM garbled.
    struct Utf8Check : pugi::xml_tree_walker
    {
        std::string where;
        bool for_each(pugi::xml_node& node) override
        {
            bool ok = InvalidUtf8At(node.value()) == std::string::npos;
            for (auto a : node.attributes())
                ok = ok && InvalidUtf8At(a.value()) == std::string::npos;
            if (!ok)
                where = node.type() == pugi::node_element ? node.name() : node.parent().name();
            return ok;
        }
    } utf8;
    if (!doc.traverse(utf8))
        return Error{ErrorKind::Parse, name + ": <" + utf8.where + "> holds text that is not UTF-8; save the file as "
                                                                    "UTF-8 or declare its encoding"};
    WrapUp w;
    w.contact = n.attribute("contact").as_llong(0);
    if (n.attribute("on-behalf-of"))
        w.on_behalf_of = n.attribute("on-behalf-of").as_llong();
    auto ch = contacts::ChannelFromString(n.attribute("channel").as_string("phone-in"));
    if (!ch)
        return Error{ErrorKind::Invalid, name + ": <wrapup channel='" + n.attribute("channel").as_string() +
                                             "'> is not a channel"};
    w.channel = *ch;
    w.agent = n.child_value("agent");
    w.disposition = n.child_value("disposition");
    w.reason = n.child_value("reason");
    w.language = n.child_value("language");
    w.interpreter = std::string_view(n.child_value("interpreter")) == "true";
    w.notify = std::string_view(n.child_value("notify")) == "true";
    w.notes = n.child_value("notes");
    for (const auto& f : n.children("field"))
        w.extra[f.attribute("id").as_string()] = f.text().get();
    if (auto l = n.child("link-request")) {
        crm::RequestState r;
        r.request_id = l.attribute("id").as_string();
        r.service_code = l.attribute("service").as_string();
        r.status = l.attribute("status").as_string("open");
        r.address = l.child_value("address");
        if (r.request_id.empty())
            return Error{ErrorKind::Invalid, name + ": <link-request> needs id=\"…\", the CRM's request id"};
        w.link_remote = r;
    }
    w.started_at = std::atoll(n.child_value("started-at"));
    w.ended_at = std::atoll(n.child_value("ended-at"));
    if (auto r = n.child("request")) {
        crm::NewRequest req;
        req.service_code = r.attribute("service").as_string();
        w.service_name = r.attribute("service-name").as_string();
        req.address = r.child_value("address");
        if (r.child("lat") && r.child("long")) {
            req.lat = r.child("lat").text().as_double();
            req.lon = r.child("long").text().as_double();
        }
        req.description = r.child_value("description");
        req.email = r.child_value("email");
        req.phone = r.child_value("phone");
        req.first_name = r.child_value("first-name");
        req.last_name = r.child_value("last-name");
        for (auto a : r.children("attribute"))
            req.attributes[a.attribute("code").as_string()].push_back(a.text().as_string());
        w.request = req;
    }
    return w;
}

} // namespace civic::sync
