#include <civic/store/Database.h>

#include <sqlite3.h>

#include <algorithm>
#include <array>
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

fts5_api* FindFts5Api(sqlite3* db)
{
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) != SQLITE_OK)
        return nullptr;
    sqlite3_bind_pointer(stmt, 1, &api, "fts5_api_ptr", nullptr);
    sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return api;
}

// The registered tokenizer's context: lives as long as the connection.
struct FilterTokenizerContext
{
    fts5_api* api;
    std::function<std::unique_ptr<TokenFilter>()> factory;
};

// One instance of SQLite's unicode61 tokenizer as every tokenizer here uses
// it (remove_diacritics 2), deleted with this.
struct Unicode61
{
    fts5_tokenizer methods{};
    Fts5Tokenizer* instance = nullptr;

    Unicode61() = default;
    Unicode61(const Unicode61&) = delete;
    Unicode61& operator=(const Unicode61&) = delete;
    ~Unicode61()
    {
        if (instance)
            methods.xDelete(instance);
    }
    int Create(fts5_api* api)
    {
        void* user_data = nullptr;
        const char* args[] = {"remove_diacritics", "2"};
        const int rc = api->xFindTokenizer(api, "unicode61", &user_data, &methods);
        return rc != SQLITE_OK ? rc : methods.xCreate(user_data, args, 2, &instance);
    }
    int Tokenize(void* ctx, int flags, const char* text, int n,
                 int (*token)(void*, int, const char*, int, int, int))
    {
        return methods.xTokenize(instance, ctx, flags, text, n, token);
    }
};

// One tokenizer instance: a unicode61 instance plus the filter.
struct FilterTokenizer
{
    Unicode61 base;
    std::unique_ptr<TokenFilter> filter;
};

// Passes a filter's terms on to FTS5 with the position of the token they came from.
class RelaySink : public TokenSink
{
public:
    RelaySink(void* ctx, int (*emit)(void*, int, const char*, int, int, int))
        : m_ctx(ctx), m_emit(emit)
    {
    }
    void Begin(int start, int end)
    {
        m_start = start;
        m_end = end;
        m_first = true;
    }
    void Add(std::string_view term) override
    {
        if (m_rc != SQLITE_OK)
            return;
        m_rc = m_emit(m_ctx, m_first ? 0 : FTS5_TOKEN_COLOCATED, term.data(),
                      static_cast<int>(term.size()), m_start, m_end);
        m_first = false;
    }
    int rc() const { return m_rc; }

private:
    void* m_ctx;
    int (*m_emit)(void*, int, const char*, int, int, int);
    int m_start = 0;
    int m_end = 0;
    bool m_first = true;
    int m_rc = SQLITE_OK;
};

struct TokenizeCall
{
    TokenFilter* filter;
    RelaySink* sink;
    TokenFilter::Mode mode;
};

int FilterCreate(void* context, const char**, int, Fts5Tokenizer** out)
{
    auto* ctx = static_cast<FilterTokenizerContext*>(context);
    auto t = std::make_unique<FilterTokenizer>();
    if (const int rc = t->base.Create(ctx->api); rc != SQLITE_OK)
        return rc;
    t->filter = ctx->factory();
    *out = reinterpret_cast<Fts5Tokenizer*>(t.release());
    return SQLITE_OK;
}

void FilterDelete(Fts5Tokenizer* p)
{
    delete reinterpret_cast<FilterTokenizer*>(p);
}

int FilterOnBaseToken(void* call_ptr, int, const char* token, int n, int start, int end)
{
    auto* call = static_cast<TokenizeCall*>(call_ptr);
    call->sink->Begin(start, end);
    call->filter->Filter(std::string_view(token, static_cast<size_t>(n)), call->mode, *call->sink);
    return call->sink->rc();
}

int FilterTokenize(Fts5Tokenizer* p, void* ctx, int flags, const char* text, int n,
                   int (*emit)(void*, int, const char*, int, int, int))
{
    auto* t = reinterpret_cast<FilterTokenizer*>(p);
    RelaySink sink(ctx, emit);
    const auto mode = (flags & FTS5_TOKENIZE_QUERY) ? TokenFilter::Mode::Query
                      : (flags & FTS5_TOKENIZE_AUX) ? TokenFilter::Mode::Aux
                                                    : TokenFilter::Mode::Document;
    if (mode == TokenFilter::Mode::Document) {
        const std::string_view whole(text, static_cast<size_t>(n));
        if (const TokenStream* prepared = t->filter->Prepared(whole)) {
            for (size_t i = 0; i < prepared->terms.size(); ++i) {
                const auto& term = prepared->terms[i];
                const int rc = emit(ctx, term.colocated ? FTS5_TOKEN_COLOCATED : 0,
                                    prepared->bytes.data() + term.offset, static_cast<int>(term.size),
                                    term.start, term.end);
                if (rc != SQLITE_OK)
                    return rc;
            }
            return SQLITE_OK;
        }
    }
    TokenizeCall call{t->filter.get(), &sink, mode};
    return t->base.Tokenize(&call, flags, text, n, FilterOnBaseToken);
}

// Tokenizer's emit: keeps the terms instead of indexing them.
int RecordTerm(void* ctx, int flags, const char* term, int n, int start, int end)
{
    auto* out = static_cast<TokenStream*>(ctx);
    out->terms.push_back(TokenStream::Term{static_cast<std::uint32_t>(out->bytes.size()),
                                           static_cast<std::uint32_t>(n), start, end,
                                           (flags & FTS5_TOKEN_COLOCATED) != 0});
    out->bytes.append(term, static_cast<size_t>(n));
    return SQLITE_OK;
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

// BM25 exactly as FTS5's bm25() computes it, except for where each phrase's
// document frequency comes from. bm25() counts the rows holding each phrase
// with xQueryPhrase, reading the phrase's whole doclist at every query; for a
// common word that costs more than ranking the rows asked for. Here the caller
// may pass the counts it keeps: rank(fts, w0..w(n-1) per column, counts),
// counts listing per phrase in MATCH order the number of rows holding it, or
// "-" to have it counted as bm25() does; "12 4031 -").
struct Bm25Data
{
    double avgdl = 0;
    std::vector<double> idf;
    std::vector<double> freq;
};

int CountRows(const Fts5ExtensionApi*, Fts5Context*, void* count)
{
    ++*static_cast<sqlite3_int64*>(count);
    return SQLITE_OK;
}

int Bm25Prepare(const Fts5ExtensionApi* api, Fts5Context* fts, int argc, sqlite3_value** argv,
                Bm25Data** out)
{
    if (auto* d = static_cast<Bm25Data*>(api->xGetAuxdata(fts, 0))) {
        *out = d;
        return SQLITE_OK;
    }
    auto data = std::make_unique<Bm25Data>();
    sqlite3_int64 rows = 0, tokens = 0;
    int rc = api->xRowCount(fts, &rows);
    if (rc == SQLITE_OK)
        rc = api->xColumnTotalSize(fts, -1, &tokens);
    if (rc != SQLITE_OK)
        return rc;
    data->avgdl = rows > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
    const int phrases = api->xPhraseCount(fts);
    const int columns = api->xColumnCount(fts);
    const char* counts = columns < argc ? reinterpret_cast<const char*>(sqlite3_value_text(argv[columns])) : nullptr;
    data->idf.resize(static_cast<size_t>(phrases));
    data->freq.resize(static_cast<size_t>(phrases));
    for (int i = 0; i < phrases; ++i) {
        sqlite3_int64 hits = 0;
        char* end = nullptr;
        const long long given = counts && *counts ? std::strtoll(counts, &end, 10) : 0;
        const bool known = end && end != counts;
        if (counts) { // past this phrase's count, whether a number or "-"
            while (*counts && *counts != ' ')
                ++counts;
            while (*counts == ' ')
                ++counts;
        }
        if (known)
            hits = given;
        else if ((rc = api->xQueryPhrase(fts, i, &hits, CountRows)) != SQLITE_OK)
            return rc;
        hits = std::clamp<sqlite3_int64>(hits, 0, rows);
        const double idf = std::log((static_cast<double>(rows - hits) + 0.5) / (static_cast<double>(hits) + 0.5));
        data->idf[static_cast<size_t>(i)] = idf > 0.0 ? idf : 1e-6;
    }
    *out = data.get();
    return api->xSetAuxdata(fts, data.release(), [](void* p) { delete static_cast<Bm25Data*>(p); });
}

void Bm25(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc,
          sqlite3_value** argv)
{
    constexpr double k1 = 1.2, b = 0.75;
    Bm25Data* data = nullptr;
    int rc = Bm25Prepare(api, fts, argc, argv, &data);
    int instances = 0;
    if (rc == SQLITE_OK) {
        std::fill(data->freq.begin(), data->freq.end(), 0.0);
        rc = api->xInstCount(fts, &instances);
    }
    for (int i = 0; rc == SQLITE_OK && i < instances; ++i) {
        int phrase = 0, column = 0, offset = 0;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK)
            data->freq[static_cast<size_t>(phrase)] += column < argc ? sqlite3_value_double(argv[column]) : 1.0;
    }
    int length = 0;
    if (rc == SQLITE_OK)
        rc = api->xColumnSize(fts, -1, &length);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    const double norm = k1 * (1 - b + b * length / data->avgdl);
    double score = 0;
    for (size_t i = 0; i < data->idf.size(); ++i)
        score += data->idf[i] * (data->freq[i] * (k1 + 1.0)) / (data->freq[i] + norm);
    sqlite3_result_double(ctx, -score);
}

} // namespace

// FTS5 plumbing owned by one connection: the API pointer and a plain unicode61
// instance for FoldTokens.
struct Database::Fts5Support
{
    fts5_api* api = nullptr;
    Unicode61 unicode61;
};

Result<void> ValidateFileHeader(const std::filesystem::path& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return Ok();
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return Error{ErrorKind::Io, path.string() + ": " + ec.message()};
    if (size == 0)
        return Ok();

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
std::mutex g_open_mutex;
std::map<std::string, int> g_open_files;

std::string OpenKey(const std::filesystem::path& path)
{
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(path, ec);
    return (ec ? path : canonical).string();
}

bool IsOpenInThisProcess(const std::string& key)
{
    std::lock_guard lock(g_open_mutex);
    auto it = g_open_files.find(key);
    return it != g_open_files.end() && it->second > 0;
}

} // namespace

Database::~Database()
{
    m_fts.reset();
    for (auto& [sql, entry] : m_cache)
        sqlite3_finalize(entry.stmt);
    sqlite3_close_v2(m_db);
    if (!m_open_key.empty()) {
        std::lock_guard lock(g_open_mutex);
        if (--g_open_files[m_open_key] <= 0)
            g_open_files.erase(m_open_key);
    }
}

Error Database::LastError(ErrorKind kind, std::string_view context) const
{
    std::string msg = m_path.string() + ": " + sqlite3_errmsg(m_db);
    if (!context.empty())
        msg += " (in: " + std::string(context.substr(0, 120)) + ")";
    return Error{kind, std::move(msg)};
}


Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& path,
                                                 std::span<const Migration> migrations,
                                                 OpenMode mode, const Setup& setup)
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
    if (rc != SQLITE_OK)
        return db->LastError(KindFor(rc), "open");
    if (!in_memory) {
        db->m_open_key = OpenKey(path);
        std::lock_guard lock(g_open_mutex);
        ++g_open_files[db->m_open_key];
    }
    sqlite3_extended_result_codes(raw, 1);
    sqlite3_busy_timeout(raw, 5000);

    // Read before any write: a damaged file fails here and is left as it was.
    auto probe = db->Exec("SELECT count(*) FROM sqlite_schema");
    if (!probe)
        return Error{ErrorKind::Corrupt, probe.Err().message};

    const int version = db->SchemaVersion();
    const int latest = migrations.empty() ? 0 : migrations.back().version;
    if (version > latest)
        return Error{ErrorKind::TooNew,
                     path.string() + " was written by a newer version of CivicDesk (schema " +
                         std::to_string(version) + ", this version knows up to " +
                         std::to_string(latest) + "); it has not been changed"};

    if (auto fk = db->Exec("PRAGMA foreign_keys = ON"); !fk)
        return fk.Err();
    if (setup) {
        if (auto r = setup(*db); !r)
            return r.Err();
    }
    if (mode == OpenMode::ReadOnly)
        return db;

    // WAL lets readers on other connections work while the writer commits;
    // synchronous=FULL makes every commit durable across power loss, which the
    // outbox relies on ("nothing an agent typed is ever lost").
    if (!in_memory) {
        if (auto wal = db->Exec("PRAGMA journal_mode = WAL"); !wal)
            return wal.Err();
    }
    if (auto sync = db->Exec("PRAGMA synchronous = FULL"); !sync)
        return sync.Err();
    if (auto migrated = db->Migrate(migrations); !migrated)
        return migrated.Err();
    return db;
}

Result<void> Database::Migrate(std::span<const Migration> migrations)
{
    int current = SchemaVersion();
    for (const auto& step : migrations) {
        if (step.version <= current)
            continue;
        Transaction tx(*this);
        if (auto r = Exec(step.sql); !r)
            return Error{r.Err().kind, "schema step " + std::to_string(step.version) +
                                           " failed: " + r.Err().message};
        if (step.run)
            if (auto r = step.run(*this); !r)
                return Error{r.Err().kind, "schema step " + std::to_string(step.version) +
                                               " failed: " + r.Err().message};
        if (auto r = Exec("PRAGMA user_version = " + std::to_string(step.version)); !r)
            return r.Err();
        if (auto r = tx.Commit(); !r)
            return r.Err();
        current = step.version;
    }
    return Ok();
}

Result<void> Database::Exec(std::string_view sql)
{
    m_thread.AssertOnOwner();
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK)
        return Ok();
    std::string detail = message ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
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

Result<void> Database::RegisterTokenizer(const std::string& name,
                                         std::function<std::unique_ptr<TokenFilter>()> factory)
{
    fts5_api* api = FindFts5Api(m_db);
    if (!api)
        return Error{ErrorKind::Invalid, "this SQLite has no FTS5"};
    auto* ctx = new FilterTokenizerContext{api, std::move(factory)};
    fts5_tokenizer methods{FilterCreate, FilterDelete, FilterTokenize};
    const int rc = api->xCreateTokenizer(
        api, name.c_str(), ctx, &methods,
        [](void* p) { delete static_cast<FilterTokenizerContext*>(p); });
    if (rc != SQLITE_OK) {
        delete ctx;
        return LastError(ErrorKind::Invalid, "registering tokenizer " + name);
    }
    return Ok();
}

struct Tokenizer::Base
{
    Unicode61 unicode61;
};

Tokenizer::Tokenizer(std::unique_ptr<Base> base, std::unique_ptr<TokenFilter> filter)
    : m_base(std::move(base)), m_filter(std::move(filter))
{
}

Tokenizer::~Tokenizer() = default;

void Tokenizer::Tokenize(std::string text, TokenStream& out)
{
    out.text = std::move(text);
    out.bytes.clear();
    out.terms.clear();
    RelaySink sink(&out, RecordTerm);
    // The calls FTS5 makes of the registered tokenizer (FilterTokenize).
    TokenizeCall call{m_filter.get(), &sink, TokenFilter::Mode::Document};
    m_base->unicode61.Tokenize(&call, FTS5_TOKENIZE_DOCUMENT, out.text.data(),
                               static_cast<int>(out.text.size()), FilterOnBaseToken);
}

Result<std::unique_ptr<Tokenizer>> Database::NewTokenizer(std::unique_ptr<TokenFilter> filter)
{
    fts5_api* api = FindFts5Api(m_db);
    if (!api)
        return Error{ErrorKind::Invalid, "this SQLite has no FTS5"};
    auto base = std::make_unique<Tokenizer::Base>();
    if (base->unicode61.Create(api) != SQLITE_OK)
        return Error{ErrorKind::Invalid, "the unicode61 tokenizer is unavailable"};
    return std::unique_ptr<Tokenizer>(new Tokenizer(std::move(base), std::move(filter)));
}

Result<void> Database::RegisterBm25(const std::string& name)
{
    fts5_api* api = FindFts5Api(m_db);
    if (!api)
        return Error{ErrorKind::Invalid, "this SQLite has no FTS5"};
    if (api->xCreateFunction(api, name.c_str(), nullptr, Bm25, nullptr) != SQLITE_OK)
        return LastError(ErrorKind::Invalid, "registering rank function " + name);
    return Ok();
}

std::vector<Token> Database::FoldTokens(std::string_view text)
{
    std::vector<Token> tokens;
    ScanTokens(text, [&](std::string_view token, int start, int end) {
        tokens.push_back(Token{std::string(token), start, end});
        return true;
    });
    return tokens;
}

void Database::ScanTokens(std::string_view text,
                          const std::function<bool(std::string_view, int, int)>& fn)
{
    if (!m_fts) {
        auto fts = std::make_unique<Fts5Support>();
        fts->api = FindFts5Api(m_db);
        if (!fts->api || fts->unicode61.Create(fts->api) != SQLITE_OK)
            throw std::logic_error("FTS5 unicode61 tokenizer unavailable");
        m_fts = std::move(fts);
    }
    // SQLITE_DONE from the callback stops the tokenizer early; it is not an error.
    m_fts->unicode61.Tokenize(
        const_cast<void*>(static_cast<const void*>(&fn)), FTS5_TOKENIZE_DOCUMENT,
        text.data(), static_cast<int>(text.size()),
        [](void* ctx, int, const char* token, int n, int start, int end) {
            const auto& f = *static_cast<const std::function<bool(std::string_view, int, int)>*>(ctx);
            return f(std::string_view(token, static_cast<size_t>(n)), start, end) ? SQLITE_OK
                                                                                  : SQLITE_DONE;
        });
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
