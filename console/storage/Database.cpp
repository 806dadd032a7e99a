#include <civic/store/Database.h>

#include <sqlite3.h>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace civic::store {
namespace {

// Below this much free space a write that failed is taken for a full disk.
constexpr std::uintmax_t kDiskFullBytes = 1024 * 1024;

ErrorKind KindFor(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ErrorKind::Corrupt;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ErrorKind::Busy;
    case SQLITE_CONSTRAINT:
        return ErrorKind::Constraint;
    case SQLITE_NOTFOUND:
        return ErrorKind::NotFound;
    default:
        return ErrorKind::Io;
    }
}

std::uint32_t ReadBigEndian(const unsigned char* p, int bytes)
{
    std::uint32_t v = 0;
    for (int i = 0; i < bytes; ++i)
        v = (v << 8) | p[i];
    return v;
}

void CallTextFunction(sqlite3_context* ctx, int, sqlite3_value** argv)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    auto* fn = static_cast<std::function<std::string(std::string_view)>*>(sqlite3_user_data(ctx));
    const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    const int n = sqlite3_value_bytes(argv[0]);
    std::string out = (*fn)(std::string_view(p ? p : "", static_cast<size_t>(n)));
    sqlite3_result_text64(ctx, out.data(), out.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}

} // namespace

Result<void> ValidateFileHeader(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return Ok();
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return Error{ErrorKind::Io, path.string() + ": " + ec.message()};
    if (size == 0)
        return Error{ErrorKind::Corrupt, path.string() +
                                             " is empty (0 bytes): it was cut short or replaced. An empty "
                                             "store is started only where no file exists"};

    std::ifstream in(path, std::ios::binary);
    std::array<unsigned char, 100> header{};
    in.read(reinterpret_cast<char*>(header.data()), header.size());
    if (!in && size >= header.size())
        return Error{ErrorKind::Io, path.string() + ": cannot be read"};

    static constexpr char kMagic[] = "SQLite format 3";
    if (size < header.size() ||
        std::string_view(reinterpret_cast<const char*>(header.data()), 15) != kMagic)
        return Error{ErrorKind::Corrupt,
                     path.string() + " is not an SQLite database (damaged or replaced)"};

    std::uint64_t page_size = ReadBigEndian(&header[16], 2);
    if (page_size == 1)
        page_size = 65536;
    if (page_size < 512 || (page_size & (page_size - 1)) != 0)
        return Error{ErrorKind::Corrupt, path.string() + " has a damaged header (page size)"};

    // The in-header page count is only trustworthy when the version-valid-for
    // number matches the change counter (see SQLite's file format, section 1.3.7).
    const std::uint32_t change_counter = ReadBigEndian(&header[24], 4);
    const std::uint32_t valid_for = ReadBigEndian(&header[92], 4);
    const std::uint64_t pages = ReadBigEndian(&header[28], 4);
    if (pages != 0 && change_counter == valid_for && size < pages * page_size)
        return Error{ErrorKind::Corrupt,
                     path.string() + " is truncated: it should hold " +
                         std::to_string(pages * page_size) + " bytes but has " +
                         std::to_string(size)};
    if (size % page_size != 0)
        return Error{ErrorKind::Corrupt,
                     path.string() + " is truncated: its size is not a whole number of pages"};
    return Ok();
}

// ---- Query ------------------------------------------------------------------

Query::Query(Database& db, sqlite3_stmt* stmt, bool cached)
    : m_db(&db), m_stmt(stmt), m_cached(cached)
{
}

Query::Query(Query&& other) noexcept
    : m_db(other.m_db), m_stmt(other.m_stmt), m_cached(other.m_cached)
{
    other.m_stmt = nullptr;
}

Query::~Query()
{
    if (!m_stmt)
        return;
    if (m_cached)
        m_db->Release(m_stmt);
    else
        sqlite3_finalize(m_stmt);
}

Query& Query::Bind(int index, std::int64_t value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Query& Query::Bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Query& Query::Bind(int index, std::string_view text)
{
    sqlite3_bind_text64(m_stmt, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
    return *this;
}

Query& Query::BindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

Query& Query::BindBlob(int index, std::span<const std::byte> data)
{
    sqlite3_bind_blob64(m_stmt, index, data.data(), data.size(), SQLITE_TRANSIENT);
    return *this;
}

Result<bool> Query::Step()
{
    m_db->m_thread.AssertOnOwner();
    if (m_db->m_damaged && !sqlite3_stmt_readonly(m_stmt))
        return m_db->RefuseWrite();
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    return m_db->LastError(KindFor(rc), sqlite3_sql(m_stmt));
}

Result<void> Query::Run()
{
    for (;;) {
        auto row = Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            return Ok();
    }
}

Result<void> Query::ForEach(const std::function<void(Query&)>& fn)
{
    for (;;) {
        auto row = Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            return Ok();
        fn(*this);
    }
}

std::int64_t Query::Int(int column) const { return sqlite3_column_int64(m_stmt, column); }
double Query::Real(int column) const { return sqlite3_column_double(m_stmt, column); }

std::string Query::Text(int column) const
{
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string();
}

std::string_view Query::TextView(int column) const
{
    const auto* p = sqlite3_column_text(m_stmt, column);
    const int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string_view(reinterpret_cast<const char*>(p), static_cast<size_t>(n)) : std::string_view();
}

std::optional<std::string> Query::OptText(int column) const
{
    if (IsNull(column))
        return std::nullopt;
    return Text(column);
}

bool Query::IsNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

int Query::ColumnCount() const { return sqlite3_column_count(m_stmt); }

// ---- Database ---------------------------------------------------------------

Database::Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}

namespace {

// Database files this process has open, and how many times. POSIX drops every
// lock a process holds on a file when any descriptor of it is closed; reading
// the header of a file SQLite already has open would silently unlock the
// other connection, and another process could then delete its WAL. So the
// header is read only before the first connection opens the file.
// Never destroyed: a Database closed during static destruction (a test
// harness, a plugin's static) would otherwise use them after their end.
struct OpenFiles
{
    std::mutex mutex;
    std::map<std::string, int> count;
};

OpenFiles& Registry()
{
    static auto* files = new OpenFiles;
    return *files;
}

std::string OpenKey(const std::filesystem::path& path)
{
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    return (ec ? path : canonical).string();
}

bool IsOpenInThisProcess(const std::string& key)
{
    std::lock_guard lock(Registry().mutex);
    auto it = Registry().count.find(key);
    return it != Registry().count.end() && it->second > 0;
}

// Start-up reads every page of a small store to find a damaged one before
// anything is written; a large store is read for this long, then left to
// SQLite's own checks as each page is used (Database::LastError).
constexpr auto kQuickCheckBudget = std::chrono::milliseconds(250);

// Why the operating system refused a file: the folder or the file may not be
// written by this user, or the disk is full. Never "damaged": that advice
// would have people throw good data away.
Error DescribeIo(const std::filesystem::path& path, ErrorKind kind, std::string detail)
{
    if (detail.rfind(path.string() + ": ", 0) == 0) // named once, at the start
        detail = detail.substr(path.string().size() + 2);
    const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    std::error_code ec;
    const bool file_exists = std::filesystem::exists(path, ec);
    if (::access(dir.c_str(), W_OK) != 0 || (file_exists && ::access(path.c_str(), W_OK) != 0))
        return Error{ErrorKind::Denied, path.string() + ": this user may not write " +
                                            (file_exists && ::access(dir.c_str(), W_OK) == 0 ? "the file"
                                                                                             : "in " + dir.string()) +
                                            " (" + detail + "); nothing was changed"};
    const auto space = std::filesystem::space(dir, ec);
    if (!ec && space.available < kDiskFullBytes)
        return Error{ErrorKind::Io, path.string() + ": the disk is full (" + std::to_string(space.available / 1024) +
                                        " KB free) (" + detail + "); nothing was changed"};
    return Error{kind, path.string() + ": " + detail};
}

} // namespace

Database::~Database()
{
    m_fts.reset();
    for (auto& [sql, entry] : m_cache)
        sqlite3_finalize(entry.stmt);
    sqlite3_close_v2(m_db);
    if (!m_open_key.empty()) {
        std::lock_guard lock(Registry().mutex);
        if (--Registry().count[m_open_key] <= 0)
            Registry().count.erase(m_open_key);
    }
}

Error Database::LastError(ErrorKind kind, std::string_view context) const
{
    if (kind == ErrorKind::Corrupt)
        m_damaged = true;
    std::string msg = m_path.string() + ": " + sqlite3_errmsg(m_db);
    if (!context.empty())
        msg += " (in: " + std::string(context.substr(0, 120)) + ")";
    return Error{kind, std::move(msg)};
}


Result<std::unique_ptr<Database>> Database::OpenConnection(const std::filesystem::path& path,
                                                           OpenMode mode)
{
    const bool in_memory = path == ":memory:";
    if (!in_memory) {
        if (!IsOpenInThisProcess(OpenKey(path))) {
            if (auto valid = ValidateFileHeader(path); !valid)
                return valid.Err();
        }
        if (mode == OpenMode::ReadOnly && !std::filesystem::exists(path))
            return Error{ErrorKind::NotFound, path.string() + " does not exist"};
    }

    const int flags = (mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY
                                                  : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                      SQLITE_OPEN_NOMUTEX;
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    std::unique_ptr<Database> db(new Database(raw, path));
    if (rc != SQLITE_OK) {
        const Error e = db->LastError(KindFor(rc), "open");
        return e.kind == ErrorKind::Io && mode == OpenMode::ReadWrite ? DescribeIo(path, e.kind, e.message) : e;
    }
    if (!in_memory) {
        db->m_open_key = OpenKey(path);
        std::lock_guard lock(Registry().mutex);
        ++Registry().count[db->m_open_key];
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);
    // SQLite opens a file it may not write read-only without a word; every
    // write would then fail later as something else.
    if (mode == OpenMode::ReadWrite && !in_memory && sqlite3_db_readonly(raw, "main") == 1)
        return DescribeIo(path, ErrorKind::Io, "opened read-only");

    // Read before any write: a damaged file fails here and is left as it was;
    // a folder that may not be written fails here too, and is told as such.
    if (auto probe = db->Exec("SELECT count(*) FROM sqlite_schema"); !probe)
        return probe.Err().kind == ErrorKind::Corrupt ? probe.Err()
                                                      : DescribeIo(path, probe.Err().kind, probe.Err().message);
    return db;
}

Error Database::RefuseWrite() const
{
    return Error{ErrorKind::Corrupt, m_path.string() +
                                         " is damaged: nothing more is written into it. Run \"civicdesk-cli db "
                                         "check\" for details"};
}

Result<void> Database::QuickCheck()
{
    const auto deadline = std::chrono::steady_clock::now() + kQuickCheckBudget;
    sqlite3_progress_handler(
        m_db, 1000,
        [](void* p) { return std::chrono::steady_clock::now() > *static_cast<const decltype(deadline)*>(p) ? 1 : 0; },
        const_cast<void*>(static_cast<const void*>(&deadline)));
    auto q = Prepare("PRAGMA quick_check(3)");
    std::string problems;
    for (;;) {
        auto row = q.Step();
        if (row && row.Value()) {
            // "*** in database main ***\nPage 200: ..." -> "page 200: ..."
            std::string line = q.Text(0);
            if (const auto nl = line.rfind('\n'); nl != std::string::npos)
                line = line.substr(nl + 1);
            if (line != "ok")
                problems += (problems.empty() ? "" : "; ") + line;
            continue;
        }
        // Out of time: the rest is checked as it is read.
        const bool interrupted = !row && (sqlite3_errcode(m_db) & 0xff) == SQLITE_INTERRUPT;
        if (!row && !interrupted && problems.empty())
            problems = sqlite3_errmsg(m_db);
        break;
    }
    sqlite3_progress_handler(m_db, 0, nullptr, nullptr);
    if (problems.empty())
        return Ok();
    m_damaged = true;
    return Error{ErrorKind::Corrupt, m_path.string() + " has a damaged page (" + problems.substr(0, 300) +
                                         "); it has not been changed"};
}

Result<void> Database::Configure(OpenMode mode, const Setup& setup)
{
    if (auto fk = Exec("PRAGMA foreign_keys = ON"); !fk)
        return fk;
    if (setup) {
        if (auto r = setup(*this); !r)
            return r;
    }
    if (mode == OpenMode::ReadOnly)
        return Ok();
    // WAL lets readers on other connections work while the writer commits;
    // synchronous=FULL makes every commit durable across power loss, which the
    // outbox relies on ("nothing an agent typed is ever lost").
    if (m_path != ":memory:") {
        if (auto wal = Exec("PRAGMA journal_mode = WAL"); !wal)
            return wal;
    }
    return Exec("PRAGMA synchronous = FULL");
}

// Opening is the same for both kinds of file but for how a newer schema is
// recognised (refuse) and how steps are applied (migrate).
Result<std::unique_ptr<Database>> Database::OpenWith(const std::filesystem::path& path, OpenMode mode,
                                                     const Setup& setup,
                                                     const std::function<Result<void>(Database&)>& refuse,
                                                     const std::function<Result<void>(Database&)>& migrate)
{
    // Checked once per process, when the file is first opened.
    const bool first = path != ":memory:" && !IsOpenInThisProcess(OpenKey(path));
    auto db = OpenConnection(path, mode);
    if (!db)
        return db.Err();
    if (mode == OpenMode::ReadWrite && first)
        if (auto r = db.Value()->QuickCheck(); !r)
            return r.Err();
    if (auto r = refuse(*db.Value()); !r)
        return r.Err();
    if (auto r = db.Value()->Configure(mode, setup); !r)
        return r.Err().kind == ErrorKind::Io ? DescribeIo(path, r.Err().kind, r.Err().message) : r.Err();
    if (mode == OpenMode::ReadWrite)
        if (auto migrated = migrate(*db.Value()); !migrated)
            return migrated.Err();
    return db;
}

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path,
                                                 std::span<const Migration> migrations,
                                                 OpenMode mode, const Setup& setup)
{
    auto refuse = [&](Database& db) -> Result<void> {
        const int version = db.SchemaVersion();
        const int latest = migrations.empty() ? 0 : migrations.back().version;
        if (version <= latest)
            return Ok();
        return Error{ErrorKind::TooNew,
                     path.string() + " was written by a newer version of CivicDesk (schema " +
                         std::to_string(version) + ", this version knows up to " +
                         std::to_string(latest) + "); it has not been changed"};
    };
    return OpenWith(path, mode, setup, refuse, [&](Database& db) { return db.Migrate(migrations); });
}

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path,
                                                 const Schema& schema, OpenMode mode,
                                                 const Setup& setup)
{
    return OpenWith(
        path, mode, setup, [&](Database& db) { return db.RefuseNewerModules(schema); },
        [&](Database& db) { return db.Migrate(schema); });
}

Result<void> Database::Exec(std::string_view sql)
{
    m_thread.AssertOnOwner();
    if (m_damaged && sql != "ROLLBACK")
        return RefuseWrite();
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return Ok();
    std::string detail = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    if (KindFor(rc) == ErrorKind::Corrupt)
        m_damaged = true;
    return Error{KindFor(rc), m_path.string() + ": " + detail};
}

Query Database::Prepare(std::string_view sql)
{
    m_thread.AssertOnOwner();
    auto it = m_cache.find(sql);
    if (it != m_cache.end() && !it->second.in_use) {
        it->second.in_use = true;
        return Query(*this, it->second.stmt, true);
    }
    sqlite3_stmt* stmt = nullptr;
    const int rc = sqlite3_prepare_v3(m_db, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK)
        throw std::logic_error(std::string("SQL does not prepare: ") + sqlite3_errmsg(m_db) +
                               " in: " + std::string(sql));
    if (it != m_cache.end()) // the cached one is busy (nested use): a one-off copy
        return Query(*this, stmt, false);
    m_cache.emplace(std::string(sql), CachedStatement{stmt, true});
    return Query(*this, stmt, true);
}

void Database::Release(sqlite3_stmt* stmt)
{
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    for (auto& [sql, entry] : m_cache) {
        if (entry.stmt == stmt) {
            entry.in_use = false;
            return;
        }
    }
}

Result<void> Database::RegisterTextFunction(const std::string& name,
                                            std::function<std::string(std::string_view)> fn)
{
    auto* holder = new std::function<std::string(std::string_view)>(std::move(fn));
    const int rc = sqlite3_create_function_v2(
        m_db, name.c_str(), 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, holder, CallTextFunction,
        nullptr, nullptr,
        [](void* p) { delete static_cast<std::function<std::string(std::string_view)>*>(p); });
    if (rc != SQLITE_OK)
        return LastError(ErrorKind::Invalid, "registering function " + name);
    return Ok();
}

int Database::SchemaVersion()
{
    auto q = Prepare("PRAGMA user_version");
    auto row = q.Step();
    return row && row.Value() ? static_cast<int>(q.Int(0)) : 0;
}

CheckReport Database::Check()
{
    CheckReport report;
    report.schema_version = SchemaVersion();
    if (auto modules = ModuleVersions(); modules && !modules->empty()) {
        for (const auto& [module, version] : modules.Value())
            if (!module.empty()) // the single list's old number (Migrate.cpp)
                report.modules.emplace_back(module, version);
        report.schema_version = 0;
    }
    {
        auto q = Prepare("PRAGMA page_count");
        if (auto r = q.Step(); r && r.Value())
            report.page_count = q.Int(0);
    }
    {
        auto q = Prepare("PRAGMA page_size");
        if (auto r = q.Step(); r && r.Value())
            report.page_size = q.Int(0);
    }
    auto q = Prepare("PRAGMA integrity_check(100)");
    for (;;) {
        auto row = q.Step();
        if (!row) {
            report.problems.push_back(row.Err().message);
            break;
        }
        if (!row.Value())
            break;
        auto line = q.Text(0);
        if (line != "ok")
            report.problems.push_back(std::move(line));
    }
    report.ok = report.problems.empty();
    return report;
}

std::int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(m_db); }
int Database::Changes() const { return sqlite3_changes(m_db); }
bool Database::InTransaction() const { return sqlite3_get_autocommit(m_db) == 0; }

// ---- Transaction ------------------------------------------------------------

Transaction::Transaction(Database& db) : m_db(db)
{
    auto begun = m_db.Exec("BEGIN IMMEDIATE");
    m_active = begun.IsOk();
    if (!begun)
        m_begin_error = begun.Err();
}

Transaction::~Transaction()
{
    if (m_active)
        (void)m_db.Exec("ROLLBACK");
}

Result<void> Transaction::Commit()
{
    if (m_begin_error)
        return *m_begin_error;
    if (!m_active)
        return Error{ErrorKind::Invalid, "transaction already finished"};
    auto r = m_db.Exec("COMMIT");
    if (r)
        m_active = false;
    return r;
}

} // namespace civic::store
