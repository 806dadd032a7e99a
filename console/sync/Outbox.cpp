#include <civic/sync/Outbox.h>

#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <cmath>
#include <random>
#include <set>

namespace civic::sync {

using nlohmann::json;

namespace {

std::int64_t Now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string NewKey()
{
    static thread_local std::mt19937_64 rng(std::random_device{}());
    static const char* hex = "0123456789abcdef";
    std::string k;
    for (int i = 0; i < 32; ++i)
        k += hex[rng() % 16];
    return k;
}

constexpr std::pair<State, const char*> kStates[] = {{State::Pending, "pending"},
                                                     {State::Sending, "sending"},
                                                     {State::Delivered, "delivered"},
                                                     {State::Attention, "attention"},
                                                     {State::Discarded, "discarded"}};

State StateFrom(const std::string& s)
{
    for (const auto& [v, n] : kStates)
        if (s == n)
            return v;
    return State::Pending;
}

// A request's text fields as stored (and as wrap-up JSON carries them),
// beside "attributes" and "lat"/"long".
constexpr std::pair<const char*, std::string crm::NewRequest::*> kRequestFields[] = {
    {"service_code", &crm::NewRequest::service_code}, {"address", &crm::NewRequest::address},
    {"address_id", &crm::NewRequest::address_id},     {"email", &crm::NewRequest::email},
    {"first_name", &crm::NewRequest::first_name},     {"last_name", &crm::NewRequest::last_name},
    {"phone", &crm::NewRequest::phone},               {"description", &crm::NewRequest::description},
    {"media_url", &crm::NewRequest::media_url}};

json RequestJson(const crm::NewRequest& r)
{
    json j{{"attributes", r.attributes}};
    for (const auto& [name, field] : kRequestFields)
        j[name] = r.*field;
    if (r.lat && r.lon) {
        j["lat"] = *r.lat;
        j["long"] = *r.lon;
    }
    return j;
}

crm::NewRequest RequestFrom(const json& j)
{
    crm::NewRequest r;
    for (const auto& [name, field] : kRequestFields)
        if (const auto it = j.find(name); it != j.end() && it->is_string())
            r.*field = it->get<std::string>();
    if (j.contains("lat") && j.contains("long") && j["lat"].is_number() && j["long"].is_number()) {
        r.lat = j["lat"].get<double>();
        r.lon = j["long"].get<double>();
    }
    if (j.contains("attributes") && j["attributes"].is_object())
        for (auto it = j["attributes"].begin(); it != j["attributes"].end(); ++it)
            if (it->is_array())
                for (const auto& v : *it)
                    if (v.is_string())
                        r.attributes[it.key()].push_back(v.get<std::string>());
    return r;
}

// What the CRM receives: the agent's description and the reference that
// lets a lost answer be found again.
crm::NewRequest WithReference(crm::NewRequest r, const std::string& key)
{
    const std::string ref = ReferenceFor(key);
    if (r.description.find(ref) == std::string::npos) {
        const size_t room = 4000 - ref.size() - 2; // GeoReport's limit on descriptions
        if (r.description.size() > room)
            r.description.resize(room);
        r.description += (r.description.empty() ? "" : "\n\n") + ref;
    }
    return r;
}

Result<void> SetState(store::Database& db, std::int64_t id, State s, const std::string& error, std::int64_t next_at,
                      bool count_attempt, std::optional<bool> uncertain = std::nullopt)
{
    auto q = db.Prepare("UPDATE outbox SET state = ?2, last_error = ?3, next_attempt_at = ?4, "
                        "attempts = attempts + ?5, uncertain = COALESCE(?6, uncertain), updated_at = ?7 WHERE id = ?1");
    std::optional<std::int64_t> u;
    if (uncertain)
        u = *uncertain ? 1 : 0;
    return q.BindAll(id, ToString(s), error, next_at, count_attempt ? 1 : 0, u, Now()).Run();
}

// Entries delivered, in a few statements for a whole chunk: a JSON array of
// [outbox id, local request, CRM id, token, notice]. The local requests take
// the CRM's ids; the timeline shows them from now on. Run inside the
// caller's transaction.
Result<void> RecordDelivered(store::Database& db, const std::string& batch, bool count_attempt)
{
    // A CRM id already held by another local request is stale there (the
    // store once talked to another CRM, or the CRM was reset): the request the
    // CRM just named takes it, rather than the chunk failing on the unique id.
    auto stale = db.Prepare("UPDATE service_request SET request_id = NULL, updated_at = ?2 "
                            "WHERE request_id IN (SELECT j.value ->> 2 FROM json_each(?1) j WHERE j.value ->> 2 <> '') "
                            "AND id NOT IN (SELECT j.value ->> 1 FROM json_each(?1) j)");
    if (auto r = stale.BindAll(batch, Now()).Run(); !r)
        return r;
    auto o = db.Prepare("UPDATE outbox SET state = 'delivered', attempts = attempts + ?3, "
                        "remote_id = NULLIF(j.value ->> 2, ''), token = NULLIF(j.value ->> 3, ''), "
                        "service_notice = j.value ->> 4, uncertain = 0, last_error = NULL, updated_at = ?2 "
                        "FROM json_each(?1) AS j WHERE outbox.id = j.value ->> 0");
    if (auto r = o.BindAll(batch, Now(), count_attempt ? 1 : 0).Run(); !r)
        return r;
    auto q = db.Prepare("UPDATE service_request SET request_id = j.value ->> 2, updated_at = ?2 "
                        "FROM json_each(?1) AS j WHERE service_request.id = j.value ->> 1 AND j.value ->> 2 <> ''");
    return q.BindAll(batch, Now()).Run();
}

// Reads a stored payload, {"request": {...}, "service_name": "..."}, straight
// into the request as the parser meets each value: a delivery round reads a
// thousand of them, and building a json tree for each first cost it more
// than all its other bookkeeping. Unknown members are skipped.
class PayloadReader : public nlohmann::json_sax<json>
{
public:
    PayloadReader(crm::NewRequest& r, std::string& service_name) : m_r(r), m_service_name(service_name) {}

    bool null() override { return true; }
    bool boolean(bool) override { return true; }
    bool number_integer(number_integer_t v) override { return Number(static_cast<double>(v)); }
    bool number_unsigned(number_unsigned_t v) override { return Number(static_cast<double>(v)); }
    bool number_float(number_float_t v, const string_t&) override { return Number(v); }
    bool binary(binary_t&) override { return true; }
    bool key(string_t& k) override
    {
        m_key = std::move(k);
        return true;
    }
    bool start_object(std::size_t) override { return Enter(); }
    bool start_array(std::size_t) override { return Enter(); }
    bool end_object() override { return Leave(); }
    bool end_array() override { return Leave(); }
    bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

    bool string(string_t& v) override
    {
        if (At({"$"}) && m_key == "service_name") {
            m_service_name = std::move(v);
        } else if (At({"$", "request"})) {
            for (const auto& [name, field] : kRequestFields)
                if (m_key == name)
                    m_r.*field = std::move(v);
        } else if (m_path.size() == 4 && m_path[1] == "request" && m_path[2] == "attributes") {
            m_r.attributes[m_path[3]].push_back(std::move(v)); // a value of attribute m_path[3]
        }
        return true;
    }

    bool Finish()
    {
        if (!(m_lat && m_lon)) {
            m_r.lat.reset();
            m_r.lon.reset();
        }
        return true;
    }

private:
    bool At(std::initializer_list<const char*> path) const
    {
        return m_path.size() == path.size() && std::equal(path.begin(), path.end(), m_path.begin());
    }
    // Containers are named by the key that holds them ("$" for the top).
    bool Enter()
    {
        m_path.push_back(m_path.empty() ? std::string("$") : m_key);
        return true;
    }
    bool Leave()
    {
        m_path.pop_back();
        return true;
    }
    bool Number(double v)
    {
        if (At({"$", "request"}) && m_key == "lat")
            m_r.lat = v, m_lat = true;
        else if (At({"$", "request"}) && m_key == "long")
            m_r.lon = v, m_lon = true;
        return true;
    }

    crm::NewRequest& m_r;
    std::string& m_service_name;
    std::vector<std::string> m_path;
    std::string m_key;
    bool m_lat = false, m_lon = false;
};

bool ReadPayload(std::string_view text, crm::NewRequest& r, std::string& service_name)
{
    PayloadReader reader(r, service_name);
    return json::sax_parse(text.begin(), text.end(), &reader) && reader.Finish();
}

Entry EntryFrom(store::Query& q)
{
    Entry e;
    e.id = q.Int(0);
    e.key = q.Text(1);
    e.state = StateFrom(q.Text(2));
    e.attempts = static_cast<int>(q.Int(3));
    e.next_attempt_at = q.Int(4);
    e.last_error = q.OptText(5).value_or("");
    e.remote_id = q.OptText(6).value_or("");
    e.token = q.OptText(7).value_or("");
    e.uncertain = q.Int(8) != 0;
    e.created_at = q.Int(9);
    e.updated_at = q.Int(10);
    e.interaction = q.IsNull(11) ? 0 : q.Int(11);
    e.request = q.IsNull(12) ? 0 : q.Int(12);
    if (!ReadPayload(q.TextView(13), e.payload, e.service_name))
        e.last_error = "the stored request cannot be read";
    e.contact_name = q.OptText(14).value_or("");
    return e;
}

#define CIVIC_ENTRY_SELECT                                                                                         \
    "SELECT o.id, o.idempotency_key, o.state, o.attempts, o.next_attempt_at, o.last_error, o.remote_id, o.token, " \
    "o.uncertain, o.created_at, o.updated_at, o.interaction, o.request, p.payload, "
#define CIVIC_ENTRY_FROM "FROM outbox o "
#define CIVIC_ENTRY_PAYLOAD "LEFT JOIN outbox_request p ON p.entry = o.id "
constexpr const char* kEntryColumns = CIVIC_ENTRY_SELECT "c.name " CIVIC_ENTRY_FROM CIVIC_ENTRY_PAYLOAD
    "LEFT JOIN interaction i ON i.id = o.interaction LEFT JOIN contact c ON c.id = i.contact ";
// The due entries in filing order straight from the partial index: the
// planner would otherwise take the state index and sort every pending row
// to return the first thousand. Delivery has no use for the caller's name.
constexpr const char* kDueColumns =
    CIVIC_ENTRY_SELECT "NULL " CIVIC_ENTRY_FROM "INDEXED BY outbox_due " CIVIC_ENTRY_PAYLOAD;
#undef CIVIC_ENTRY_SELECT
#undef CIVIC_ENTRY_FROM
#undef CIVIC_ENTRY_PAYLOAD

} // namespace

const char* ToString(State s)
{
    for (const auto& [v, n] : kStates)
        if (v == s)
            return n;
    return "pending";
}

std::string ReferenceFor(const std::string& key) { return "Ref: CD-" + key.substr(0, 12); }

// ---- wrap-ups as documents

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
    return j.dump();
}

Result<WrapUp> WrapUpFromJson(const std::string& text, const std::string& name)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        return Error{ErrorKind::Parse, name + ": not valid JSON (byte " + std::to_string(e.byte) + ")"};
    }
    if (!j.is_object())
        return Error{ErrorKind::Parse, name + ": a wrap-up is a JSON object"};
    WrapUp w;
    try {
        w.contact = j.value("contact", std::int64_t{0});
        if (j.contains("on_behalf_of") && j["on_behalf_of"].is_number_integer())
            w.on_behalf_of = j["on_behalf_of"].get<std::int64_t>();
        auto ch = contacts::ChannelFromString(j.value("channel", "phone-in"));
        if (!ch)
            return Error{ErrorKind::Invalid, name + ": channel '" + j.value("channel", "") + "' is not one of phone-in, "
                                                                                             "phone-out, walk-in, web, "
                                                                                             "mobile-app, email, social, mail"};
        w.channel = *ch;
        w.started_at = j.value("started_at", std::int64_t{0});
        w.ended_at = j.value("ended_at", std::int64_t{0});
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
                w.extra[k] = v.is_string() ? v.get<std::string>() : v.dump();
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

// ---- submit

Result<Submitted> Submit(store::Database& db, const WrapUp& w, const std::string& region)
{
    if (!w.contact)
        return Error{ErrorKind::Invalid, "the wrap-up has no contact"};
    if (w.request) {
        if (w.request->service_code.empty())
            return Error{ErrorKind::Invalid, "Service: choose the kind of request"};
        if (w.request->address.empty() && w.request->address_id.empty() && !(w.request->lat && w.request->lon))
            return Error{ErrorKind::Invalid, "Location: give an address or a position"};
    }
    const std::int64_t now = w.submitted_at ? w.submitted_at : Now();
    contacts::ContactStore cs(db, region);
    store::JoinOrBegin tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    Submitted out;
    std::int64_t request = 0;
    if (w.request) {
        contacts::ServiceRequest sr;
        sr.contact = w.contact;
        sr.on_behalf_of = w.on_behalf_of;
        sr.service_code = w.request->service_code;
        sr.service_name = w.service_name.empty() ? w.request->service_code : w.service_name;
        sr.address = w.request->address;
        sr.status = "open";
        sr.opened_at = now;
        auto id = cs.UpsertRequest(sr);
        if (!id)
            return id.Err();
        request = id.Value();
    }
    contacts::Interaction i;
    i.contact = w.contact;
    i.on_behalf_of = w.on_behalf_of;
    i.channel = w.channel;
    i.at = w.started_at ? w.started_at : now;
    i.agent = w.agent;
    if (w.started_at && w.ended_at >= w.started_at)
        i.talk_s = static_cast<int>(w.ended_at - w.started_at);
    if (w.ended_at && now >= w.ended_at)
        i.wrap_s = static_cast<int>(now - w.ended_at);
    i.notes = w.notes;
    i.disposition = w.disposition;
    i.summary = w.reason.empty() ? w.notes.substr(0, w.notes.find('\n')) : w.reason;
    if (i.summary.size() > 120)
        i.summary = i.summary.substr(0, 117) + "...";
    i.answers = ToJson(w);
    if (request)
        i.requests.push_back(request);
    if (w.existing_request)
        i.requests.push_back(*w.existing_request);
    if (w.link_remote) {
        // A request someone else reported: known locally from now on, so its
        // status reaches this caller's timeline too.
        contacts::ServiceRequest sr;
        sr.request_id = w.link_remote->request_id;
        sr.contact = w.contact;
        sr.on_behalf_of = w.on_behalf_of;
        sr.service_code = w.link_remote->service_code;
        sr.service_name = w.link_remote->service_name;
        if (sr.service_name.empty()) {
            // GeoReport lists no service names with requests: the cached catalog has them.
            auto name = db.Prepare("SELECT name FROM service WHERE code = ?1");
            sr.service_name = name.Bind(1, sr.service_code).Step().Value() ? name.Text(0) : sr.service_code;
        }
        sr.address = w.link_remote->address;
        sr.status = w.link_remote->status.empty() ? "open" : w.link_remote->status;
        sr.status_notes = w.link_remote->status_notes;
        sr.opened_at = w.link_remote->requested_at ? w.link_remote->requested_at : now;
        sr.updated_at = now;
        auto id = cs.UpsertRequest(sr);
        if (!id)
            return id.Err();
        i.requests.push_back(id.Value());
    }
    auto interaction = cs.Record(i);
    if (!interaction)
        return interaction.Err();
    out.interaction = interaction.Value();
    out.request = request;
    if (w.request) {
        const std::string key = NewKey();
        crm::NewRequest sent = *w.request;
        if (sent.description.empty())
            sent.description = w.notes; // what the caller reported, as the console's form does
        const json payload{{"request", RequestJson(WithReference(sent, key))}, {"service_name", w.service_name}};
        auto q = db.Prepare("INSERT INTO outbox(idempotency_key, kind, state, created_at, updated_at, "
                            "interaction, request) VALUES(?1, 'service_request', 'pending', ?2, ?2, ?3, ?4)");
        if (auto r = q.BindAll(key, now, out.interaction, request).Run(); !r)
            return r.Err();
        out.outbox = db.LastInsertRowId();
        auto p = db.Prepare("INSERT INTO outbox_request(entry, payload) VALUES(?1, ?2)");
        if (auto r = p.BindAll(out.outbox, payload.dump()).Run(); !r)
            return r.Err();
    }
    // What was being typed is stored now: no draft to restore any more.
    if (auto r = ClearDraft(db, w.agent); !r)
        return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return out;
}

// ---- the wrap-up being typed

Result<void> SaveDraft(store::Database& db, const std::string& agent, const Draft& d)
{
    const json body{{"contact", d.contact},       {"contact_name", d.contact_name},
                    {"channel", contacts::ToString(d.channel)}, {"started_at", d.started_at},
                    {"ended_at", d.ended_at},     {"notes", d.notes},
                    {"answers", d.answers},       {"service_code", d.service_code},
                    {"location", d.location},     {"attributes", d.attributes}};
    auto q = db.Prepare("INSERT OR REPLACE INTO wrapup_draft(agent, saved_at, body) VALUES(?1, ?2, ?3)");
    return q.BindAll(agent, d.saved_at ? d.saved_at : Now(), body.dump()).Run();
}

Result<std::optional<Draft>> LoadDraft(store::Database& db, const std::string& agent)
{
    auto q = db.Prepare("SELECT saved_at, body FROM wrapup_draft WHERE agent = ?1");
    auto row = q.Bind(1, agent).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return std::optional<Draft>();
    Draft d;
    d.saved_at = q.Int(0);
    try {
        const auto j = json::parse(q.Text(1));
        d.contact = j.value("contact", std::int64_t{0});
        d.contact_name = j.value("contact_name", "");
        d.channel = contacts::ChannelFromString(j.value("channel", "phone-in")).value_or(contacts::Channel::PhoneIn);
        d.started_at = j.value("started_at", std::int64_t{0});
        d.ended_at = j.value("ended_at", std::int64_t{0});
        d.notes = j.value("notes", "");
        d.answers = j.value("answers", std::map<std::string, std::string>{});
        d.service_code = j.value("service_code", "");
        d.location = j.value("location", "");
        d.attributes = j.value("attributes", std::map<std::string, std::vector<std::string>>{});
    } catch (const json::exception& e) {
        return Error{ErrorKind::Corrupt, std::string("the saved wrap-up cannot be read: ") + e.what()};
    }
    return std::optional<Draft>(std::move(d));
}

Result<void> ClearDraft(store::Database& db, const std::string& agent)
{
    auto q = db.Prepare("DELETE FROM wrapup_draft WHERE agent = ?1");
    return q.Bind(1, agent).Run();
}

// ---- the outbox view

namespace {

// Entries a delivery round has in flight are 'pending' in their row and
// shown as 'sending'.
Result<std::set<std::int64_t>> InFlight(store::Database& db)
{
    std::set<std::int64_t> ids;
    auto q = db.Prepare("SELECT j.value FROM outbox_inflight f, json_each(f.ids) j");
    if (auto r = q.ForEach([&](store::Query& row) { ids.insert(row.Int(0)); }); !r)
        return r.Err();
    return ids;
}

} // namespace

Result<std::vector<Entry>> List(store::Database& db, const std::vector<State>& states)
{
    auto inflight = InFlight(db);
    if (!inflight)
        return inflight.Err();
    const auto wanted = [&](State s) { return states.empty() || std::ranges::find(states, s) != states.end(); };
    std::string where;
    for (auto s : states)
        where += std::string(where.empty() ? "WHERE o.state IN (" : ",") + "'" +
                 ToString(s == State::Sending ? State::Pending : s) + "'";
    if (!where.empty())
        where += ")";
    auto q = db.Prepare(std::string(kEntryColumns) + where + " ORDER BY o.id");
    std::vector<Entry> out;
    auto r = q.ForEach([&](store::Query& row) {
        Entry e = EntryFrom(row);
        if (e.state == State::Pending && inflight->contains(e.id))
            e.state = State::Sending;
        if (wanted(e.state))
            out.push_back(std::move(e));
    });
    if (!r)
        return r.Err();
    return out;
}

Result<Entry> Get(store::Database& db, std::int64_t id)
{
    auto q = db.Prepare(std::string(kEntryColumns) + "WHERE o.id = ?1");
    auto row = q.Bind(1, id).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "outbox entry " + std::to_string(id) + " does not exist"};
    Entry e = EntryFrom(q);
    if (e.state == State::Pending) {
        auto inflight = InFlight(db);
        if (!inflight)
            return inflight.Err();
        if (inflight->contains(id))
            e.state = State::Sending;
    }
    return e;
}

Result<void> Retry(store::Database& db, std::int64_t id)
{
    auto e = Get(db, id);
    if (!e)
        return e.Err();
    if (e->state == State::Delivered || e->state == State::Discarded)
        return Error{ErrorKind::Invalid, "entry " + std::to_string(id) + " is " + ToString(e->state)};
    return SetState(db, id, State::Pending, e->last_error, 0, false);
}

Result<void> Edit(store::Database& db, std::int64_t id, const crm::NewRequest& corrected)
{
    auto e = Get(db, id);
    if (!e)
        return e.Err();
    if (e->state != State::Attention && e->state != State::Pending)
        return Error{ErrorKind::Invalid, "only an entry waiting to be sent can be changed"};
    const json payload{{"request", RequestJson(WithReference(corrected, e->key))}, {"service_name", e->service_name}};
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit();
    auto p = db.Prepare("UPDATE outbox_request SET payload = ?2 WHERE entry = ?1");
    if (auto r = p.BindAll(id, payload.dump()).Run(); !r)
        return r;
    auto q = db.Prepare("UPDATE outbox SET state = 'pending', next_attempt_at = 0, updated_at = ?2 WHERE id = ?1");
    if (auto r = q.BindAll(id, Now()).Run(); !r)
        return r;
    return tx.Commit();
}

Result<void> Discard(store::Database& db, std::int64_t id, const std::string& agent, const std::string& reason)
{
    auto e = Get(db, id);
    if (!e)
        return e.Err();
    if (e->state == State::Delivered)
        return Error{ErrorKind::Invalid, "entry " + std::to_string(id) + " has reached the CRM already"};
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit();
    if (auto r = SetState(db, id, State::Discarded, e->last_error, 0, false); !r)
        return r;
    if (e->request) {
        auto q = db.Prepare("UPDATE service_request SET status = 'not sent', updated_at = ?2 WHERE id = ?1");
        if (auto r = q.BindAll(e->request, Now()).Run(); !r)
            return r;
    }
    if (auto r = Audit(db, agent, "outbox.discard", "outbox:" + std::to_string(id),
                       e->payload.service_code + " for " + e->contact_name + ": " + reason);
        !r)
        return r;
    return tx.Commit();
}

// ---- delivery

namespace {

// The entries of a round in flight (0: of every round) that are still
// pending become uncertain — they may have reached the CRM, so they are
// looked for there before being sent again — and the rounds' rows go.
// Returns how many entries. Run inside the caller's transaction.
Result<int> ReleaseInFlight(store::Database& db, std::int64_t round)
{
    auto q = db.Prepare("UPDATE outbox SET uncertain = 1, attempts = attempts + 1, next_attempt_at = 0 "
                        "WHERE state = 'pending' AND id IN (SELECT j.value FROM outbox_inflight f, json_each(f.ids) j "
                        "WHERE ?1 = 0 OR f.round = ?1)");
    if (auto r = q.Bind(1, round).Run(); !r)
        return r.Err();
    const int released = db.Changes();
    auto d = db.Prepare("DELETE FROM outbox_inflight WHERE ?1 = 0 OR round = ?1");
    if (auto r = d.Bind(1, round).Run(); !r)
        return r.Err();
    return released;
}

} // namespace

Result<int> RecoverInterrupted(store::Database& db)
{
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    // Rounds that never recorded their outcome.
    auto released = ReleaseInFlight(db, 0);
    if (!released)
        return released.Err();
    int recovered = released.Value();
    // Marked one by one, as stores of an earlier version left them.
    auto old = db.Prepare("UPDATE outbox SET state = 'pending', uncertain = 1, next_attempt_at = 0 "
                          "WHERE state = 'sending' AND token IS NULL");
    if (auto r = old.Run(); !r)
        return r.Err();
    recovered += db.Changes();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return recovered;
}

Result<DeliverReport> Deliver(store::Database& db, crm::Connector& crm, const DeliverOptions& o)
{
    DeliverReport report;
    const std::int64_t now = o.now ? o.now : Now();
    std::mt19937_64 rng(o.seed ? o.seed : std::random_device{}());
    auto q = db.Prepare(std::string(kDueColumns) +
                        "WHERE o.state = 'pending' AND (?3 OR o.next_attempt_at <= ?1) AND o.id NOT IN "
                        "(SELECT j.value FROM outbox_inflight f, json_each(f.ids) j) ORDER BY o.id LIMIT ?2");
    std::vector<Entry> due;
    auto r = q.BindAll(now, o.max_entries, o.ignore_schedule ? 1 : 0).ForEach([&](store::Query& row) {
        due.push_back(EntryFrom(row));
    });
    if (!r)
        return r.Err();

    // What happened to one entry in this round, written after the chunk.
    struct Outcome
    {
        enum Kind
        {
            Delivered,
            Attention,
            Later,
            Unsent, // the round stopped before its turn
        } kind = Unsent;
        std::string remote_id, token, notice;
        Error error{ErrorKind::Io, std::string()};
        bool uncertain = false;
        bool reconciled = false;
    };
    auto backoff = [&](const Entry& e, const Error& err) {
        // Exponential backoff with jitter, or what the server asked for.
        double delay = std::min<double>(o.max_backoff_s, o.base_backoff_s * std::pow(2.0, std::min(e.attempts, 16)));
        delay *= std::uniform_real_distribution<double>(0.5, 1.5)(rng);
        if (err.retry_after_s >= 0)
            delay = static_cast<double>(err.retry_after_s);
        return now + static_cast<std::int64_t>(delay);
    };

    // Entries go in chunks: one transaction records a chunk as in flight
    // (outbox_inflight) before any of it leaves, so a crash from then on is
    // seen at the next start as an uncertain attempt; one records what became
    // of it and clears the mark. Two commits per chunk instead of two per
    // request, and one row written to mark a thousand entries.
    constexpr size_t kChunk = 1024;
    bool stopped = false;
    std::map<std::string, std::pair<std::int64_t, std::vector<crm::RequestState>>> recent_lists; // code -> since, list
    for (size_t start = 0; start < due.size() && !stopped; start += kChunk) {
        const size_t end = std::min(due.size(), start + kChunk);
        std::vector<Outcome> out(end - start);
        std::vector<bool> send(end - start, true);
        // Uncertain entries: look for them at the CRM before filing again.
        for (size_t k = start; k < end && !stopped; ++k) {
            const Entry& e = due[k];
            if (!e.uncertain)
                continue;
            if (o.stop && o.stop()) {
                stopped = true;
                break;
            }
            // One listing per service serves every uncertain entry of the round.
            const std::int64_t since = e.created_at - 3600;
            auto cached = recent_lists.find(e.payload.service_code);
            if (cached == recent_lists.end() || cached->second.first > since) {
                auto listed = crm.Recent(e.payload.service_code, since);
                if (!listed) {
                    out[k - start].kind = Outcome::Later;
                    out[k - start].error = listed.Err();
                    send[k - start] = false;
                    if (listed.Err().kind == ErrorKind::Offline)
                        report.offline = stopped = true;
                    continue;
                }
                cached = recent_lists.insert_or_assign(e.payload.service_code,
                                                       std::make_pair(since, std::move(listed).Value()))
                             .first;
            }
            const auto& recent = cached->second.second;
            const std::string ref = ReferenceFor(e.key);
            auto found = std::find_if(recent.begin(), recent.end(), [&](const crm::RequestState& s) {
                return s.description.find(ref) != std::string::npos && !s.request_id.empty();
            });
            if (found != recent.end()) {
                out[k - start].kind = Outcome::Delivered;
                out[k - start].remote_id = found->request_id;
                out[k - start].reconciled = true;
                send[k - start] = false;
            }
        }
        std::int64_t round = 0;
        if (!stopped) {
            json ids = json::array();
            for (size_t k = start; k < end; ++k)
                if (send[k - start])
                    ids.push_back(due[k].id);
            auto mark = db.Prepare("INSERT INTO outbox_inflight(ids, started_at) VALUES(?1, ?2)");
            // Its own commit (autocommit) is what makes the mark durable.
            if (auto x = mark.BindAll(ids.dump(), now).Run(); !x)
                return x.Err();
            round = db.LastInsertRowId();
        }
        for (size_t k = start; k < end; ++k) {
            if (!send[k - start] || stopped)
                continue;
            if (o.stop && o.stop()) {
                stopped = true;
                continue;
            }
            const Entry& e = due[k];
            Outcome& got = out[k - start];
            auto sent = crm.Submit(e.payload, e.key);
            if (sent) {
                got.kind = Outcome::Delivered;
                got.remote_id = sent->request_id;
                got.token = sent->token;
                got.notice = sent->service_notice;
                continue;
            }
            const Error& err = sent.Err();
            got.error = err;
            // The connector says what the answer means; delivery reads no transport codes.
            const bool refused = err.kind == ErrorKind::Rejected || err.kind == ErrorKind::Denied;
            if (refused) {
                got.kind = Outcome::Attention; // the server's own words, for the agent to act on
                continue;
            }
            got.kind = Outcome::Later;
            got.uncertain = err.maybe_delivered || err.kind == ErrorKind::Parse || err.kind == ErrorKind::Io;
            if (err.kind == ErrorKind::Offline && !err.maybe_delivered)
                report.offline = stopped = true; // no connection: the rest would fail the same way
        }
        // What became of the chunk, in one transaction with the in-flight row's removal.
        auto record = [&]() -> Result<void> {
            store::Transaction tx(db);
            if (!tx.IsActive())
                return tx.Commit();
            json delivered = json::array();
            for (size_t k = start; k < end; ++k) {
                const Entry& e = due[k];
                const Outcome& got = out[k - start];
                Result<void> w = Ok();
                switch (got.kind) {
                case Outcome::Delivered:
                    delivered.push_back(json::array({e.id, e.request, got.remote_id, got.token, got.notice}));
                    break;
                case Outcome::Attention:
                    w = SetState(db, e.id, State::Attention, got.error.message, 0, true, false);
                    break;
                case Outcome::Later:
                    w = SetState(db, e.id, State::Pending, got.error.message, backoff(e, got.error), true,
                                 got.uncertain || e.uncertain);
                    break;
                case Outcome::Unsent:
                    break; // never left: still pending as it was
                }
                if (!w)
                    return w;
            }
            if (!delivered.empty())
                if (auto x = RecordDelivered(db, delivered.dump(), true); !x)
                    return x;
            if (round)
                if (auto x = db.Prepare("DELETE FROM outbox_inflight WHERE round = ?1").Bind(1, round).Run(); !x)
                    return x;
            return tx.Commit();
        };
        if (auto x = record(); !x) {
            // The CRM has what was sent, the store could not say so: the chunk
            // is checked at the CRM next round, as after a crash.
            if (round) {
                store::Transaction tx(db);
                if (tx.IsActive() && ReleaseInFlight(db, round))
                    (void)tx.Commit();
            }
            return x.Err();
        }
        for (size_t k = start; k < end; ++k) {
            const Outcome& got = out[k - start];
            report.delivered += got.kind == Outcome::Delivered;
            report.reconciled += got.kind == Outcome::Delivered && got.reconciled;
            report.attention += got.kind == Outcome::Attention;
            report.retry_later += got.kind == Outcome::Later;
        }
    }

    // Tokens: ask until the CRM names the request.
    auto t = db.Prepare(std::string(kEntryColumns) +
                        // + keeps the planner on the partial index rather than the state index
                        "WHERE +o.state = 'delivered' AND o.token IS NOT NULL AND o.remote_id IS NULL LIMIT 200");
    std::vector<Entry> tokens;
    (void)t.ForEach([&](store::Query& row) { tokens.push_back(EntryFrom(row)); });
    for (const auto& e : tokens) {
        if (report.offline || (o.stop && o.stop()))
            break;
        auto states = crm.FromToken(e.token);
        if (!states)
            continue;
        for (const auto& s : states.Value())
            if (!s.request_id.empty()) {
                store::Transaction tx(db);
                if (!tx.IsActive())
                    return tx.Commit().Err();
                const json one = json::array({json::array({e.id, e.request, s.request_id, e.token, ""})});
                if (auto x = RecordDelivered(db, one.dump(), false); !x)
                    return x.Err();
                if (auto x = tx.Commit(); !x)
                    return x.Err();
                ++report.tokens_resolved;
                break;
            }
    }
    return report;
}

namespace {

std::string StateValue(store::Database& db, const char* key)
{
    auto q = db.Prepare("SELECT value FROM catalog_state WHERE key = ?1");
    return q.Bind(1, key).Step().Value() ? q.Text(0) : std::string();
}

Result<void> SetStateValue(store::Database& db, const char* key, const std::string& value)
{
    auto q = db.Prepare("INSERT OR REPLACE INTO catalog_state(key, value) VALUES(?1, ?2)");
    return q.BindAll(key, value).Run();
}

// How far back the first sync looks, and how long a request listed by the
// CRM is kept for the nearby check.
constexpr std::int64_t kRecentWindow = 30 * 24 * 3600;
// Clocks differ and W3C datetimes have whole seconds: ask with a margin.
constexpr std::int64_t kSkewMargin = 120;
// A server that ignores updated_after is asked by id; so is any server once
// an hour, in case it dropped a change from its updated_after answer.
constexpr std::int64_t kFullRefreshEvery = 3600;

bool IsClosed(const std::string& status)
{
    return status == "closed";
}

} // namespace

std::string AddressKey(const std::string& address)
{
    // The street part in the contacts' normal form ("1234 N BROAD ST UNIT 3"),
    // without the city after a comma or the unit within the building: for a
    // pothole or a street light those are the same place.
    const std::string normal = contacts::NormalizeAddress(address.substr(0, address.find(',')));
    static const std::set<std::string, std::less<>> kUnit = {"UNIT", "STE", "FL", "RM", "BLDG"};
    std::string key;
    size_t words = 0;
    for (size_t b = 0; b < normal.size();) {
        size_t e = normal.find(' ', b);
        if (e == std::string::npos)
            e = normal.size();
        const std::string_view word(normal.data() + b, e - b);
        if (words >= 2 && kUnit.count(word))
            break;
        key += Lower(word) + ' ';
        ++words;
        b = e + 1;
    }
    if (!key.empty())
        key.pop_back();
    return key;
}

Result<int> RefreshRequests(store::Database& db, crm::Connector& crm, const std::string& region)
{
    const std::int64_t now = Now();
    const std::string synced = StateValue(db, "requests_synced_at");
    const std::int64_t since = synced.empty() ? now - kRecentWindow : std::atoll(synced.c_str()) - kSkewMargin;
    std::vector<crm::RequestState> states;
    bool filtered = false;
    auto listed = crm.UpdatedSince(since);
    if (listed) {
        states = std::move(listed).Value();
        // A server honours updated_after when it lists nothing older.
        filtered = std::all_of(states.begin(), states.end(), [&](const crm::RequestState& s) {
            return s.updated_at >= since;
        });
    } else if (listed.Err().kind == ErrorKind::Offline) {
        return listed.Err();
    }
    // Otherwise (a server that refuses the filter with a 4xx, or ignores it):
    // the console's open requests by id.
    const std::string full = StateValue(db, "requests_full_at");
    if (!filtered || full.empty() || now - std::atoll(full.c_str()) >= kFullRefreshEvery) {
        std::vector<std::string> ids;
        auto q = db.Prepare("SELECT request_id FROM service_request WHERE request_id IS NOT NULL AND status <> 'closed' "
                            "ORDER BY updated_at DESC LIMIT 2000");
        auto r = q.ForEach([&](store::Query& row) { ids.push_back(row.Text(0)); });
        if (!r)
            return r.Err();
        if (!ids.empty()) {
            auto by_id = crm.Requests(ids);
            if (!by_id)
                return by_id.Err();
            states.insert(states.end(), by_id->begin(), by_id->end());
        }
    }

    contacts::ContactStore cs(db, region);
    int changed = 0;
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    static constexpr const char* kCache =
        "INSERT INTO crm_request(request_id, service_code, service_name, status, status_notes, address, address_key, "
        "lat, lon, description, requested_at, updated_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12) "
        "ON CONFLICT(request_id) DO UPDATE SET service_code = COALESCE(NULLIF(excluded.service_code, ''), service_code), "
        "service_name = COALESCE(NULLIF(excluded.service_name, ''), service_name), status = excluded.status, "
        "status_notes = excluded.status_notes, address = COALESCE(NULLIF(excluded.address, ''), address), "
        "address_key = COALESCE(NULLIF(excluded.address_key, ''), address_key), lat = COALESCE(excluded.lat, lat), "
        "lon = COALESCE(excluded.lon, lon), description = COALESCE(NULLIF(excluded.description, ''), description), "
        "requested_at = MAX(excluded.requested_at, requested_at), updated_at = MAX(excluded.updated_at, updated_at)";
    for (const auto& s : states) {
        if (s.request_id.empty())
            continue;
        auto cache = db.Prepare(kCache);
        if (auto x = cache.BindAll(s.request_id, s.service_code, s.service_name, s.status, s.status_notes, s.address,
                                   AddressKey(s.address), s.lat, s.lon, s.description, s.requested_at,
                                   s.updated_at ? s.updated_at : now)
                         .Run();
            !x)
            return x.Err();
        auto known = db.Prepare("SELECT id, status, status_notes FROM service_request WHERE request_id = ?1");
        if (!known.Bind(1, s.request_id).Step().Value())
            continue;
        const std::int64_t local = known.Int(0);
        const std::string old_status = known.Text(1), old_notes = known.Text(2);
        if (s.status.empty() || (old_status == s.status && old_notes == s.status_notes))
            continue;
        contacts::ServiceRequest sr;
        sr.id = local;
        sr.request_id = s.request_id;
        sr.status = s.status;
        sr.status_notes = s.status_notes;
        sr.updated_at = s.updated_at ? s.updated_at : now;
        sr.service_name = s.service_name;
        if (auto x = cs.UpsertRequest(sr); !x)
            return x.Err();
        ++changed;
    }
    // Closed long ago: no longer a duplicate of anything.
    auto prune = db.Prepare("DELETE FROM crm_request WHERE updated_at < ?1");
    if (auto x = prune.Bind(1, now - kRecentWindow).Run(); !x)
        return x.Err();
    if (listed)
        if (auto x = SetStateValue(db, "requests_synced_at", std::to_string(now)); !x)
            return x.Err();
    if (!filtered || full.empty() || now - std::atoll(full.c_str()) >= kFullRefreshEvery)
        if (auto x = SetStateValue(db, "requests_full_at", std::to_string(now)); !x)
            return x.Err();
    if (auto x = tx.Commit(); !x)
        return x.Err();
    return changed;
}

Result<std::vector<Nearby>> NearbyOpen(store::Database& db, const crm::NewRequest& request, double radius_m,
                                       int limit)
{
    const std::string key = AddressKey(request.address);
    const bool has_point = request.lat && request.lon;
    if (key.empty() && !has_point)
        return std::vector<Nearby>{};
    // Equirectangular distance: exact enough within a city block or two.
    auto distance = [&](double lat, double lon) {
        constexpr double kEarth = 6371000.0, kRad = 3.14159265358979323846 / 180.0;
        const double x = (lon - *request.lon) * kRad * std::cos((lat + *request.lat) / 2 * kRad);
        const double y = (lat - *request.lat) * kRad;
        return std::sqrt(x * x + y * y) * kEarth;
    };
    std::vector<Nearby> out;
    auto consider = [&](Nearby n, std::optional<double> lat, std::optional<double> lon) {
        if (IsClosed(n.state.status))
            return;
        if (has_point && lat && lon) {
            const double d = distance(*lat, *lon);
            if (d > radius_m)
                return;
            n.distance_m = d;
        } else if (key.empty() || AddressKey(n.state.address) != key) {
            return;
        }
        for (const auto& x : out)
            if (!n.state.request_id.empty() && x.state.request_id == n.state.request_id)
                return;
        out.push_back(std::move(n));
    };
    // The console's own first: they carry the local id the link needs.
    auto own = db.Prepare("SELECT id, COALESCE(request_id, ''), service_code, service_name, address, status, "
                          "status_notes, opened_at FROM service_request WHERE service_code = ?1 AND status <> 'closed' "
                          "ORDER BY opened_at DESC LIMIT 500");
    auto r = own.Bind(1, request.service_code).ForEach([&](store::Query& row) {
        Nearby n;
        n.local = row.Int(0);
        n.state.request_id = row.Text(1);
        n.state.service_code = row.Text(2);
        n.state.service_name = row.Text(3);
        n.state.address = row.Text(4);
        n.state.status = row.Text(5);
        n.state.status_notes = row.Text(6);
        n.state.requested_at = row.Int(7);
        consider(std::move(n), std::nullopt, std::nullopt);
    });
    if (!r)
        return r.Err();
    // Coordinates from the CRM's listing where it has them.
    auto listed = db.Prepare("SELECT request_id, service_code, service_name, status, status_notes, address, lat, lon, "
                             "description, requested_at FROM crm_request WHERE service_code = ?1 AND status <> 'closed' "
                             "ORDER BY requested_at DESC LIMIT 2000");
    r = listed.Bind(1, request.service_code).ForEach([&](store::Query& row) {
        Nearby n;
        n.state.request_id = row.Text(0);
        n.state.service_code = row.Text(1);
        n.state.service_name = row.Text(2);
        n.state.status = row.Text(3);
        n.state.status_notes = row.Text(4);
        n.state.address = row.Text(5);
        std::optional<double> lat, lon;
        if (!row.IsNull(6) && !row.IsNull(7)) {
            lat = row.Real(6);
            lon = row.Real(7);
        }
        n.state.lat = lat;
        n.state.lon = lon;
        n.state.description = row.Text(8);
        n.state.requested_at = row.Int(9);
        // Already in the list as the console's own: add what the CRM knows.
        for (auto& x : out)
            if (x.state.request_id == n.state.request_id && !n.state.request_id.empty()) {
                x.state.description = n.state.description;
                return;
            }
        consider(std::move(n), lat, lon);
    });
    if (!r)
        return r.Err();
    std::stable_sort(out.begin(), out.end(), [](const Nearby& a, const Nearby& b) {
        return a.state.requested_at > b.state.requested_at;
    });
    if (out.size() > static_cast<size_t>(limit))
        out.resize(static_cast<size_t>(limit));
    return out;
}

// ---- the catalog

Result<CatalogReport> RefreshCatalog(store::Database& db, crm::Connector& crm)
{
    auto services = crm.Services();
    if (!services)
        return services.Err();
    std::vector<std::pair<std::string, std::string>> definitions; // code, JSON
    for (const auto& s : services.Value()) {
        if (!s.has_definition)
            continue;
        auto d = crm.Definition(s.code);
        if (!d)
            return Error{d.Err().kind, s.code + ": " + d.Err().message};
        json attrs = json::array();
        for (const auto& a : d->attributes) {
            json values = json::array();
            for (const auto& v : a.values)
                values.push_back({{"key", v.key}, {"name", v.name}});
            attrs.push_back({{"code", a.code},
                             {"datatype", static_cast<int>(a.datatype)},
                             {"variable", a.variable},
                             {"required", a.required},
                             {"description", a.description},
                             {"datatype_description", a.datatype_description},
                             {"order", a.order},
                             {"values", values}});
        }
        definitions.emplace_back(s.code, attrs.dump());
    }
    // The version: a hash of everything listed, so a change is noticed.
    std::string all;
    for (const auto& s : services.Value())
        all += s.code + "\x1f" + s.name + "\x1f" + s.type + "\x1f" + s.description + "\x1e";
    for (const auto& [c, d] : definitions)
        all += c + "\x1f" + d + "\x1e";
    std::uint64_t h = 1469598103934665603ull; // FNV-1a
    for (unsigned char ch : all)
        h = (h ^ ch) * 1099511628211ull;
    char version[20];
    std::snprintf(version, sizeof version, "%016llx", static_cast<unsigned long long>(h));

    CatalogReport report;
    report.services = static_cast<int>(services->size());
    report.definitions = static_cast<int>(definitions.size());
    report.version = version;
    report.changed = CatalogVersion(db) != version;
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    if (auto r = db.Exec("DELETE FROM service"); !r)
        return r.Err();
    const std::int64_t now = Now();
    for (const auto& s : services.Value()) {
        std::string kw;
        for (const auto& k : s.keywords)
            kw += (kw.empty() ? "" : ", ") + k;
        std::optional<std::string> def;
        for (const auto& [c, d] : definitions)
            if (c == s.code)
                def = d;
        auto q = db.Prepare("INSERT OR REPLACE INTO service(code, name, description, grp, type, keywords, "
                            "has_definition, definition, fetched_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
        if (auto r = q.BindAll(s.code, s.name, s.description, s.group, s.type, kw, s.has_definition ? 1 : 0, def, now)
                         .Run();
            !r)
            return r.Err();
    }
    for (const auto& [k, v] : std::initializer_list<std::pair<const char*, std::string>>{
             {"version", report.version}, {"fetched_at", std::to_string(now)}, {"source", crm.Name()}}) {
        auto q = db.Prepare("INSERT OR REPLACE INTO catalog_state(key, value) VALUES(?1, ?2)");
        if (auto r = q.BindAll(k, v).Run(); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return report;
}

std::string CatalogVersion(store::Database& db)
{
    auto q = db.Prepare("SELECT value FROM catalog_state WHERE key = 'version'");
    return q.Step().Value() ? q.Text(0) : std::string();
}

Result<std::vector<crm::Service>> CachedServices(store::Database& db)
{
    std::vector<crm::Service> out;
    auto q = db.Prepare("SELECT code, name, description, grp, type, keywords, has_definition FROM service ORDER BY name");
    auto r = q.ForEach([&](store::Query& row) {
        crm::Service s{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), {}, row.Int(6) != 0};
        const std::string kw = row.Text(5);
        for (size_t b = 0, e; b < kw.size(); b = e + 2) {
            e = kw.find(", ", b);
            if (e == std::string::npos)
                e = kw.size();
            s.keywords.push_back(kw.substr(b, e - b));
        }
        out.push_back(std::move(s));
    });
    if (!r)
        return r.Err();
    return out;
}

Result<std::optional<crm::ServiceDefinition>> CachedDefinition(store::Database& db, const std::string& code)
{
    auto q = db.Prepare("SELECT definition FROM service WHERE code = ?1");
    auto row = q.Bind(1, code).Step();
    if (!row)
        return row.Err();
    if (!row.Value() || q.IsNull(0))
        return std::optional<crm::ServiceDefinition>{};
    crm::ServiceDefinition d;
    d.service_code = code;
    try {
        for (const auto& a : json::parse(q.Text(0))) {
            crm::Attribute at;
            at.code = a.value("code", "");
            at.datatype = static_cast<crm::Datatype>(a.value("datatype", 0));
            at.variable = a.value("variable", true);
            at.required = a.value("required", false);
            at.description = a.value("description", "");
            at.datatype_description = a.value("datatype_description", "");
            at.order = a.value("order", 0);
            for (const auto& v : a.value("values", json::array()))
                at.values.push_back({v.value("key", ""), v.value("name", "")});
            d.attributes.push_back(std::move(at));
        }
    } catch (const json::exception&) {
        return Error{ErrorKind::Corrupt, "the cached definition of " + code + " cannot be read"};
    }
    return std::optional<crm::ServiceDefinition>(std::move(d));
}

} // namespace civic::sync
