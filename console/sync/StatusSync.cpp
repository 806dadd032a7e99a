// What became of requests: their status from the CRM into the timeline.
#include "OutboxRows.h"

#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

#include <optional>

namespace civic::sync {

using namespace detail;

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


} // namespace


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
    // A list that is not there at all (404) is an address to fix, unless
    // asking by id below still finds requests.
    std::optional<Error> missing;
    if (!listed && listed.Err().kind == ErrorKind::NotFound)
        missing = listed.Err();
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
    if (missing && states.empty())
        return Error{ErrorKind::NotFound, missing->message + " — the CRM lists no requests at this address; "
                                                             "statuses were not refreshed"};

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

} // namespace civic::sync
