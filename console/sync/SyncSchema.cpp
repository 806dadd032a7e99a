// Sync's tables in console.db: the outbox and what delivery keeps with it,
// the cached service catalog, wrap-up drafts, the CRM's requests.
#include <civic/sync/ConsoleSchema.h>

#include <civic/contacts/ContactsSchema.h>
#include <civic/core/CoreSchema.h>

#include <array>

namespace civic::sync {
namespace {

// Append-only: a released step is never edited, only followed.
constexpr std::array<store::Migration, 8> kSteps{{
    {1, R"sql(
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
)sql", nullptr, 1},
    {2, R"sql(
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
)sql", nullptr, 3},
    {3, R"sql(
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
)sql", nullptr, 4},
    {4, R"sql(
-- Delivered entries still waiting for a token to name their request: looked
-- for every round, among thousands delivered.
CREATE INDEX outbox_awaiting_token ON outbox(id) WHERE token IS NOT NULL AND remote_id IS NULL;
-- The entries waiting to be sent, in the order they were filed (Deliver
-- names it with INDEXED BY).
CREATE INDEX outbox_due ON outbox(id) WHERE state = 'pending';
)sql", nullptr, 5},
    {5, R"sql(
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
)sql", nullptr, 6},
    {6, R"sql(
-- What each entry sends, apart from its bookkeeping: delivery rewrites an
-- entry's row at least once, and the status bar counts them; neither should
-- carry the request text along.
CREATE TABLE outbox_request (
    entry   INTEGER PRIMARY KEY REFERENCES outbox(id),
    payload TEXT NOT NULL       -- {"request": {...}, "service_name": "..."}
);
INSERT INTO outbox_request(entry, payload) SELECT id, payload FROM outbox;
ALTER TABLE outbox DROP COLUMN payload;
)sql", nullptr, 7},
    {7, R"sql(
-- Which process delivers a round in flight ("pid:start time"): a process
-- starting up releases only the rounds of processes no longer running, so a
-- flush started beside a delivering console does not send the console's
-- round a second time. Rounds of an earlier release name no one.
ALTER TABLE outbox_inflight ADD COLUMN owner TEXT NOT NULL DEFAULT '';
)sql"},
    {8, R"sql(
-- Several unfinished wrap-ups per agent: a screen pop in the middle of one
-- holds it aside (held = 1) and the next call starts clean. A call is its
-- contact and the second it started; the one being typed has held = 0.
CREATE TABLE wrapup_draft_by_call (
    agent      TEXT NOT NULL,
    contact    INTEGER NOT NULL,
    started_at INTEGER NOT NULL,
    held       INTEGER NOT NULL DEFAULT 0,
    saved_at   INTEGER NOT NULL,
    body       TEXT NOT NULL,     -- JSON of the form's state
    PRIMARY KEY (agent, contact, started_at)
) WITHOUT ROWID;
INSERT INTO wrapup_draft_by_call(agent, contact, started_at, held, saved_at, body)
    SELECT agent, COALESCE(json_extract(body, '$.contact'), 0), COALESCE(json_extract(body, '$.started_at'), 0),
           0, saved_at, body
    FROM wrapup_draft WHERE json_valid(body);
DROP TABLE wrapup_draft;
ALTER TABLE wrapup_draft_by_call RENAME TO wrapup_draft;
)sql"},
}};

} // namespace

store::SchemaModule Schema() { return {"sync", kSteps}; }

store::Schema ConsoleSchema() { return {CoreSchema(), contacts::Schema(), Schema()}; }

} // namespace civic::sync
