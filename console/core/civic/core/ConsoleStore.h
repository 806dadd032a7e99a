// ConsoleStore: the console's own database (console.db — the tables of the
// modules its schema lists, sync::ConsoleSchema()) and the one thread that uses it.
//
// Every access runs on the store's SerialExecutor, so the UI thread never runs
// SQL. Open() blocks: it is for start-up and the CLI, before any window exists.
#pragma once
#include <string>
#include <vector>
#include <optional>

#include <civic/Result.h>
#include <civic/core/Executor.h>
#include <civic/store/Database.h>

#include <cassert>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>

namespace civic {

class ConsoleStore
{
public:
    // Errors: as store::Database::Open (Corrupt, TooNew, Io, Busy).
    static Result<std::unique_ptr<ConsoleStore>> Open(const std::filesystem::path& path,
                                                      const store::Schema& schema);
    // Runs what is queued, then closes the database on its own thread.
    ~ConsoleStore();

    // Runs fn on the store thread, in posting order.
    void Post(std::function<void(store::Database&)> fn);

    // As Post, with a future for the result; for callers allowed to block.
    template <class F>
    auto Submit(F fn)
    {
        return m_executor->Submit([this, fn = std::move(fn)]() mutable { return fn(*m_db); });
    }

    SerialExecutor& Executor() { return *m_executor; }

    // The connection itself, for code already running on the store thread
    // (asserted in debug builds).
    store::Database& Db()
    {
        assert(m_executor->IsCurrent());
        return *m_db;
    }
    const std::filesystem::path& Path() const { return m_path; }

private:
    ConsoleStore() = default;

    std::filesystem::path m_path;
    std::unique_ptr<store::Database> m_db;            // used on m_executor only
    std::unique_ptr<SerialExecutor> m_executor;
};

// Appends to the audit log (who did what to which record, and when).
Result<void> Audit(store::Database& db, std::string_view agent, std::string_view action,
                   std::string_view subject, std::string_view detail);

struct AuditEntry
{
    std::int64_t at = 0; // unix seconds
    std::string agent;
    std::string action;  // "contact.merge", "contact.unmerge", "contact.distinct", ...
    std::string subject; // "contact:12"
    std::string detail;
};
struct AuditFilter
{
    std::optional<std::int64_t> contact; // entries about this contact (its subject, or named in the detail)
    std::int64_t since = 0;              // unix seconds; 0: from the start
    int limit = 500;
};
// The audit log, newest first.
Result<std::vector<AuditEntry>> ListAudit(store::Database& db, const AuditFilter& filter);

} // namespace civic
