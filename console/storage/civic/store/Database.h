// civic::store — the local SQLite store.
//
// A Database is one connection. It is not thread-safe: it belongs to the thread
// that opened it (in the console, the core's database executor) and asserts so
// in debug builds. Open() validates the file before writing anything, so a
// corrupt database or one from a newer version is reported and left untouched.
#pragma once

#include <civic/Result.h>
#include <civic/ThreadCheck.h>

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

// One numbered step of a schema. Steps run in order, each in its own
// transaction, and PRAGMA user_version records the last one applied.
class Database;

struct Migration
{
    int version;
    std::string_view sql;
    // What SQL alone cannot say (rewriting a table's definition): runs after
    // sql, in the same transaction.
    Result<void> (*run)(Database& db) = nullptr;
};

// Receives the terms a TokenFilter wants indexed for one token.
class TokenSink
{
public:
    virtual ~TokenSink() = default;
    // The first call for a token is its main term; later calls for the same token
    // are indexed at the same position (synonyms, stems).
    virtual void Add(std::string_view term) = 0;
};

// The terms a filter made of one text, in order, with their positions: made
// ahead of time (Tokenizer, on any thread) and indexed later in place of
// tokenizing the text again (TokenFilter::Prepared).
struct TokenStream
{
    struct Term
    {
        std::uint32_t offset; // into bytes
        std::uint32_t size;
        int start; // byte offsets of the token in text
        int end;
        bool colocated; // at the position of the term before it (a stem)
    };
    std::string text;
    std::string bytes;
    std::vector<Term> terms;
};

// Turns each token of SQLite's unicode61 tokenizer (lower-cased, diacritics
// removed: "Garbáge" -> "garbage") into the terms to index — the token itself,
// its stems — or into nothing (a stop word). One instance serves one FTS5 table
// on one connection, so it may keep caches without locking.
class TokenFilter
{
public:
    virtual ~TokenFilter() = default;
    enum class Mode
    {
        Document, // indexing: add every term to index
        Query,    // a MATCH expression whose terms the caller expanded: the token alone
        Aux,      // re-reading a row for snippet() or highlight(): positions only, so
                  // add the main term and skip the rest (it must drop what Document drops)
    };
    virtual void Filter(std::string_view token, Mode mode, TokenSink& sink) = 0;
    // Terms made earlier for this text, to be indexed as they are instead of
    // tokenizing it again; null if there are none. Asked for each text FTS5
    // indexes (Document mode) before tokenizing it.
    virtual const TokenStream* Prepared(std::string_view text)
    {
        (void)text;
        return nullptr;
    }
};

// A registered tokenizer's work done away from any connection: unicode61
// (remove_diacritics 2) and a filter, recording the terms a Document-mode
// tokenization gives FTS5. Made by Database::NewTokenizer; usable on any one
// thread at a time, since it shares nothing with the connection after that.
class Tokenizer
{
public:
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;
    // Replaces out's text and terms with those of text.
    void Tokenize(std::string text, TokenStream& out);

private:
    friend class Database;
    struct Base;
    Tokenizer(std::unique_ptr<Base> base, std::unique_ptr<TokenFilter> filter);
    std::unique_ptr<Base> m_base;
    std::unique_ptr<TokenFilter> m_filter;
};

// A folded token and where it stands in the original text (byte offsets).
struct Token
{
    std::string text;
    int start;
    int end;
};

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
    int schema_version = 0;
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

    // Registers the FTS5 auxiliary function `name`(table, weight per column,
    // counts): BM25 as FTS5's bm25() computes it, except that counts may say
    // how many rows hold each phrase ("12 4031 -", in MATCH order), sparing
    // FTS5 reading every phrase's whole doclist at each query. A phrase
    // whose count is "-" or missing is counted as bm25() does. Errors: Invalid.
    Result<void> RegisterBm25(const std::string& name);

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

    // Error from the last failed call, for building messages.
    Error LastError(ErrorKind kind, std::string_view context) const;

private:
    friend class Query;
    Database(sqlite3* db, std::filesystem::path path);
    Result<void> Migrate(std::span<const Migration> migrations);
    void Release(sqlite3_stmt* stmt);

    struct CachedStatement
    {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };

    struct Fts5Support;

    sqlite3* m_db;
    std::filesystem::path m_path;
    std::unique_ptr<Fts5Support> m_fts;
    std::map<std::string, CachedStatement, std::less<>> m_cache;
    ThreadCheck m_thread;
    std::string m_open_key; // this file in the registry of open files (Database.cpp)
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
