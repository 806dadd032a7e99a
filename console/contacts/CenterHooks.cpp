// The local side of a center (console/center): every row the center shares
// gets an id of its own made here (uid: 32 hex digits, the same at every
// seat), and every write to those rows queues a change for the center in
// the same transaction as the write, by trigger, so that no write path,
// present or future, can record something the center never hears of. The
// queue fills only while the store is joined to a center (center_link has
// its row) and not while the center's own changes are being applied here
// (center_applying has a row, only inside that transaction).
#include "ContactsInternal.h"

#include <civic/contacts/ContactsSchema.h>

#include <civic/store/Database.h>

#include <string>
#include <vector>

namespace civic::contacts::detail {

namespace {

// Milliseconds since the epoch, in SQL: the order of edits at one seat.
constexpr const char* kNowMs = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)";
constexpr const char* kQueued = "EXISTS (SELECT 1 FROM center_link) AND NOT EXISTS (SELECT 1 FROM center_applying)";
constexpr const char* kNewUid = "lower(hex(randomblob(16)))";

std::string UidOf(const std::string& table, const std::string& column)
{
    return "(SELECT x.uid FROM " + table + " x WHERE x.id = " + column + ")";
}

// A change of `entity` whose body is `body` (SQL, reading row r of table
// `table` once it has its uid), after the row `key` names was written.
std::string Queue(const std::string& entity, const std::string& table, const std::string& key, const std::string& op,
                  const std::string& body)
{
    return "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT '" + entity + "', r.uid, '" + op +
           "', " + body + ", " + kNowMs + " FROM " + table + " r WHERE r.id = " + key + ";\n";
}

// The row as the center carries it: references to other rows by their uid.
std::string ContactBody()
{
    return "json_object('kind', r.kind, 'name', r.name, 'language', r.language, 'needs', r.needs, 'notes', r.notes, "
           "'merged_into', " +
           UidOf("contact", "r.merged_into") + ", 'created_at', r.created_at, 'updated_at', r.updated_at)";
}

std::string IdentifierBody()
{
    return "json_object('contact', " + UidOf("contact", "r.contact") +
           ", 'kind', r.kind, 'value', r.value, 'display', r.display, 'label', r.label, 'notify', r.notify)";
}

std::string InteractionBody()
{
    return "json_object('contact', " + UidOf("contact", "r.contact") + ", 'on_behalf_of', " +
           UidOf("contact", "r.on_behalf_of") +
           ", 'channel', r.channel, 'at', r.at, 'agent', r.agent, 'talk_s', r.talk_s, 'wrap_s', r.wrap_s, "
           "'summary', r.summary, 'notes', r.notes, 'disposition', r.disposition, 'answers', r.answers, "
           "'source', r.source, 'external_id', r.external_id, 'requests', (SELECT json_group_array(s.uid) FROM "
           "interaction_request l JOIN service_request s ON s.id = l.request WHERE l.interaction = r.id))";
}

std::string RequestBody()
{
    return "json_object('request_id', r.request_id, 'contact', " + UidOf("contact", "r.contact") +
           ", 'on_behalf_of', " + UidOf("contact", "r.on_behalf_of") +
           ", 'service_code', r.service_code, 'service_name', r.service_name, 'address', r.address, "
           "'status', r.status, 'status_notes', r.status_notes, 'opened_at', r.opened_at, 'updated_at', r.updated_at)";
}

std::string EventBody()
{
    return "json_object('request', " + UidOf("service_request", "r.request") +
           ", 'at', r.at, 'status', r.status, 'notes', r.notes)";
}

// Only the fields an update changed, so that two seats editing different
// fields of one contact both keep their edit.
std::string ContactChangedFields()
{
    const char* fields[] = {"kind", "name", "language", "needs", "notes"};
    std::string body = "'{}'";
    for (const char* f : fields)
        body = "json_patch(" + body + ", CASE WHEN NEW." + f + " IS NOT OLD." + f + " THEN json_object('" + f +
               "', NEW." + f + ") ELSE '{}' END)";
    // merged_into may become null (an unmerge): json_patch would drop a null, so it is a string then.
    body = "json_patch(" + body +
           ", CASE WHEN NEW.merged_into IS NOT OLD.merged_into THEN json_object('merged_into', "
           "COALESCE(" + UidOf("contact", "NEW.merged_into") + ", '')) ELSE '{}' END)";
    return "json_set(" + body + ", '$.updated_at', NEW.updated_at)";
}

// The rows every seat shares, with how each is written to the queue.
struct Shared
{
    const char* table;
    std::string (*body)();
};

} // namespace

Result<void> CreateCenterHooks(store::Database& db)
{
    std::string sql = R"sql(
-- The center this store is joined to (console/center): one row, or none.
-- cursor: how far the center's change log has been read, as (transaction,
-- sequence) of the last change applied.
CREATE TABLE center_link (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    url           TEXT NOT NULL,
    seat          TEXT NOT NULL,
    joined_at     INTEGER NOT NULL,
    cursor_xid    TEXT NOT NULL DEFAULT '0',
    cursor_seq    INTEGER NOT NULL DEFAULT 0,
    uploaded      INTEGER NOT NULL DEFAULT 0,
    last_round_at INTEGER,
    last_pull_at  INTEGER,
    last_error    TEXT NOT NULL DEFAULT ''
);
-- What this seat wrote and the center has not yet acknowledged. uid: the
-- change's own id, which makes sending it twice the same as once.
CREATE TABLE center_queue (
    seq        INTEGER PRIMARY KEY,
    uid        TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    entity     TEXT NOT NULL,
    entity_uid TEXT NOT NULL,
    op         TEXT NOT NULL,
    body       TEXT NOT NULL,
    at         INTEGER NOT NULL
);
-- Holds a row only inside a transaction applying the center's changes.
CREATE TABLE center_applying (x INTEGER);
-- A contact's fields as last set: by which change, when. The later edit wins
-- field by field; the earlier stays in the contact's history.
CREATE TABLE center_field (
    entity_uid TEXT NOT NULL,
    field      TEXT NOT NULL,
    at         INTEGER NOT NULL,
    change     TEXT NOT NULL,
    PRIMARY KEY (entity_uid, field)
) WITHOUT ROWID;
-- Changes from the center that name a row not here yet: applied once it is.
CREATE TABLE center_parked (
    uid        TEXT PRIMARY KEY,
    entity     TEXT NOT NULL,
    entity_uid TEXT NOT NULL,
    op         TEXT NOT NULL,
    body       TEXT NOT NULL,
    at         INTEGER NOT NULL,
    seat       TEXT NOT NULL
) WITHOUT ROWID;
)sql";
    const Shared shared[] = {{"contact", ContactBody},
                             {"identifier", IdentifierBody},
                             {"interaction", InteractionBody},
                             {"service_request", RequestBody},
                             {"request_event", EventBody}};
    for (const auto& [table, body] : shared) {
        const std::string t = table;
        sql += "ALTER TABLE " + t + " ADD COLUMN uid TEXT;\n";
        sql += "UPDATE " + t + " SET uid = " + kNewUid + ";\n";
        sql += "CREATE UNIQUE INDEX " + t + "_uid ON " + t + "(uid);\n";
        // A new row gets its uid and is queued whole.
        sql += "CREATE TRIGGER " + t + "_center_insert AFTER INSERT ON " + t + " BEGIN\n" + "UPDATE " + t +
               " SET uid = " + kNewUid + " WHERE id = NEW.id AND uid IS NULL;\n" + Queue(t, t, "NEW.id AND " + std::string(kQueued), "put", body()) + "END;\n";
    }
    // Updates: a contact by the fields changed, the others whole.
    // Each field it changed is marked as set by this change, so an older
    // edit of it from another seat does not undo it here.
    std::string fields_set;
    for (const char* f : {"kind", "name", "language", "needs", "notes", "merged_into"})
        fields_set += std::string("INSERT OR REPLACE INTO center_field(entity_uid, field, at, change) SELECT NEW.uid, '") +
                      f + "', q.at, q.uid FROM center_queue q WHERE q.seq = last_insert_rowid() AND NEW." + f +
                      " IS NOT OLD." + f + ";\n";
    sql += std::string("CREATE TRIGGER contact_center_update AFTER UPDATE OF kind, name, language, needs, notes, "
                       "merged_into ON contact WHEN ") +
           kQueued + " BEGIN\n" + Queue("contact", "contact", "NEW.id", "edit", ContactChangedFields()) +
           fields_set + "END;\n";
    const Shared whole[] = {{"identifier", IdentifierBody},
                            {"interaction", InteractionBody},
                            {"service_request", RequestBody}};
    for (const auto& [table, body] : whole) {
        const std::string t = table;
        sql += "CREATE TRIGGER " + t + "_center_update AFTER UPDATE ON " + t + " WHEN " + kQueued +
               " AND NEW.uid IS OLD.uid BEGIN\n" + Queue(t, t, "NEW.id", "put", body()) + "END;\n";
    }
    // An identifier removed: by its uid, and by what it was, for a seat that
    // holds the same identifier under an id of its own.
    sql += std::string("CREATE TRIGGER identifier_center_delete AFTER DELETE ON identifier WHEN ") + kQueued +
           " BEGIN\nINSERT INTO center_queue(entity, entity_uid, op, body, at) VALUES('identifier', OLD.uid, "
           "'delete', json_object('contact', " +
           UidOf("contact", "OLD.contact") + ", 'kind', OLD.kind, 'value', OLD.value), " + kNowMs + ");\nEND;\n";
    // Liaisons: a membership is its two contacts.
    const std::string pair = UidOf("contact", "NEW.organization") + " || ':' || " + UidOf("contact", "NEW.person");
    sql += std::string("CREATE TRIGGER membership_center_insert AFTER INSERT ON membership WHEN ") + kQueued +
           " BEGIN\nINSERT INTO center_queue(entity, entity_uid, op, body, at) VALUES('membership', " + pair +
           ", 'put', json_object('organization', " + UidOf("contact", "NEW.organization") + ", 'person', " +
           UidOf("contact", "NEW.person") + ", 'role', NEW.role), " + kNowMs + ");\nEND;\n";
    const std::string old_pair = UidOf("contact", "OLD.organization") + " || ':' || " + UidOf("contact", "OLD.person");
    sql += std::string("CREATE TRIGGER membership_center_delete AFTER DELETE ON membership WHEN ") + kQueued +
           " BEGIN\nINSERT INTO center_queue(entity, entity_uid, op, body, at) VALUES('membership', " + old_pair +
           ", 'delete', json_object('organization', " + UidOf("contact", "OLD.organization") + ", 'person', " +
           UidOf("contact", "OLD.person") + "), " + kNowMs + ");\nEND;\n";
    // A request linked to an interaction after the fact: the interaction again.
    sql += std::string("CREATE TRIGGER interaction_request_center AFTER INSERT ON interaction_request WHEN ") +
           kQueued + " BEGIN\n" + Queue("interaction", "interaction", "NEW.interaction", "put", InteractionBody()) +
           "END;\n";
    return db.Exec(sql);
}

} // namespace civic::contacts::detail

namespace civic::contacts {

using namespace detail;

Result<std::int64_t> QueueHistoryForCenter(store::Database& db)
{
    // Contacts that are not merged first, so that a merged one finds the one
    // it points at; what still names a row not sent yet waits at the other
    // seats until it arrives (center_parked).
    const std::string now = kNowMs;
    const std::string sql =
        "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT 'contact', r.uid, 'put', " + ContactBody() +
        ", " + now + " FROM contact r ORDER BY r.merged_into IS NOT NULL, r.id;\n"
        "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT 'identifier', r.uid, 'put', " +
        IdentifierBody() + ", " + now + " FROM identifier r ORDER BY r.id;\n"
        "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT 'membership', " +
        UidOf("contact", "r.organization") + " || ':' || " + UidOf("contact", "r.person") +
        ", 'put', json_object('organization', " + UidOf("contact", "r.organization") + ", 'person', " +
        UidOf("contact", "r.person") + ", 'role', r.role), " + now + " FROM membership r;\n"
        "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT 'service_request', r.uid, 'put', " +
        RequestBody() + ", " + now + " FROM service_request r ORDER BY r.id;\n"
        "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT 'request_event', r.uid, 'put', " +
        EventBody() + ", " + now + " FROM request_event r ORDER BY r.id;\n"
        "INSERT INTO center_queue(entity, entity_uid, op, body, at) SELECT 'interaction', r.uid, 'put', " +
        InteractionBody() + ", " + now + " FROM interaction r ORDER BY r.id;\n";
    auto before = db.Prepare("SELECT COALESCE(max(seq), 0) FROM center_queue");
    auto row = before.Step();
    if (!row)
        return row.Err();
    const std::int64_t from = before.Int(0);
    if (auto r = db.Exec(sql); !r)
        return r.Err();
    auto after = db.Prepare("SELECT count(*) FROM center_queue WHERE seq > ?1");
    auto n = after.Bind(1, from).Step();
    if (!n)
        return n.Err();
    return after.Int(0);
}

} // namespace civic::contacts
