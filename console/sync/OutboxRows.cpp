// The outbox's rows: keys, states, stored requests and entries (OutboxRows.h).
#include "OutboxRows.h"

#include <civic/EnumNames.h>

#include <chrono>
#include <random>

namespace civic::sync::detail {

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

State StateFrom(const std::string& s) { return FromName(s, kStates).value_or(State::Pending); }

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
                      bool count_attempt, std::optional<bool> uncertain)
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

// A request's attributes as stored, {"CODE": ["value", ...]}.
void ReadAttributes(std::string_view text, crm::NewRequest& r)
{
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object())
        return;
    for (const auto& [code, values] : j.items())
        if (values.is_array())
            for (const auto& v : values)
                if (v.is_string())
                    r.attributes[code].push_back(v.get<std::string>());
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
    // Columns 13 on: the payload's fields (kEntryColumns).
    if (q.Int(13) != 1)
        e.last_error = "the stored request cannot be read";
    e.service_name = q.Text(14);
    static_assert(std::size(kRequestFields) == 9, "kEntryColumns selects nine request fields");
    int column = 15;
    for (const auto& [name, field] : kRequestFields)
        e.payload.*field = q.Text(column++);
    if (!q.IsNull(24) && !q.IsNull(25)) {
        e.payload.lat = q.Real(24);
        e.payload.lon = q.Real(25);
    }
    if (!q.IsNull(26))
        ReadAttributes(q.TextView(26), e.payload);
    e.contact_name = q.OptText(27).value_or("");
    return e;
}



bool IsClosed(const std::string& status)
{
    return status == "closed";
}

} // namespace civic::sync::detail

namespace civic::sync {

using namespace detail;

const char* ToString(State s) { return NameOf(s, kStates, "pending"); }

std::string ReferenceFor(const std::string& key) { return "Ref: CD-" + key.substr(0, 12); }

} // namespace civic::sync
