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

// Reads a stored payload, {"request": {...}, "service_name": "..."}, straight
// into the request as the parser meets each value, building no tree. The
// general reader, for payloads not in the shape ReadPayloadFast reads (an
// older or damaged row): it decides what any document means. Unknown
// members are skipped.
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

bool ReadPayloadGeneral(std::string_view text, crm::NewRequest& r, std::string& service_name)
{
    PayloadReader reader(r, service_name);
    return json::sax_parse(text.begin(), text.end(), &reader) && reader.Finish();
}

bool ReadPayload(std::string_view text, crm::NewRequest& r, std::string& service_name)
{
    if (ReadPayloadFast(text, r, service_name))
        return true;
    // Not in the canonical shape (or not JSON): the general reader decides.
    r = crm::NewRequest();
    service_name.clear();
    return ReadPayloadGeneral(text, r, service_name);
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
