#include <civic/core/ConsoleStore.h>

#include <array>

namespace civic {
namespace {

// Append-only: a released schema step is never edited, only followed.
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

constexpr std::array<store::Migration, 8> kMigrations{{
    {1, R"sql(
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Everything that must reach the CRM. A row is written in the same transaction
-- as the interaction it belongs to; idempotency_key is generated here and sent
-- with every attempt, so a retry can never file the same request twice.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending','sending','delivered','attention','discarded')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    remote_id       TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX outbox_by_state ON outbox(state, next_attempt_at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    agent   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
)sql"},
    {2, R"sql(
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
)sql"},
    {3, R"sql(
-- Delivery to the CRM. An outbox row is written in the same transaction as
-- the interaction and the (not yet numbered) service request it files.
-- uncertain: an attempt may have reached the CRM without us hearing back
-- (a timeout after the body was sent, a crash mid-request); the next attempt
-- checks with the CRM before filing again.
ALTER TABLE outbox ADD COLUMN interaction INTEGER REFERENCES interaction(id);
ALTER TABLE outbox ADD COLUMN request INTEGER REFERENCES service_request(id);
ALTER TABLE outbox ADD COLUMN token TEXT;
ALTER TABLE outbox ADD COLUMN uncertain INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN service_notice TEXT;

-- The CRM's service catalog, cached so forms work offline.
CREATE TABLE service (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    grp         TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL DEFAULT 'realtime',
    keywords    TEXT NOT NULL DEFAULT '',
    has_definition INTEGER NOT NULL DEFAULT 0,
    definition  TEXT,             -- JSON of its attributes, once fetched
    fetched_at  INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE catalog_state (
    key   TEXT PRIMARY KEY,       -- 'version' (a hash of the catalog), 'fetched_at', 'source'
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The wrap-up being typed, saved as it is typed: a crash or power cut
-- restores it at the next start. One per agent.
CREATE TABLE wrapup_draft (
    agent    TEXT PRIMARY KEY,
    saved_at INTEGER NOT NULL,
    body     TEXT NOT NULL        -- JSON of the form's state
) WITHOUT ROWID;
)sql"},
    {4, R"sql(
-- Requests the CRM lists (anyone's, not only this console's), kept so the
-- wrap-up can show open requests for the same service near the same address
-- before a duplicate is filed, offline too.
CREATE TABLE crm_request (
    request_id   TEXT PRIMARY KEY,
    service_code TEXT NOT NULL DEFAULT '',
    service_name TEXT NOT NULL DEFAULT '',
    status       TEXT NOT NULL DEFAULT '',
    status_notes TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    address_key  TEXT NOT NULL DEFAULT '',  -- the address normalised for matching
    lat          REAL,
    lon          REAL,
    description  TEXT NOT NULL DEFAULT '',
    requested_at INTEGER NOT NULL DEFAULT 0,
    updated_at   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX crm_request_by_service ON crm_request(service_code, status);
)sql"},
    {5, R"sql(
-- Delivered entries still waiting for a token to name their request: looked
-- for every round, among thousands delivered.
CREATE INDEX outbox_awaiting_token ON outbox(id) WHERE token IS NOT NULL AND remote_id IS NULL;
-- The entries waiting to be sent, in the order they were filed (Deliver
-- names it with INDEXED BY).
CREATE INDEX outbox_due ON outbox(id) WHERE state = 'pending';
)sql"},
    {6, R"sql(
-- The entries a delivery round is sending right now, one row per chunk (a
-- JSON array of outbox ids), written and made durable before the first of
-- them leaves and removed with their outcomes. A row still here at start
-- means a process died mid-round: its entries may have reached the CRM.
-- One row per chunk instead of rewriting every entry twice.
CREATE TABLE outbox_inflight (
    round      INTEGER PRIMARY KEY,
    ids        TEXT NOT NULL,
    started_at INTEGER NOT NULL
);
)sql"},
    {7, R"sql(
-- What each entry sends, apart from its bookkeeping: delivery rewrites an
-- entry's row at least once, and the status bar counts them; neither should
-- carry the request text along.
CREATE TABLE outbox_request (
    entry   INTEGER PRIMARY KEY REFERENCES outbox(id),
    payload TEXT NOT NULL       -- {"request": {...}, "service_name": "..."}
);
INSERT INTO outbox_request(entry, payload) SELECT id, payload FROM outbox;
ALTER TABLE outbox DROP COLUMN payload;
)sql"},
    {8, "-- channels are data: no list of them in the interaction table", DropChannelCheck},
}};

} // namespace

std::span<const store::Migration> ConsoleStore::Migrations() { return kMigrations; }

Result<std::unique_ptr<ConsoleStore>> ConsoleStore::Open(const std::filesystem::path& path)
{
    std::unique_ptr<ConsoleStore> cs(new ConsoleStore);
    cs->m_path = path;
    cs->m_executor = std::make_unique<SerialExecutor>("civic-store");
    // Opened on the store thread so the connection belongs to it from birth.
    auto opened = cs->m_executor
                      ->Submit([&path] { return store::Database::Open(path, kMigrations); })
                      .get();
    if (!opened)
        return opened.Err();
    cs->m_db = std::move(opened).Value();
    return cs;
}

ConsoleStore::~ConsoleStore()
{
    if (m_executor && m_db)
        m_executor->Post([this] { m_db.reset(); });
    m_executor.reset(); // joins after the close above
}

void ConsoleStore::Post(std::function<void(store::Database&)> fn)
{
    m_executor->Post([this, fn = std::move(fn)] { fn(*m_db); });
}

Result<OutboxCounts> CountOutbox(store::Database& db)
{
    // Through the state index: the delivered entries, which pile up, are not read.
    auto q = db.Prepare("SELECT (SELECT count(*) FROM outbox WHERE state IN ('pending','sending')), "
                        "(SELECT count(*) FROM outbox WHERE state = 'attention')");
    auto row = q.Step();
    if (!row)
        return row.Err();
    return OutboxCounts{static_cast<int>(q.Int(0)), static_cast<int>(q.Int(1))};
}

Result<int> CountPendingOutbox(store::Database& db)
{
    auto counts = CountOutbox(db);
    if (!counts)
        return counts.Err();
    return counts->waiting + counts->attention;
}

Result<void> Audit(store::Database& db, std::string_view agent, std::string_view action,
                   std::string_view subject, std::string_view detail)
{
    auto q = db.Prepare("INSERT INTO audit_log(at, agent, action, subject, detail) "
                        "VALUES(unixepoch(), ?1, ?2, ?3, ?4)");
    return q.BindAll(agent, action, subject, detail).Run();
}

} // namespace civic
