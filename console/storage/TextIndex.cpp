// The FTS5 plumbing behind TextIndex.h: a TokenFilter over unicode61 as a
// registered tokenizer, the same outside any table (Tokenizer, FoldTokens),
// and RankStart functions as FTS5 auxiliary functions.
#include <civic/store/Database.h>

#include <sqlite3.h>

#include <stdexcept>

namespace civic::store {
namespace {

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


int CountRows(const Fts5ExtensionApi*, Fts5Context*, void* count)
{
    ++*static_cast<sqlite3_int64*>(count);
    return SQLITE_OK;
}

// A row of an FTS5 query as RankRow shows it. Keeps the first error; the
// call then reports it instead of the score.
class Fts5RankRow final : public RankRow
{
public:
    Fts5RankRow(const Fts5ExtensionApi* api, Fts5Context* fts, int argc, sqlite3_value** argv)
        : m_api(api), m_fts(fts), m_argc(argc), m_argv(argv)
    {
    }
    int rc() const { return m_rc; }

    std::int64_t RowCount() override
    {
        sqlite3_int64 n = 0;
        Keep(m_api->xRowCount(m_fts, &n));
        return n;
    }
    std::int64_t TotalTokens() override
    {
        sqlite3_int64 n = 0;
        Keep(m_api->xColumnTotalSize(m_fts, -1, &n));
        return n;
    }
    int ColumnCount() override { return m_api->xColumnCount(m_fts); }
    int PhraseCount() override { return m_api->xPhraseCount(m_fts); }
    std::int64_t RowsWithPhrase(int phrase) override
    {
        sqlite3_int64 hits = 0;
        Keep(m_api->xQueryPhrase(m_fts, phrase, &hits, CountRows));
        return hits;
    }
    int RowTokens() override
    {
        int n = 0;
        Keep(m_api->xColumnSize(m_fts, -1, &n));
        return n;
    }
    int HitCount() override
    {
        int n = 0;
        Keep(m_api->xInstCount(m_fts, &n));
        return n;
    }
    Hit HitAt(int i) override
    {
        Hit h{0, 0, 0};
        Keep(m_api->xInst(m_fts, i, &h.phrase, &h.column, &h.offset));
        return h;
    }
    int ArgCount() override { return m_argc; }
    double ArgReal(int i) override { return i >= 0 && i < m_argc ? sqlite3_value_double(m_argv[i]) : 0.0; }
    std::string_view ArgText(int i) override
    {
        if (i < 0 || i >= m_argc)
            return {};
        const auto* p = reinterpret_cast<const char*>(sqlite3_value_text(m_argv[i]));
        return p ? std::string_view(p, static_cast<size_t>(sqlite3_value_bytes(m_argv[i]))) : std::string_view();
    }

private:
    void Keep(int rc)
    {
        if (rc != SQLITE_OK && m_rc == SQLITE_OK)
            m_rc = rc;
    }
    const Fts5ExtensionApi* m_api;
    Fts5Context* m_fts;
    int m_argc;
    sqlite3_value** m_argv;
    int m_rc = SQLITE_OK;
};

// The query's RankQuery is made on its first row and kept as FTS5 auxdata,
// which FTS5 deletes with the query.
void CallRank(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc,
              sqlite3_value** argv)
{
    Fts5RankRow row(api, fts, argc, argv);
    try {
        auto* query = static_cast<RankQuery*>(api->xGetAuxdata(fts, 0));
        if (!query) {
            auto made = (*static_cast<RankStart*>(api->xUserData(fts)))(row);
            if (!made || row.rc() != SQLITE_OK) {
                sqlite3_result_error_code(ctx, row.rc() != SQLITE_OK ? row.rc() : SQLITE_ERROR);
                return;
            }
            query = made.get();
            // On failure FTS5 deletes the pointer itself.
            if (const int rc = api->xSetAuxdata(fts, made.release(),
                                                [](void* p) { delete static_cast<RankQuery*>(p); });
                rc != SQLITE_OK) {
                sqlite3_result_error_code(ctx, rc);
                return;
            }
        }
        const double score = query->Score(row);
        if (row.rc() != SQLITE_OK)
            sqlite3_result_error_code(ctx, row.rc());
        else
            sqlite3_result_double(ctx, score);
    } catch (const std::exception& e) { // never through SQLite's C frames
        sqlite3_result_error(ctx, e.what(), -1);
    }
}

} // namespace

// FTS5 plumbing owned by one connection: the API pointer and a plain unicode61
// instance for FoldTokens.
struct Database::Fts5Support
{
    fts5_api* api = nullptr;
    Unicode61 unicode61;
};


void Database::Fts5SupportDelete::operator()(Fts5Support* p) const { delete p; }

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

Result<void> Database::RegisterRank(const std::string& name, RankStart start)
{
    fts5_api* api = FindFts5Api(m_db);
    if (!api)
        return Error{ErrorKind::Invalid, "this SQLite has no FTS5"};
    auto* held = new RankStart(std::move(start));
    if (api->xCreateFunction(api, name.c_str(), held, CallRank,
                             [](void* p) { delete static_cast<RankStart*>(p); }) != SQLITE_OK) {
        delete held;
        return LastError(ErrorKind::Invalid, "registering rank function " + name);
    }
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
        std::unique_ptr<Fts5Support, Fts5SupportDelete> fts(new Fts5Support);
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

} // namespace civic::store
