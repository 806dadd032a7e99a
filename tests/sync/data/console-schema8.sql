-- A console.db as the release before per-module schema steps left it (schema 8),
-- dumped with sqlite3 .dump: three contacts imported and a phone wrap-up filed
-- with that release's civicdesk-cli, then a walk-in wrap-up whose pothole
-- request waits in the outbox, written with sqlite3 in that release's row
-- format. Loaded by SchemaTests.cpp.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings VALUES('agent_name','Sam Lee');
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    kind            TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending','sending','delivered','attention','discarded')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    remote_id       TEXT,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
, interaction INTEGER REFERENCES interaction(id), request INTEGER REFERENCES service_request(id), token TEXT, uncertain INTEGER NOT NULL DEFAULT 0, service_notice TEXT);
INSERT INTO outbox VALUES(1,'legacy-key-0001','service_request','pending',0,0,NULL,NULL,1790000300,1790000300,2,1,NULL,0,NULL);
CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    agent   TEXT NOT NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
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
INSERT INTO contact VALUES(1,'person','Dana Reyes','es','','',NULL,1796124810,1796124810);
INSERT INTO contact VALUES(2,'person','Kim Tran','vi','','',NULL,1796124810,1796124810);
INSERT INTO contact VALUES(3,'person','Point Breeze Civic Association','','','',NULL,1796124810,1796124810);
CREATE TABLE contact_word (
    word    TEXT NOT NULL,
    contact INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    PRIMARY KEY (word, contact)
) WITHOUT ROWID;
INSERT INTO contact_word VALUES('dana',1);
INSERT INTO contact_word VALUES('reyes',1);
INSERT INTO contact_word VALUES('kim',2);
INSERT INTO contact_word VALUES('tran',2);
INSERT INTO contact_word VALUES('association',3);
INSERT INTO contact_word VALUES('breeze',3);
INSERT INTO contact_word VALUES('civic',3);
INSERT INTO contact_word VALUES('point',3);
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
INSERT INTO identifier VALUES(1,1,'phone','+12155550101','(215) 555-0101','',0);
INSERT INTO identifier VALUES(2,1,'email','dana@example.org','dana@example.org','',0);
INSERT INTO identifier VALUES(3,1,'address','1234 N BROAD ST','1234 N Broad St','',0);
INSERT INTO identifier VALUES(4,2,'phone','+12155550102','(215) 555-0102','',0);
INSERT INTO identifier VALUES(5,2,'address','55 MARKET ST','55 Market St','',0);
INSERT INTO identifier VALUES(6,3,'phone','+12155550199','(215) 555-0199','',0);
INSERT INTO identifier VALUES(7,3,'email','pbca@example.org','pbca@example.org','',0);
CREATE TABLE membership (
    organization INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    person       INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    role         TEXT NOT NULL DEFAULT 'liaison',
    PRIMARY KEY (organization, person)
) WITHOUT ROWID;
CREATE TABLE interaction (
    id           INTEGER PRIMARY KEY,
    contact      INTEGER NOT NULL REFERENCES contact(id),
    on_behalf_of INTEGER REFERENCES contact(id),
    channel      TEXT NOT NULL ,
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
INSERT INTO interaction VALUES(1,1,NULL,'phone-in',1790000000,'Dana Reyes',240,6124575,'Trash pickup day','Told caller Tuesday','information only','{"agent":"Dana Reyes","channel":"phone-in","contact":1,"disposition":"information only","ended_at":1790000240,"interpreter":false,"language":"","notes":"Told caller Tuesday","notify":false,"reason":"Trash pickup day","service_name":"","started_at":1790000000}','console',NULL);
INSERT INTO interaction VALUES(2,2,NULL,'walk-in',1790000300,'Sam Lee',NULL,NULL,'Pothole','Deep pothole, right lane','request created','','console',NULL);
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
INSERT INTO service_request VALUES(1,NULL,2,NULL,'POTHOLE','Pothole repair','55 Market St','open','',1790000300,1790000300);
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
CREATE TABLE interaction_request (
    interaction INTEGER NOT NULL REFERENCES interaction(id) ON DELETE CASCADE,
    request     INTEGER NOT NULL REFERENCES service_request(id) ON DELETE CASCADE,
    PRIMARY KEY (interaction, request)
) WITHOUT ROWID;
INSERT INTO interaction_request VALUES(2,1);
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
CREATE TABLE wrapup_draft (
    agent    TEXT PRIMARY KEY,
    saved_at INTEGER NOT NULL,
    body     TEXT NOT NULL        -- JSON of the form's state
) WITHOUT ROWID;
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
CREATE TABLE outbox_inflight (
    round      INTEGER PRIMARY KEY,
    ids        TEXT NOT NULL,
    started_at INTEGER NOT NULL
);
CREATE TABLE outbox_request (
    entry   INTEGER PRIMARY KEY REFERENCES outbox(id),
    payload TEXT NOT NULL       -- {"request": {...}, "service_name": "..."}
);
INSERT INTO outbox_request VALUES(1,'{"request":{"service_code":"POTHOLE","address":"55 Market St","description":"Deep pothole, right lane"},"service_name":"Pothole repair"}');
CREATE INDEX outbox_by_state ON outbox(state, next_attempt_at);
CREATE INDEX contact_merged ON contact(merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX contact_word_by_contact ON contact_word(contact);
CREATE INDEX identifier_by_value ON identifier(kind, value);
CREATE INDEX membership_by_person ON membership(person);
CREATE INDEX interaction_timeline ON interaction(contact, at, id);
CREATE INDEX interaction_for_org ON interaction(on_behalf_of, at, id) WHERE on_behalf_of IS NOT NULL;
CREATE UNIQUE INDEX interaction_external ON interaction(source, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX request_by_contact ON service_request(contact);
CREATE INDEX request_by_org ON service_request(on_behalf_of) WHERE on_behalf_of IS NOT NULL;
CREATE INDEX request_event_timeline ON request_event(contact, at, id);
CREATE INDEX request_event_for_org ON request_event(on_behalf_of, at, id) WHERE on_behalf_of IS NOT NULL;
CREATE INDEX interaction_request_by_request ON interaction_request(request);
CREATE INDEX crm_request_by_service ON crm_request(service_code, status);
CREATE INDEX outbox_awaiting_token ON outbox(id) WHERE token IS NOT NULL AND remote_id IS NULL;
CREATE INDEX outbox_due ON outbox(id) WHERE state = 'pending';
COMMIT;
PRAGMA user_version = 8;
