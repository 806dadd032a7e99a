// Contacts' tables in console.db: contacts, their identifiers and
// memberships, interactions, service requests and their events.
#include <civic/contacts/ContactsSchema.h>

#include "ContactsInternal.h"

#include <array>
#include <string>

namespace civic::contacts {
namespace {

// Channels are data (contacts/Channel.h): the list of channel ids in the
// interaction table's CHECK goes. SQLite cannot drop a constraint; its
// documented way is to rewrite the table's definition in sqlite_schema and
// bump the schema version, which leaves every row and index as they are.
Result<void> DropChannelCheck(store::Database& db)
{
    std::string sql;
    {
        auto table = db.Prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'interaction'");
        if (auto row = table.Step(); !row || !row.Value())
            return row ? Error{ErrorKind::Corrupt, "the interaction table is missing"} : row.Err();
        sql = table.Text(0);
    } // finalized before the schema is written
    const auto check = sql.find("CHECK (channel IN");
    if (check == std::string::npos)
        return Ok(); // already without it
    size_t end = sql.find('(', check);
    for (int depth = 0; end < sql.size(); ++end) {
        depth += sql[end] == '(' ? 1 : sql[end] == ')' ? -1 : 0;
        if (depth == 0)
            break;
    }
    if (end >= sql.size())
        return Error{ErrorKind::Corrupt, "the interaction table's definition cannot be read"};
    sql.erase(check, end - check + 1);
    std::int64_t next = 0;
    {
        auto version = db.Prepare("PRAGMA schema_version");
        if (auto row = version.Step(); !row || !row.Value())
            return row ? Error{ErrorKind::Corrupt, "no schema version"} : row.Err();
        next = version.Int(0) + 1;
    }
    if (auto r = db.Exec("PRAGMA writable_schema = ON"); !r)
        return r;
    Result<void> updated = Ok();
    {
        auto update = db.Prepare("UPDATE sqlite_schema SET sql = ?1 WHERE type = 'table' AND name = 'interaction'");
        updated = update.Bind(1, sql).Run();
    }
    auto bumped = db.Exec("PRAGMA schema_version = " + std::to_string(next));
    if (auto r = db.Exec("PRAGMA writable_schema = OFF"); !r)
        return r;
    return !updated ? updated : bumped;
}

// Append-only: a released step is never edited, only followed.
constexpr std::array<store::Migration, 5> kSteps{{
    {1, R"sql(
-- Contacts: people and organizations (neighborhood associations whose
-- liaisons report for them). A merged contact keeps its row and points at the
-- one it was merged into, so a merge is undone by clearing merged_into.
CREATE TABLE contact (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('person','organization')),
    name        TEXT NOT NULL,
    language    TEXT NOT NULL DEFAULT '',   -- preferred, BCP 47
    needs       TEXT NOT NULL DEFAULT '',   -- interpreter, accessibility
    notes       TEXT NOT NULL DEFAULT '',
    merged_into INTEGER REFERENCES contact(id),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
CREATE INDEX contact_merged ON contact(merged_into) WHERE merged_into IS NOT NULL;

-- Each folded word of a name, for finding by any word's prefix.
CREATE TABLE contact_word (
    word    TEXT NOT NULL,
    contact INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    PRIMARY KEY (word, contact)
) WITHOUT ROWID;
CREATE INDEX contact_word_by_contact ON contact_word(contact);

-- Phone numbers (E.164 with ";ext=" for an extension), e-mail (folded),
-- social handles, postal addresses (NormalizeAddress): value is the
-- comparable form, display what the agent typed. notify: consent to be told
-- of status changes on this channel.
CREATE TABLE identifier (
    id      INTEGER PRIMARY KEY,
    contact INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('phone','email','social','address')),
    value   TEXT NOT NULL,
    display TEXT NOT NULL,
    label   TEXT NOT NULL DEFAULT '',
    notify  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (contact, kind, value)
);
CREATE INDEX identifier_by_value ON identifier(kind, value);

-- Liaisons and members of organizations.
CREATE TABLE membership (
    organization INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    person       INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    role         TEXT NOT NULL DEFAULT 'liaison',
    PRIMARY KEY (organization, person)
) WITHOUT ROWID;
CREATE INDEX membership_by_person ON membership(person);

-- Every contact with the city, on any channel. on_behalf_of: the organization
-- a liaison reported for. source/external_id: where a record from the CRM's
-- history came from, so fetching it again adds nothing.
CREATE TABLE interaction (
    id           INTEGER PRIMARY KEY,
    contact      INTEGER NOT NULL REFERENCES contact(id),
    on_behalf_of INTEGER REFERENCES contact(id),
    channel      TEXT NOT NULL CHECK (channel IN
                 ('phone-in','phone-out','walk-in','web','mobile-app','email','social','mail')),
    at           INTEGER NOT NULL,
    agent        TEXT NOT NULL DEFAULT '',
    talk_s       INTEGER,
    wrap_s       INTEGER,
    summary      TEXT NOT NULL DEFAULT '',
    notes        TEXT NOT NULL DEFAULT '',
    disposition  TEXT NOT NULL DEFAULT '',
    answers      TEXT NOT NULL DEFAULT '',
    source       TEXT NOT NULL DEFAULT 'console',
    external_id  TEXT
);
CREATE INDEX interaction_timeline ON interaction(contact, at, id);
CREATE INDEX interaction_for_org ON interaction(on_behalf_of, at, id) WHERE on_behalf_of IS NOT NULL;
CREATE UNIQUE INDEX interaction_external ON interaction(source, external_id) WHERE external_id IS NOT NULL;

-- Service requests as the CRM reports them, and their status history.
CREATE TABLE service_request (
    id           INTEGER PRIMARY KEY,
    request_id   TEXT UNIQUE,            -- the CRM's service_request_id, once known
    contact      INTEGER REFERENCES contact(id),
    on_behalf_of INTEGER REFERENCES contact(id),
    service_code TEXT NOT NULL DEFAULT '',
    service_name TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT 'open',
    status_notes TEXT NOT NULL DEFAULT '',
    opened_at    INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX request_by_contact ON service_request(contact);
CREATE INDEX request_by_org ON service_request(on_behalf_of) WHERE on_behalf_of IS NOT NULL;

-- contact and on_behalf_of are the request's, copied so a timeline reads its
-- newest events straight off an index however long the history.
CREATE TABLE request_event (
    id           INTEGER PRIMARY KEY,
    request      INTEGER NOT NULL REFERENCES service_request(id) ON DELETE CASCADE,
    contact      INTEGER REFERENCES contact(id),
    on_behalf_of INTEGER REFERENCES contact(id),
    at           INTEGER NOT NULL,
    status       TEXT NOT NULL,
    notes        TEXT NOT NULL DEFAULT '',
    UNIQUE (request, at, status)
);
CREATE INDEX request_event_timeline ON request_event(contact, at, id);
CREATE INDEX request_event_for_org ON request_event(on_behalf_of, at, id) WHERE on_behalf_of IS NOT NULL;

-- The requests an interaction filed or asked about.
CREATE TABLE interaction_request (
    interaction INTEGER NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
    request     INTEGER NOT NULL REFERENCES service_request(id) ON DELETE CASCADE,
    PRIMARY KEY (interaction, request)
) WITHOUT ROWID;
CREATE INDEX interaction_request_by_request ON interaction_request(request);
)sql", nullptr, 2},
    {2, "-- channels are data: no list of them in the interaction table", DropChannelCheck, 8},
    {3, R"sql(
-- Pairs an agent found are not the same person (a household sharing a phone,
-- namesakes at one address): never offered as duplicates again. a < b.
CREATE TABLE contact_distinct (
    a     INTEGER NOT NULL REFERENCES contact(id),
    b     INTEGER NOT NULL REFERENCES contact(id),
    agent TEXT NOT NULL,
    at    INTEGER NOT NULL,
    PRIMARY KEY (a, b),
    CHECK (a < b)
) WITHOUT ROWID;
)sql"},
    {4, "-- rows shared with a center carry ids of their own; writes queue for it (CenterHooks.cpp)",
     detail::CreateCenterHooks},
    {5, R"sql(
-- Visits of people who give no name are counted under one record of this
-- console, not a new nameless contact each time.
ALTER TABLE contact ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX contact_one_anonymous ON contact(anonymous) WHERE anonymous = 1;
)sql"},
}};

} // namespace

store::SchemaModule Schema() { return {"contacts", kSteps}; }

} // namespace civic::contacts
