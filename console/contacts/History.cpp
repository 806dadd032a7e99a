#include <civic/contacts/History.h>

namespace civic::contacts {

ContactKeys KeysOf(const Contact& c)
{
    ContactKeys k;
    for (const auto& i : c.identifiers) {
        if (i.kind == IdKind::Phone)
            k.phones.push_back(i.value.substr(0, i.value.find(';')));
        else if (i.kind == IdKind::Email)
            k.emails.push_back(i.value);
        else if (i.kind == IdKind::Address)
            k.addresses.push_back(i.value);
    }
    return k;
}

namespace {

// Counts a status change when the request's status differs from what the store had.
Result<std::int64_t> Upsert(ContactStore& store, store::Database& db, const ExternalRequest& r,
                            std::optional<std::int64_t> contact, int& added, int& changes)
{
    auto known = db.Prepare("SELECT id, status, status_notes FROM service_request WHERE request_id = ?1");
    std::optional<std::string> old_status, old_notes;
    if (known.Bind(1, r.request_id).Step().Value()) {
        old_status = known.Text(1);
        old_notes = known.Text(2);
    }
    ServiceRequest s;
    s.request_id = r.request_id;
    s.contact = contact;
    s.service_code = r.service_code;
    s.service_name = r.service_name;
    s.address = r.address;
    s.status = r.status.empty() ? "open" : r.status;
    s.status_notes = r.status_notes;
    s.opened_at = r.requested_at;
    s.updated_at = r.updated_at ? r.updated_at : r.requested_at;
    auto id = store.UpsertRequest(s);
    if (!id)
        return id;
    if (!old_status)
        ++added;
    else if (*old_status != s.status || (*old_notes != s.status_notes && !s.status_notes.empty()))
        ++changes;
    return id;
}

} // namespace

Result<ApplyReport> ApplyHistory(ContactStore& store, store::Database& db, std::int64_t contact,
                                 const std::string& source, const ContactHistory& history)
{
    ApplyReport report;
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    for (const auto& r : history.requests) {
        if (r.request_id.empty())
            continue;
        if (auto id = Upsert(store, db, r, contact, report.requests_added, report.status_changes); !id)
            return id.Err();
    }
    for (const auto& e : history.interactions) {
        if (e.external_id.empty())
            return Error{ErrorKind::Parse, source + ": an interaction without an id"};
        auto seen = db.Prepare("SELECT 1 FROM interaction WHERE source = ?1 AND external_id = ?2");
        const bool known = seen.BindAll(source, e.external_id).Step().Value();
        const auto channel = ChannelFromString(e.channel);
        if (!channel)
            return Error{ErrorKind::Parse, source + ": interaction " + e.external_id + " has an unknown channel \"" +
                                               e.channel + "\""};
        Interaction i;
        i.contact = contact;
        i.channel = *channel;
        i.at = e.at;
        i.agent = e.agent;
        i.talk_s = e.talk_s;
        i.summary = e.summary;
        i.notes = e.notes;
        i.disposition = e.disposition;
        i.source = source;
        i.external_id = e.external_id;
        for (const auto& rid : e.request_ids) {
            auto q = db.Prepare("SELECT id FROM service_request WHERE request_id = ?1");
            if (q.Bind(1, rid).Step().Value())
                i.requests.push_back(q.Int(0));
        }
        if (auto id = store.Record(i); !id)
            return id.Err();
        if (!known)
            ++report.interactions_added;
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return report;
}

Result<int> ApplyRequestUpdates(ContactStore& store, store::Database& db, const std::vector<ExternalRequest>& requests)
{
    int changes = 0, added = 0;
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    for (const auto& r : requests) {
        auto known = db.Prepare("SELECT contact FROM service_request WHERE request_id = ?1");
        if (r.request_id.empty() || !known.Bind(1, r.request_id).Step().Value())
            continue;
        std::optional<std::int64_t> contact;
        if (!known.IsNull(0))
            contact = known.Int(0);
        if (auto id = Upsert(store, db, r, contact, added, changes); !id)
            return id.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return changes;
}

} // namespace civic::contacts
