#include <civic/core/ConsoleStore.h>

#include <array>

namespace civic {
namespace {

// Append-only: a released schema step is never edited, only followed.
constexpr std::array<store::Migration, 1> kMigrations{{
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

Result<int> CountPendingOutbox(store::Database& db)
{
    auto q = db.Prepare(
        "SELECT count(*) FROM outbox WHERE state IN ('pending','sending','attention')");
    auto row = q.Step();
    if (!row)
        return row.Err();
    return static_cast<int>(q.Int(0));
}

Result<void> Audit(store::Database& db, std::string_view agent, std::string_view action,
                   std::string_view subject, std::string_view detail)
{
    auto q = db.Prepare("INSERT INTO audit_log(at, agent, action, subject, detail) "
                        "VALUES(unixepoch(), ?1, ?2, ?3, ?4)");
    return q.BindAll(agent, action, subject, detail).Run();
}

} // namespace civic
