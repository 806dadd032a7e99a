// civic::store — the local SQLite store.
//
// A Database is one connection. It is not thread-safe: it belongs to the thread
// that opened it (in the console, the core's database executor) and asserts so
// in debug builds. Open() validates the file before writing anything, so a
// corrupt database or one from a newer version is reported and left untouched.
#pragma once

#include <civic/Result.h>
#include <civic/ThreadCheck.h>
#include <civic/store/TextIndex.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace civic::store {

class Database;

// One numbered step of a schema. Steps run in order, each in its own
// transaction. In a file one owner migrates, PRAGMA user_version records the
// last step applied; in a file shared by modules (SchemaModule), the table
// schema_module records each module's.
struct Migration
{
    int version;
    std::string_view sql;
    // What SQL alone cannot say (rewriting a table's definition): runs after
    // sql, in the same transaction.
    Result<void> (*run)(Database& db) = nullptr;
    // For a step that predates per-module numbering: its number in the file's
    // single sequence then, so a file migrated that way is taken up where it
    // stopped. 0 for a step added since.
    int legacy = 0;
};

// One module's own tables in a file several modules share: its steps,
// numbered by the module alone, so adding a table to one module touches no
// other module's list.
struct SchemaModule
{
    std::string_view name;
    std::span<const Migration> steps;
};

// The modules sharing one file, in the order their steps run: a module after
// those whose tables it references.
using Schema = std::vector<SchemaModule>;

// A prepared statement borrowed from the connection's cache. Bind indexes are
// 1-based as in SQLite; column indexes are 0-based. Destroying the Query resets
// it and clears its bindings so the cached statement is ready for the next use.
class Query
{
public:
    Query(Query&& other) noexcept;
    Query& operator=(Query&&) = delete;
    ~Query();

    Query& Bind(int index, std::int64_t value);
    Query& Bind(int index, int value) { return Bind(index, static_cast<std::int64_t>(value)); }
    Query& Bind(int index, double value);
    Query& Bind(int index, std::string_view text);
    Query& Bind(int index, const char* text) { return Bind(index, std::string_view(text)); }
    Query& Bind(int index, const std::string& text) { return Bind(index, std::string_view(text)); }
    Query& BindNull(int index);
    Query& BindBlob(int index, std::span<const std::byte> data);
    template <class T>
    Query& Bind(int index, const std::optional<T>& value)
    {
        return value ? Bind(index, *value) : BindNull(index);
    }
    // Binds each argument in order, starting at index 1.
    template <class... A>
    Query& BindAll(const A&... args)
    {
        int i = 0;
        (Bind(++i, args), ...);
        return *this;
    }

    // Advances one row: true when a row is ready, false when done.
    Result<bool> Step();
    // Steps to the end, for statements that return no rows.
    Result<void> Run();
    // Calls fn with this query positioned on each row, in order.
    Result<void> ForEach(const std::function<void(Query&)>& fn);

    std::int64_t Int(int column) const;
    double Real(int column) const;
    std::string Text(int column) const;
    // Without a copy; valid until the query steps again.
    std::string_view TextView(int column) const;
    std::optional<std::string> OptText(int column) const;
    bool IsNull(int column) const;
    int ColumnCount() const;

private:
    friend class Database;
    Query(Database& db, sqlite3_stmt* stmt, bool cached);

    Database* m_db;
    sqlite3_stmt* m_stmt;
    bool m_cached;
};

enum class OpenMode
{
    ReadWrite, // create if missing, apply migrations
    ReadOnly,  // inspect only: no migrations, nothing written (used by `db check`)
};

struct CheckReport
{
    bool ok = false;
    std::vector<std::string> problems; // as reported by PRAGMA integrity_check
    int schema_version = 0; // a single-owner file's user_version
    std::vector<std::pair<std::string, int>> modules; // a shared file's modules and their versions
    std::int64_t page_count = 0;
    std::int64_t page_size = 0;
};

class Database
{
public:
    // Called after the connection is open and before migrations run, so schema
    // steps may use tokenizers and functions registered here.
    using Setup = std::function<Result<void>(Database&)>;

    // Opens (and in ReadWrite mode creates and migrates) the database at path.
    // Errors: Corrupt (not SQLite, truncated, malformed schema), TooNew
    // (user_version beyond the last migration given), Io, Busy. On error the
    // file is left exactly as it was. Use ":memory:" for a private in-memory store.
    static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path,
                                                  std::span<const Migration> migrations,
                                                  OpenMode mode = OpenMode::ReadWrite,
                                                  const Setup& setup = {});
    // The same for a file shared by modules. Errors as above; TooNew when any
    // module's recorded version is beyond its last step given.
    static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& path,
                                                  const Schema& schema,
                                                  OpenMode mode = OpenMode::ReadWrite,
                                                  const Setup& setup = {});
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Executes one or more statements that return no rows.
    Result<void> Exec(std::string_view sql);

    // A cached prepared statement. Preparing invalid SQL is a bug: it throws
    // std::logic_error with SQLite's message.
    Query Prepare(std::string_view sql);

    // Registers an FTS5 tokenizer `name`: unicode61 (remove_diacritics 2) whose
    // tokens pass through a filter made by factory. Tables using it must be
    // created and opened on connections where it is registered. Errors: Invalid.
    Result<void> RegisterTokenizer(const std::string& name,
                                   std::function<std::unique_ptr<TokenFilter>()> factory);

    // A tokenizer as RegisterTokenizer's with this filter, for preparing
    // terms on another thread (TokenFilter::Prepared). Errors: Invalid.
    Result<std::unique_ptr<Tokenizer>> NewTokenizer(std::unique_ptr<TokenFilter> filter);

    // Registers the FTS5 auxiliary function `name`(table, args...) scoring
    // each row through the RankQuery that start makes for its query (on the
    // query's first row). How rows are ranked is the caller's: this is the
    // hook, not the formula. Errors: Invalid.
    Result<void> RegisterRank(const std::string& name, RankStart start);

    // Splits text as the unicode61 tokenizer does (lower-cased, diacritics
    // removed), without any filter. For building queries that match the index.
    std::vector<Token> FoldTokens(std::string_view text);

    // The same, streamed: fn(token, start, end) for each token until it
    // returns false. Nothing is allocated per token.
    void ScanTokens(std::string_view text,
                    const std::function<bool(std::string_view token, int start, int end)>& fn);

    // Registers a deterministic scalar SQL function of one text argument.
    // NULL in gives NULL out.
    Result<void> RegisterTextFunction(const std::string& name,
                                      std::function<std::string(std::string_view)> fn);

    // Full structural check (PRAGMA integrity_check). Reads every page: on a
    // large store this takes seconds, so never call it from the UI thread.
    CheckReport Check();

    int SchemaVersion();
    std::int64_t LastInsertRowId() const;
    int Changes() const;
    const std::filesystem::path& Path() const { return m_path; }
    bool InTransaction() const;

    // Hands the connection to the calling thread (see ThreadCheck::Rebind).
    void MoveToCurrentThread() { m_thread.Rebind(); }

    // Error from the last failed call, for building messages. A Corrupt one
    // marks the file damaged: from then on this connection refuses to write.
    Error LastError(ErrorKind kind, std::string_view context) const;

    // True once SQLite found a damaged page in this file.
    bool Damaged() const { return m_damaged; }

private:
    friend class Query;
    Database(sqlite3* db, std::filesystem::path path);
    static Result<std::unique_ptr<Database>> OpenConnection(const std::filesystem::path& path,
                                                            OpenMode mode);
    static Result<std::unique_ptr<Database>> OpenWith(const std::filesystem::path& path, OpenMode mode,
                                                      const Setup& setup,
                                                      const std::function<Result<void>(Database&)>& refuse,
                                                      const std::function<Result<void>(Database&)>& migrate);
    Result<void> Configure(OpenMode mode, const Setup& setup);
    Result<void> QuickCheck();
    Error RefuseWrite() const;
    Result<void> Migrate(std::span<const Migration> migrations);
    Result<void> Migrate(const Schema& schema);
    Result<void> RunStep(const Migration& step, std::string_view module);
    Result<void> AdoptModules(const Schema& schema);
    Result<std::map<std::string, int, std::less<>>> ModuleVersions();
    Result<void> RefuseNewerModules(const Schema& schema);
    void Release(sqlite3_stmt* stmt);

    struct CachedStatement
    {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };

    struct Fts5Support; // TextIndex.cpp
    struct Fts5SupportDelete
    {
        void operator()(Fts5Support* p) const;
    };

    sqlite3* m_db;
    std::filesystem::path m_path;
    std::unique_ptr<Fts5Support, Fts5SupportDelete> m_fts;
    std::map<std::string, CachedStatement, std::less<>> m_cache;
    ThreadCheck m_thread;
    std::string m_open_key; // this file in the registry of open files (Database.cpp)
    mutable bool m_damaged = false;
};

// An IMMEDIATE transaction: takes the write lock at once, so a conflict shows
// at Begin rather than halfway through. Rolls back unless Commit() succeeded.
// Nested use is not supported: SAVEPOINTs are not needed by any caller.
class Transaction
{
public:
    explicit Transaction(Database& db);
    ~Transaction();
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;

    // False when BEGIN itself failed (then Commit() returns that error).
    bool IsActive() const { return m_active; }
    Result<void> Commit();

private:
    Database& m_db;
    bool m_active = false;
    std::optional<Error> m_begin_error;
};

// A transaction of its own, or a part of the caller's when one is open (an
// import, a wrap-up written with its outbox entry): all or nothing either way.
class JoinOrBegin
{
public:
    explicit JoinOrBegin(Database& db)
    {
        if (!db.InTransaction())
            m_tx.emplace(db);
    }
    bool IsActive() const { return !m_tx || m_tx->IsActive(); }
    Result<void> Commit() { return m_tx ? m_tx->Commit() : Ok(); }

private:
    std::optional<Transaction> m_tx;
};

// Validates a file as an SQLite database without opening it through SQLite:
// magic string, page size, and the size the header declares against the file's
// real size (a truncated copy is shorter than its header says).
// Returns Ok for a missing or empty file (SQLite treats both as a new database).
Result<void> ValidateFileHeader(const std::filesystem::path& path);

} // namespace civic::store
