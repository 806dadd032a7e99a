// Interactions and service requests recorded under a contact.
#include <civic/contacts/Contacts.h>

#include "ContactsInternal.h"

#include <civic/Text.h>
#include <civic/Edits.h>
#include <civic/core/ConsoleStore.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <tuple>

namespace civic::contacts {

using namespace detail;

Result<std::int64_t> ContactStore::Record(Interaction i)
{
    if (i.at == 0)
        i.at = Now();
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    auto q = m_db.Prepare(
        "INSERT INTO interaction(contact, on_behalf_of, channel, at, agent, talk_s, wrap_s, summary, notes, "
        "disposition, answers, source, external_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
        "ON CONFLICT(source, external_id) WHERE external_id IS NOT NULL DO NOTHING");
    q.BindAll(i.contact, i.on_behalf_of, ToString(i.channel), i.at, i.agent, i.talk_s, i.wrap_s, i.summary, i.notes,
              i.disposition, i.answers, i.source,
              i.external_id.empty() ? std::optional<std::string>() : std::optional<std::string>(i.external_id));
    if (auto r = q.Run(); !r)
        return r.Err().kind == ErrorKind::Constraint
                   ? Error{ErrorKind::NotFound, "contact " + std::to_string(i.contact) + " does not exist"}
                   : r.Err();
    std::int64_t id = m_db.LastInsertRowId();
    if (m_db.Changes() == 0) {
        // Seen before (the CRM's history fetched again): the same row.
        auto old = m_db.Prepare("SELECT id FROM interaction WHERE source = ?1 AND external_id = ?2");
        if (!old.BindAll(i.source, i.external_id).Step().Value())
            return Error{ErrorKind::Corrupt, "interaction " + i.external_id + " vanished"};
        id = old.Int(0);
    }
    for (auto req : i.requests)
        if (auto r = LinkRequest(id, req); !r)
            return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return id;
}

Result<void> ContactStore::LinkRequest(std::int64_t interaction, std::int64_t request)
{
    auto q = m_db.Prepare("INSERT OR IGNORE INTO interaction_request(interaction, request) VALUES(?1, ?2)");
    return q.BindAll(interaction, request).Run();
}

Result<ServiceRequest> ContactStore::GetRequest(std::int64_t id)
{
    auto q = m_db.Prepare("SELECT id, request_id, contact, on_behalf_of, service_code, service_name, address, status, "
                          "status_notes, opened_at, updated_at FROM service_request WHERE id = ?1");
    auto row = q.Bind(1, id).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "service request " + std::to_string(id) + " does not exist"};
    ServiceRequest r;
    r.id = q.Int(0);
    r.request_id = q.OptText(1).value_or("");
    if (!q.IsNull(2))
        r.contact = q.Int(2);
    if (!q.IsNull(3))
        r.on_behalf_of = q.Int(3);
    r.service_code = q.Text(4);
    r.service_name = q.Text(5);
    r.address = q.Text(6);
    r.status = q.Text(7);
    r.status_notes = q.Text(8);
    r.opened_at = q.Int(9);
    r.updated_at = q.Int(10);
    return r;
}

Result<std::int64_t> ContactStore::UpsertRequest(const ServiceRequest& in)
{
    ServiceRequest r = in;
    if (r.opened_at == 0)
        r.opened_at = Now();
    if (r.updated_at == 0)
        r.updated_at = r.opened_at;
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    std::optional<ServiceRequest> old;
    {
        auto q = m_db.Prepare(r.id ? "SELECT id FROM service_request WHERE id = ?1"
                                   : "SELECT id FROM service_request WHERE request_id = ?1");
        if (r.id)
            q.Bind(1, r.id);
        else
            q.Bind(1, r.request_id);
        if (!r.request_id.empty() || r.id) {
            if (auto row = q.Step(); row && row.Value()) {
                auto got = GetRequest(q.Int(0));
                if (got)
                    old = got.Value();
            }
        }
    }
    std::int64_t id = 0;
    if (old) {
        id = old->id;
        auto q = m_db.Prepare("UPDATE service_request SET request_id = COALESCE(?2, request_id), "
                              "service_code = ?3, service_name = ?4, address = ?5, status = ?6, status_notes = ?7, "
                              "updated_at = ?8, contact = COALESCE(contact, ?9), "
                              "on_behalf_of = COALESCE(on_behalf_of, ?10) WHERE id = ?1");
        q.BindAll(id, r.request_id.empty() ? std::optional<std::string>() : std::optional<std::string>(r.request_id),
                  r.service_code.empty() ? old->service_code : r.service_code,
                  r.service_name.empty() ? old->service_name : r.service_name,
                  r.address.empty() ? old->address : r.address, r.status, r.status_notes,
                  std::max(r.updated_at, old->updated_at), r.contact, r.on_behalf_of);
        if (auto x = q.Run(); !x)
            return x.Err();
    } else {
        auto q = m_db.Prepare("INSERT INTO service_request(request_id, contact, on_behalf_of, service_code, "
                              "service_name, address, status, status_notes, opened_at, updated_at) "
                              "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
        q.BindAll(r.request_id.empty() ? std::optional<std::string>() : std::optional<std::string>(r.request_id),
                  r.contact, r.on_behalf_of, r.service_code, r.service_name, r.address, r.status, r.status_notes,
                  r.opened_at, r.updated_at);
        if (auto x = q.Run(); !x)
            return x.Err();
        id = m_db.LastInsertRowId();
    }
    // The status history: "opened" first, then every change the CRM reports.
    auto current = GetRequest(id);
    if (!current)
        return current.Err();
    auto event = [&](std::int64_t at, const std::string& status, const std::string& notes) -> Result<void> {
        auto q = m_db.Prepare("INSERT OR IGNORE INTO request_event(request, contact, on_behalf_of, at, status, notes) "
                              "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        return q.BindAll(id, current->contact, current->on_behalf_of, at, status, notes).Run();
    };
    if (!old) {
        if (auto x = event(r.opened_at, "opened", r.status == "open" ? r.status_notes : ""); !x)
            return x.Err();
        if (r.status != "open")
            if (auto x = event(r.updated_at, r.status, r.status_notes); !x)
                return x.Err();
    } else if (old->status != r.status || (old->status_notes != r.status_notes && !r.status_notes.empty())) {
        if (auto x = event(std::max(r.updated_at, old->updated_at), r.status, r.status_notes); !x)
            return x.Err();
    }
    if (auto x = tx.Commit(); !x)
        return x.Err();
    return id;
}

} // namespace civic::contacts
