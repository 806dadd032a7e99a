// A finished wrap-up stored with its request and outbox entry in one
// transaction, and the unfinished one kept while it is typed.
#include "OutboxRows.h"

#include <civic/Json.h>
#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

namespace civic::sync {

namespace {
// Longer than any shift: a time beyond it is not talk or after-call work.
constexpr std::int64_t kLongestShiftS = 12 * 3600;
} // namespace

using namespace detail;


namespace {

// The caller's consented e-mail and phone, and then their name, on the
// request. Nothing without consent: a caller who did not agree to be told of
// progress stays anonymous to the CRM.
Result<void> NameCaller(contacts::ContactStore& cs, std::int64_t contact, crm::NewRequest& r)
{
    auto c = cs.Get(contact);
    if (!c)
        return c.Err();
    for (const auto& id : c->identifiers) {
        if (!id.notify)
            continue;
        if (id.kind == contacts::IdKind::Email && r.email.empty())
            r.email = id.value;
        else if (id.kind == contacts::IdKind::Phone && r.phone.empty())
            r.phone = id.value.substr(0, id.value.find(';')); // without ";ext="
    }
    if ((!r.email.empty() || !r.phone.empty()) && c->kind == contacts::ContactKind::Person) {
        const std::string name = Trim(c->name);
        const auto space = name.rfind(' ');
        r.first_name = space == std::string::npos ? name : Trim(name.substr(0, space));
        r.last_name = space == std::string::npos ? std::string() : Trim(name.substr(space + 1));
    }
    return Ok();
}

} // namespace

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
    // Handle time (ISO 18295) is for conversations: a call or a visit, its
    // wrap-up written within the shift. A letter or an e-mail logged later,
    // or a wrap-up finished days on, has no talk or after-call time to count.
    const bool conversation =
        w.channel == contacts::Channel::PhoneIn || w.channel == contacts::Channel::PhoneOut ||
        w.channel == contacts::Channel::WalkIn;
    if (conversation && w.started_at && w.ended_at >= w.started_at && w.ended_at - w.started_at <= kLongestShiftS)
        i.talk_s = static_cast<int>(w.ended_at - w.started_at);
    if (conversation && w.ended_at && now >= w.ended_at && now - w.ended_at <= kLongestShiftS)
        i.wrap_s = static_cast<int>(now - w.ended_at);
    i.notes = w.notes;
    i.disposition = w.disposition;
    // What happened, read at a glance in the timeline: the reason, then the
    // first line of the notes.
    const std::string first_line = w.notes.substr(0, w.notes.find('\n'));
    i.summary = w.reason.empty() ? first_line : first_line.empty() ? w.reason : w.reason + ": " + first_line;
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
        if (w.name_caller)
            if (auto r = NameCaller(cs, w.contact, sent); !r)
                return r.Err();
        if (sent.description.empty())
            sent.description = w.notes; // what the caller reported, as the console's form does
        const json payload{{"request", RequestJson(WithReference(sent, key))}, {"service_name", w.service_name}};
        auto q = db.Prepare("INSERT INTO outbox(idempotency_key, kind, state, created_at, updated_at, "
                            "interaction, request) VALUES(?1, 'service_request', 'pending', ?2, ?2, ?3, ?4)");
        if (auto r = q.BindAll(key, now, out.interaction, request).Run(); !r)
            return r.Err();
        out.outbox = db.LastInsertRowId();
        auto p = db.Prepare("INSERT INTO outbox_request(entry, payload) VALUES(?1, ?2)");
        if (auto r = p.BindAll(out.outbox, DumpJson(payload)).Run(); !r)
            return r.Err();
    }
    // What was being typed is stored now: no draft to restore any more.
    if (auto r = ClearDraft(db, w.agent, w.contact, w.started_at); !r)
        return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return out;
}


// The wrap-up being typed.

Result<void> SaveDraft(store::Database& db, const std::string& agent, const Draft& d)
{
    const json body{{"contact", d.contact},       {"contact_name", d.contact_name},
                    {"channel", contacts::ToString(d.channel)}, {"started_at", d.started_at},
                    {"ended_at", d.ended_at},     {"notes", d.notes},
                    {"answers", d.answers},       {"service_code", d.service_code},
                    {"location", d.location},     {"attributes", d.attributes}};
    auto q = db.Prepare("INSERT OR REPLACE INTO wrapup_draft(agent, contact, started_at, held, saved_at, body) "
                        "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
    return q.BindAll(agent, d.contact, d.started_at, d.held ? 1 : 0, d.saved_at ? d.saved_at : Now(), DumpJson(body))
        .Run();
}

namespace {

Result<Draft> DraftFrom(const std::string& body, std::int64_t saved_at, bool held)
{
    Draft d;
    d.saved_at = saved_at;
    d.held = held;
    try {
        const auto j = json::parse(body);
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
        return Error{ErrorKind::Corrupt, std::string("a saved wrap-up cannot be read: ") + e.what()};
    }
    return d;
}

} // namespace

Result<std::vector<Draft>> LoadDrafts(store::Database& db, const std::string& agent)
{
    auto q = db.Prepare("SELECT saved_at, held, body FROM wrapup_draft WHERE agent = ?1 "
                        "ORDER BY held, CASE held WHEN 0 THEN -saved_at ELSE started_at END");
    q.Bind(1, agent);
    std::vector<Draft> out;
    for (;;) {
        auto row = q.Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            break;
        auto d = DraftFrom(q.Text(2), q.Int(0), q.Int(1) != 0);
        if (!d)
            return d.Err();
        // Only one is being typed: any other left unheld by a crash waits too.
        d.Value().held = d.Value().held || !out.empty();
        out.push_back(std::move(d).Value());
    }
    return out;
}

Result<void> HoldDraft(store::Database& db, const std::string& agent, std::int64_t contact, std::int64_t started_at,
                       bool held)
{
    auto q = db.Prepare("UPDATE wrapup_draft SET held = ?4 WHERE agent = ?1 AND contact = ?2 AND started_at = ?3");
    return q.BindAll(agent, contact, started_at, held ? 1 : 0).Run();
}

Result<void> ClearDraft(store::Database& db, const std::string& agent, std::int64_t contact, std::int64_t started_at)
{
    auto q = db.Prepare("DELETE FROM wrapup_draft WHERE agent = ?1 AND contact = ?2 AND started_at = ?3");
    return q.BindAll(agent, contact, started_at).Run();
}

} // namespace civic::sync
