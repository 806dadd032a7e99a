// The outbox as agents see and correct it: list, retry, edit, discard.
#include "OutboxRows.h"

#include <civic/Json.h>
#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

#include <set>

namespace civic::sync {

using namespace detail;


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
    if (auto r = p.BindAll(id, DumpJson(payload)).Run(); !r)
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

Result<OutboxCounts> CountOutbox(store::Database& db)
{
    // Through the state index: the delivered entries, which pile up, are not read.
    // A CRM that answers every try with a server error (some answer a bad
    // request with 500) is retried for ever: after an hour the agent is told.
    auto q = db.Prepare("SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending','sending')), "
                        "(SELECT count(*) FROM outbox WHERE state = 'attention'), "
                        "(SELECT count(*) FROM outbox INDEXED BY outbox_due WHERE state = 'pending' "
                        "AND attempts > 0 AND created_at <= ?1)");
    q.Bind(1, Now() - kFailingLongAfterS);
    auto row = q.Step();
    if (!row)
        return row.Err();
    return OutboxCounts{static_cast<int>(q.Int(0)), static_cast<int>(q.Int(1)), static_cast<int>(q.Int(2))};
}

Result<int> CountPendingOutbox(store::Database& db)
{
    auto counts = CountOutbox(db);
    if (!counts)
        return counts.Err();
    return counts->waiting + counts->attention;
}

} // namespace civic::sync
