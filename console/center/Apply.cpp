// Applying other seats' changes to this seat's console.db (Center.h, the
// rules for conflicts). Runs inside the caller's transaction, with
// center_applying holding its row so the triggers queue nothing back.
#include "Apply.h"

#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>

#include <array>
#include <optional>
#include <utility>

namespace civic::center::detail {

namespace {

// The local id of a shared row, by its uid; 0 when not here (yet).
Result<std::int64_t> LocalId(store::Database& db, const char* table, const std::string& uid)
{
    if (uid.empty())
        return 0;
    auto q = db.Prepare(std::string("SELECT id FROM ") + table + " WHERE uid = ?1");
    auto row = q.Bind(1, uid).Step();
    if (!row)
        return row.Err();
    return row.Value() ? q.Int(0) : 0;
}

// A text member of a change's body ("" when absent or null).
Result<std::string> Member(store::Database& db, const std::string& body, const char* name)
{
    auto q = db.Prepare("SELECT ?1 ->> ?2");
    auto row = q.BindAll(body, std::string("$.") + name).Step();
    if (!row)
        return row.Err();
    return q.OptText(0).value_or("");
}

// Whether the body has the member at all (an edit carries only what changed).
Result<bool> Has(store::Database& db, const std::string& body, const char* name)
{
    auto q = db.Prepare("SELECT json_type(?1, ?2) IS NOT NULL");
    auto row = q.BindAll(body, std::string("$.") + name).Step();
    if (!row)
        return row.Err();
    return q.Int(0) != 0;
}

// A change's "contact" and "on_behalf_of" as local ids (none when the body
// names none); missing when one names a contact not here yet.
struct ContactRefs
{
    std::optional<std::int64_t> contact, org;
    bool missing = false;
};

Result<ContactRefs> ResolveContacts(store::Database& db, const std::string& body)
{
    ContactRefs refs;
    const std::pair<const char*, std::optional<std::int64_t>*> wanted[] = {{"contact", &refs.contact},
                                                                            {"on_behalf_of", &refs.org}};
    for (const auto& [member, into] : wanted) {
        auto uid = Member(db, body, member);
        if (!uid)
            return uid.Err();
        auto id = LocalId(db, "contact", uid.Value());
        if (!id)
            return id.Err();
        if (id.Value())
            *into = id.Value();
        else if (!uid->empty())
            refs.missing = true;
    }
    return refs;
}

constexpr std::array<const char*, 6> kContactFields{"kind", "name", "language", "needs", "notes", "merged_into"};

} // namespace

Result<Applied> ApplyChange(store::Database& db, contacts::ContactStore& contacts, const Change& c)
{
    const std::string& body = c.body;
    if (c.entity == "contact") {
        auto id = LocalId(db, "contact", c.entity_uid);
        if (!id)
            return id.Err();
        if (id.Value() == 0) {
            if (c.op != "put")
                return Applied::Parked; // an edit of a contact not here yet
            auto merged = Member(db, body, "merged_into");
            if (!merged)
                return merged.Err();
            auto into = LocalId(db, "contact", merged.Value());
            if (!into)
                return into.Err();
            if (!merged->empty() && into.Value() == 0)
                return Applied::Parked;
            auto q = db.Prepare(
                "INSERT INTO contact(uid, kind, name, language, needs, notes, merged_into, created_at, updated_at) "
                "VALUES(?1, ?2 ->> 'kind', COALESCE(?2 ->> 'name', ''), COALESCE(?2 ->> 'language', ''), "
                "COALESCE(?2 ->> 'needs', ''), COALESCE(?2 ->> 'notes', ''), ?3, "
                "COALESCE(?2 ->> 'created_at', 0), COALESCE(?2 ->> 'updated_at', 0))");
            std::optional<std::int64_t> into_id;
            if (into.Value())
                into_id = into.Value();
            if (auto r = q.BindAll(c.entity_uid, body, into_id).Run(); !r)
                return r.Err();
            const std::int64_t local = db.LastInsertRowId();
            for (const char* f : kContactFields) {
                auto set = db.Prepare("INSERT OR REPLACE INTO center_field(entity_uid, field, at, change) "
                                      "VALUES(?1, ?2, ?3, ?4)");
                if (auto r = set.BindAll(c.entity_uid, std::string(f), c.at, c.uid).Run(); !r)
                    return r.Err();
            }
            if (auto r = contacts.Reindex(local); !r)
                return r.Err();
            return Applied::Done;
        }
        // Field by field: the later edit wins; a lost edit goes to the audit log.
        bool renamed = false, lost = false;
        for (const char* f : kContactFields) {
            auto has = Has(db, body, f);
            if (!has)
                return has.Err();
            if (!has.Value())
                continue;
            auto last = db.Prepare("SELECT at, change FROM center_field WHERE entity_uid = ?1 AND field = ?2");
            auto row = last.BindAll(c.entity_uid, std::string(f)).Step();
            if (!row)
                return row.Err();
            if (row.Value()) {
                const std::int64_t at = last.Int(0);
                const std::string change = last.Text(1);
                if (change == c.uid)
                    continue; // applied before (a round read again after an interruption)
                if (at > c.at || (at == c.at && change > c.uid)) {
                    auto value = Member(db, body, f);
                    if (!value)
                        return value.Err();
                    if (auto r = Audit(db, c.agent.empty() ? c.seat : c.agent, "contact.edit_superseded",
                                       "contact:" + std::to_string(id.Value()),
                                       std::string(f) + " = \"" + value.Value() + "\" from seat " + c.seat +
                                           ", older than the value kept");
                        !r)
                        return r.Err();
                    lost = true;
                    continue;
                }
            }
            auto value = Member(db, body, f);
            if (!value)
                return value.Err();
            if (std::string_view(f) == "merged_into") {
                auto into = LocalId(db, "contact", value.Value());
                if (!into)
                    return into.Err();
                if (!value->empty() && into.Value() == 0)
                    return Applied::Parked;
                std::optional<std::int64_t> into_id;
                if (into.Value())
                    into_id = into.Value();
                auto q = db.Prepare("UPDATE contact SET merged_into = ?2 WHERE id = ?1");
                if (auto r = q.BindAll(id.Value(), into_id).Run(); !r)
                    return r.Err();
            } else {
                auto q = db.Prepare(std::string("UPDATE contact SET ") + f + " = ?2 WHERE id = ?1");
                if (auto r = q.BindAll(id.Value(), value.Value()).Run(); !r)
                    return r.Err();
                renamed = renamed || std::string_view(f) == "name";
            }
            auto set = db.Prepare("INSERT OR REPLACE INTO center_field(entity_uid, field, at, change) "
                                  "VALUES(?1, ?2, ?3, ?4)");
            if (auto r = set.BindAll(c.entity_uid, std::string(f), c.at, c.uid).Run(); !r)
                return r.Err();
        }
        auto touch = db.Prepare("UPDATE contact SET updated_at = max(updated_at, COALESCE(?2 ->> 'updated_at', 0)) "
                                "WHERE id = ?1");
        if (auto r = touch.BindAll(id.Value(), body).Run(); !r)
            return r.Err();
        if (renamed)
            if (auto r = contacts.Reindex(id.Value()); !r)
                return r.Err();
        return lost ? Applied::Superseded : Applied::Done;
    }

    if (c.entity == "identifier") {
        auto contact_uid = Member(db, body, "contact");
        if (!contact_uid)
            return contact_uid.Err();
        auto contact = LocalId(db, "contact", contact_uid.Value());
        if (!contact)
            return contact.Err();
        if (c.op == "delete") {
            auto q = db.Prepare("DELETE FROM identifier WHERE uid = ?1 OR (contact = ?2 AND kind = ?3 ->> 'kind' "
                                "AND value = ?3 ->> 'value')");
            if (auto r = q.BindAll(c.entity_uid, contact.Value(), body).Run(); !r)
                return r.Err();
            return Applied::Done;
        }
        if (contact.Value() == 0)
            return Applied::Parked;
        auto update = db.Prepare("UPDATE identifier SET display = ?2 ->> 'display', label = ?2 ->> 'label', "
                                 "notify = ?2 ->> 'notify' WHERE uid = ?1");
        if (auto r = update.BindAll(c.entity_uid, body).Run(); !r)
            return r.Err();
        if (db.Changes() > 0)
            return Applied::Done;
        // The same identifier added at two seats is one identifier: the first kept.
        auto q = db.Prepare("INSERT OR IGNORE INTO identifier(uid, contact, kind, value, display, label, notify) "
                            "VALUES(?1, ?2, ?3 ->> 'kind', ?3 ->> 'value', COALESCE(?3 ->> 'display', ''), "
                            "COALESCE(?3 ->> 'label', ''), COALESCE(?3 ->> 'notify', 0))");
        if (auto r = q.BindAll(c.entity_uid, contact.Value(), body).Run(); !r)
            return r.Err();
        return Applied::Done;
    }

    if (c.entity == "membership") {
        auto org = Member(db, body, "organization");
        auto person = Member(db, body, "person");
        if (!org || !person)
            return !org ? org.Err() : person.Err();
        auto o = LocalId(db, "contact", org.Value());
        auto p = LocalId(db, "contact", person.Value());
        if (!o || !p)
            return !o ? o.Err() : p.Err();
        if (c.op == "delete") {
            auto q = db.Prepare("DELETE FROM membership WHERE organization = ?1 AND person = ?2");
            if (auto r = q.BindAll(o.Value(), p.Value()).Run(); !r)
                return r.Err();
            return Applied::Done;
        }
        if (o.Value() == 0 || p.Value() == 0)
            return Applied::Parked;
        auto q = db.Prepare("INSERT INTO membership(organization, person, role) VALUES(?1, ?2, "
                            "COALESCE(?3 ->> 'role', 'liaison')) ON CONFLICT DO UPDATE SET role = excluded.role");
        if (auto r = q.BindAll(o.Value(), p.Value(), body).Run(); !r)
            return r.Err();
        return Applied::Done;
    }

    if (c.entity == "service_request") {
        auto refs = ResolveContacts(db, body);
        if (!refs)
            return refs.Err();
        if (refs->missing)
            return Applied::Parked;
        const auto contact_id = refs->contact, org_id = refs->org;
        // By its uid, else by the CRM's id (both seats heard of it from the CRM).
        auto id = LocalId(db, "service_request", c.entity_uid);
        if (!id)
            return id.Err();
        std::int64_t local = id.Value();
        if (local == 0) {
            auto by_crm = db.Prepare("SELECT id FROM service_request WHERE request_id = ?1 ->> 'request_id'");
            auto row = by_crm.Bind(1, body).Step();
            if (!row)
                return row.Err();
            if (row.Value())
                local = by_crm.Int(0);
        }
        if (local == 0) {
            auto q = db.Prepare(
                "INSERT INTO service_request(uid, request_id, contact, on_behalf_of, service_code, service_name, "
                "address, status, status_notes, opened_at, updated_at) VALUES(?1, ?2 ->> 'request_id', ?3, ?4, "
                "COALESCE(?2 ->> 'service_code', ''), COALESCE(?2 ->> 'service_name', ''), "
                "COALESCE(?2 ->> 'address', ''), COALESCE(?2 ->> 'status', 'open'), "
                "COALESCE(?2 ->> 'status_notes', ''), COALESCE(?2 ->> 'opened_at', 0), "
                "COALESCE(?2 ->> 'updated_at', 0))");
            if (auto r = q.BindAll(c.entity_uid, body, contact_id, org_id).Run(); !r)
                return r.Err();
            return Applied::Done;
        }
        // The newer state wins: a status one seat heard later is not undone by an older one.
        auto q = db.Prepare(
            "UPDATE service_request SET request_id = COALESCE(?2 ->> 'request_id', request_id), "
            "contact = COALESCE(?3, contact), on_behalf_of = COALESCE(?4, on_behalf_of), "
            "service_code = COALESCE(?2 ->> 'service_code', service_code), "
            "service_name = COALESCE(?2 ->> 'service_name', service_name), "
            "address = COALESCE(?2 ->> 'address', address), status = COALESCE(?2 ->> 'status', status), "
            "status_notes = COALESCE(?2 ->> 'status_notes', status_notes), "
            "updated_at = COALESCE(?2 ->> 'updated_at', updated_at) "
            "WHERE id = ?1 AND COALESCE(?2 ->> 'updated_at', 0) >= updated_at");
        if (auto r = q.BindAll(local, body, contact_id, org_id).Run(); !r)
            return r.Err();
        return Applied::Done;
    }

    if (c.entity == "request_event") {
        auto request_uid = Member(db, body, "request");
        if (!request_uid)
            return request_uid.Err();
        auto request = LocalId(db, "service_request", request_uid.Value());
        if (!request)
            return request.Err();
        if (request.Value() == 0)
            return Applied::Parked;
        auto q = db.Prepare("INSERT OR IGNORE INTO request_event(uid, request, contact, on_behalf_of, at, status, "
                            "notes) SELECT ?1, r.id, r.contact, r.on_behalf_of, ?3 ->> 'at', ?3 ->> 'status', "
                            "COALESCE(?3 ->> 'notes', '') FROM service_request r WHERE r.id = ?2");
        if (auto r = q.BindAll(c.entity_uid, request.Value(), body).Run(); !r)
            return r.Err();
        return Applied::Done;
    }

    if (c.entity == "interaction") {
        auto refs = ResolveContacts(db, body);
        if (!refs)
            return refs.Err();
        if (refs->missing || !refs->contact)
            return Applied::Parked; // an interaction is always someone's
        const std::int64_t contact = *refs->contact;
        const auto org_id = refs->org;
        auto id = LocalId(db, "interaction", c.entity_uid);
        if (!id)
            return id.Err();
        std::int64_t local = id.Value();
        if (local == 0) {
            // Append-only. A record both seats fetched from the CRM's history is one record.
            auto q = db.Prepare(
                "INSERT OR IGNORE INTO interaction(uid, contact, on_behalf_of, channel, at, agent, talk_s, wrap_s, "
                "summary, notes, disposition, answers, source, external_id) VALUES(?1, ?2, ?3, "
                "?4 ->> 'channel', ?4 ->> 'at', COALESCE(?4 ->> 'agent', ''), ?4 ->> 'talk_s', ?4 ->> 'wrap_s', "
                "COALESCE(?4 ->> 'summary', ''), COALESCE(?4 ->> 'notes', ''), COALESCE(?4 ->> 'disposition', ''), "
                "COALESCE(?4 ->> 'answers', ''), COALESCE(?4 ->> 'source', 'console'), ?4 ->> 'external_id')");
            if (auto r = q.BindAll(c.entity_uid, contact, org_id, body).Run(); !r)
                return r.Err();
            if (db.Changes() == 0)
                return Applied::Done;
            local = db.LastInsertRowId();
        }
        // The requests it filed or asked about, those already here.
        auto link = db.Prepare("INSERT OR IGNORE INTO interaction_request(interaction, request) SELECT ?1, s.id "
                               "FROM json_each(?2 -> 'requests') j JOIN service_request s ON s.uid = j.value");
        if (auto r = link.BindAll(local, body).Run(); !r)
            return r.Err();
        return Applied::Done;
    }
    return Applied::Unknown; // from a newer console: kept at the center, skipped here
}

} // namespace civic::center::detail
