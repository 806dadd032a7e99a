#include <civic/core/ConsoleStore.h>

#include <algorithm>

namespace civic {

Result<std::unique_ptr<ConsoleStore>> ConsoleStore::Open(const std::filesystem::path& path, const store::Schema& schema)
{
    std::unique_ptr<ConsoleStore> cs(new ConsoleStore);
    cs->m_path = path;
    cs->m_executor = std::make_unique<SerialExecutor>("civic-store");
    // Opened on the store thread so the connection belongs to it from birth.
    auto opened = cs->m_executor
                      ->Submit([&] { return store::Database::Open(path, schema); })
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

Result<void> Audit(store::Database& db, std::string_view agent, std::string_view action,
                   std::string_view subject, std::string_view detail)
{
    auto q = db.Prepare("INSERT INTO audit_log(at, agent, action, subject, detail) "
                        "VALUES(unixepoch(), ?1, ?2, ?3, ?4)");
    return q.BindAll(agent, action, subject, detail).Run();
}

Result<std::vector<AuditEntry>> ListAudit(store::Database& db, const AuditFilter& filter)
{
    // A merge names both contacts: the merged one as its subject, the one it
    // went into in the detail, as "(12)".
    auto q = db.Prepare("SELECT at, agent, action, subject, detail FROM audit_log "
                        "WHERE at >= ?1 AND (?2 IS NULL OR subject = 'contact:' || ?2 OR "
                        "instr(detail, '(' || ?2 || ')') > 0) ORDER BY id DESC LIMIT ?3");
    q.Bind(1, filter.since);
    if (filter.contact)
        q.Bind(2, *filter.contact);
    else
        q.BindNull(2);
    q.Bind(3, std::max(1, filter.limit));
    std::vector<AuditEntry> out;
    auto r = q.ForEach([&](store::Query& row) {
        out.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4)});
    });
    if (!r)
        return r.Err();
    return out;
}

} // namespace civic
