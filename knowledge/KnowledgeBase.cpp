// The knowledge base: opening (schema, seed), names, reading, stats.
#include <civic/kb/KnowledgeBase.h>

#include "KnowledgeBaseInternal.h"

#include <civic/Text.h>

#include <civic/kb/Bm25.h>
#include <civic/kb/Html.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>

namespace civic::kb {

namespace detail {


bool CanWrite(Role r) { return MayEditKnowledge(r); }

Error Denied(const std::string& what) { return Error{ErrorKind::Denied, what}; }

std::string NormalizeList(std::string_view list)
{
    std::string out;
    size_t start = 0;
    while (start <= list.size()) {
        size_t comma = list.find(',', start);
        if (comma == std::string_view::npos)
            comma = list.size();
        const std::string item = Trim(list.substr(start, comma - start));
        if (!item.empty())
            out += (out.empty() ? "" : ", ") + item;
        start = comma + 1;
    }
    return out;
}

Result<Content> Clean(Content c)
{
    c.title = Trim(c.title);
    c.summary = Trim(c.summary);
    c.body = SanitizeHtml(c.body);
    c.keywords = NormalizeList(c.keywords);
    c.service_codes = NormalizeList(c.service_codes);
    c.category = Trim(c.category);
    c.owner = Trim(c.owner);
    c.review_by = Trim(c.review_by);
    c.language = Trim(c.language);
    if (c.title.empty())
        return Error{ErrorKind::Invalid, "title: an article needs a title"};
    if (c.title.size() > 300)
        return Error{ErrorKind::Invalid, "title: at most 300 characters"};
    static const std::regex kLang("^[a-zA-Z]{2,3}(-[A-Za-z0-9]{2,8})*$");
    if (!std::regex_match(c.language, kLang))
        return Error{ErrorKind::Invalid,
                     "language: '" + c.language + "' is not a language code such as en or es-US"};
    static const std::regex kDate("^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$");
    if (!c.review_by.empty() && !std::regex_match(c.review_by, kDate))
        return Error{ErrorKind::Invalid, "review-by: '" + c.review_by + "' is not a date (YYYY-MM-DD)"};
    return c;
}

std::vector<std::string> ReadLines(const std::filesystem::path& file)
{
    std::vector<std::string> lines;
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
        line = Trim(line);
        if (!line.empty() && line[0] != '#')
            lines.push_back(line);
    }
    return lines;
}

} // namespace detail

using namespace detail;

namespace {


constexpr std::array<store::Migration, 6> kMigrations{{
    {1, R"sql(
-- One row per live article (working_copy_of IS NULL) and one per working copy
-- of a published article being edited. Only rows are searched; revisions keep
-- every saved state of a uid.
CREATE TABLE article (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL,
    translation_group TEXT NOT NULL,
    language          TEXT NOT NULL,
    title             TEXT NOT NULL,
    summary           TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL DEFAULT '',
    keywords          TEXT NOT NULL DEFAULT '',
    category          TEXT NOT NULL DEFAULT '',
    service_codes     TEXT NOT NULL DEFAULT '',
    audience          TEXT NOT NULL DEFAULT 'agent' CHECK (audience IN ('agent','public')),
    status            TEXT NOT NULL CHECK (status IN ('draft','review','published','archived')),
    owner             TEXT NOT NULL DEFAULT '',
    review_by         TEXT NOT NULL DEFAULT '',
    revision          INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    working_copy_of   INTEGER REFERENCES article(id) ON DELETE CASCADE,
    submitted_by      TEXT NOT NULL DEFAULT '',
    review_comment    TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX article_live ON article(uid) WHERE working_copy_of IS NULL;
CREATE UNIQUE INDEX article_copy ON article(working_copy_of) WHERE working_copy_of IS NOT NULL;
CREATE UNIQUE INDEX article_translation ON article(translation_group, language)
    WHERE working_copy_of IS NULL;
CREATE INDEX article_by_status ON article(status, language);
CREATE INDEX article_by_review ON article(owner, review_by);

-- A rowid table: its rows hold whole bodies, which WITHOUT ROWID tables store badly.
CREATE TABLE revision (
    id            INTEGER PRIMARY KEY,
    uid           TEXT NOT NULL,
    number        INTEGER NOT NULL,
    status        TEXT NOT NULL,
    author        TEXT NOT NULL,
    at            INTEGER NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    title         TEXT NOT NULL,
    summary       TEXT NOT NULL,
    body          TEXT NOT NULL,
    keywords      TEXT NOT NULL,
    category      TEXT NOT NULL,
    service_codes TEXT NOT NULL,
    language      TEXT NOT NULL,
    audience      TEXT NOT NULL,
    owner         TEXT NOT NULL,
    review_by     TEXT NOT NULL,
    UNIQUE (uid, number)
);

CREATE TABLE attachment (
    id   INTEGER PRIMARY KEY,
    uid  TEXT NOT NULL,
    name TEXT NOT NULL,
    path TEXT NOT NULL
);
CREATE INDEX attachment_by_uid ON attachment(uid);

CREATE TABLE flag (
    id          INTEGER PRIMARY KEY,
    uid         TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('outdated','wrong','helpful','not-helpful')),
    comment     TEXT NOT NULL DEFAULT '',
    agent       TEXT NOT NULL,
    at          INTEGER NOT NULL,
    resolved_at INTEGER
);
CREATE INDEX flag_open ON flag(uid) WHERE resolved_at IS NULL;

CREATE TABLE synonym (
    group_id INTEGER NOT NULL,
    term     TEXT NOT NULL,
    PRIMARY KEY (group_id, term)
) WITHOUT ROWID;

CREATE TABLE missed_query (
    text     TEXT NOT NULL,
    language TEXT NOT NULL,
    count    INTEGER NOT NULL,
    last_at  INTEGER NOT NULL,
    PRIMARY KEY (text, language)
) WITHOUT ROWID;

CREATE TABLE autosave (
    agent         TEXT NOT NULL,
    key           TEXT NOT NULL,
    article_id    INTEGER NOT NULL,
    base_revision INTEGER NOT NULL,
    saved_at      INTEGER NOT NULL,
    title TEXT NOT NULL, summary TEXT NOT NULL, body TEXT NOT NULL, keywords TEXT NOT NULL,
    category TEXT NOT NULL, service_codes TEXT NOT NULL, language TEXT NOT NULL,
    audience TEXT NOT NULL, owner TEXT NOT NULL, review_by TEXT NOT NULL,
    PRIMARY KEY (agent, key)
) WITHOUT ROWID;

-- Every folded word in the store and how often it was indexed: typo
-- correction and completing half-typed words look here.
CREATE TABLE vocabulary (term TEXT PRIMARY KEY, uses INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;

-- The searchable text: bodies are indexed as plain text, not HTML.
CREATE VIEW article_text AS
    SELECT id, title, keywords, summary, html_text(body) AS body FROM article;
CREATE VIRTUAL TABLE article_fts USING fts5(
    title, keywords, summary, body,
    content = 'article_text', content_rowid = 'id',
    tokenize = 'civic');
CREATE VIRTUAL TABLE article_vocab USING fts5vocab(article_fts, 'row');

-- The index is kept by the code with single-row statements, not triggers: a
-- statement that fires a trigger runs in a savepoint, and FTS5 writes its
-- pending index to disk at every savepoint, one tiny segment per article.
)sql"},
    {2, R"sql(
-- The shared knowledge base (KnowledgeSync.h). Per uid: the entity tag and
-- stamp of the version this console and the shared store last agreed on, and
-- the local revision that was. A live revision above it is a change to push.
CREATE TABLE sync_state (
    uid      TEXT PRIMARY KEY,
    etag     TEXT NOT NULL,
    stamp    TEXT NOT NULL,
    revision INTEGER NOT NULL
) WITHOUT ROWID;

-- Both sides changed: the shared version waits here, untouched, until a
-- manager keeps this console's, takes the shared one, or merges them.
CREATE TABLE sync_conflict (
    uid      TEXT PRIMARY KEY,
    etag     TEXT NOT NULL,
    body     TEXT NOT NULL,
    found_at INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
    {3, R"sql(
-- Titles and keywords on their own, with a two-letter prefix index: a word
-- of two letters being typed is looked for here. In the full index it meant
-- reading the postings of every common word it starts, bodies and all.
CREATE VIRTUAL TABLE article_titles USING fts5(
    title, keywords,
    content = 'article', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2', prefix = '2');
INSERT INTO article_titles(article_titles) VALUES('rebuild');
)sql"},
    {4, R"sql(
-- What search filters on, apart from the row: status, language and category
-- come after the body, and reading them from the row walks the body's
-- overflow pages for every match ranked.
CREATE INDEX article_filter ON article(id, status, language, category);
)sql"},
    {5, R"sql(
-- How many articles hold each indexed term (words and their stems), kept as
-- articles are indexed: ranking reads a term's count here instead of having
-- FTS5 walk the term's whole doclist at every query.
CREATE TABLE term_docs (term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
INSERT INTO term_docs(term, docs) SELECT term, doc FROM article_vocab;
)sql"},
    {6, R"sql(
-- FTS5 writes what a transaction indexed as a new segment each time its
-- pending terms pass 'hashsize' (1 MiB by default): a large import wrote
-- hundreds of small segments and merged them again. 32 MiB of pending terms
-- per segment cuts a bulk import by a third; single saves are unaffected.
INSERT INTO article_fts(article_fts, rank) VALUES('hashsize', 33554432);
)sql"},
}};

} // namespace

// ---- names ------------------------------------------------------------------

std::string_view ToString(Status s)
{
    switch (s) {
    case Status::Draft: return "draft";
    case Status::Review: return "review";
    case Status::Published: return "published";
    case Status::Archived: return "archived";
    }
    return "draft";
}

std::optional<Status> StatusFromString(std::string_view s)
{
    for (Status v : {Status::Draft, Status::Review, Status::Published, Status::Archived})
        if (ToString(v) == s)
            return v;
    return std::nullopt;
}

std::string_view ToString(Audience a) { return a == Audience::Public ? "public" : "agent"; }

std::optional<Audience> AudienceFromString(std::string_view s)
{
    if (s == "agent")
        return Audience::Agent;
    if (s == "public")
        return Audience::Public;
    return std::nullopt;
}

std::string_view ToString(FlagKind k)
{
    switch (k) {
    case FlagKind::Outdated: return "outdated";
    case FlagKind::Wrong: return "wrong";
    case FlagKind::Helpful: return "helpful";
    case FlagKind::NotHelpful: return "not-helpful";
    }
    return "helpful";
}

std::optional<FlagKind> FlagKindFromString(std::string_view s)
{
    for (FlagKind k : {FlagKind::Outdated, FlagKind::Wrong, FlagKind::Helpful, FlagKind::NotHelpful})
        if (ToString(k) == s)
            return k;
    return std::nullopt;
}

// ---- open -------------------------------------------------------------------

std::span<const store::Migration> KnowledgeBase::Migrations() { return kMigrations; }

Result<std::unique_ptr<KnowledgeBase>> KnowledgeBase::Open(const std::filesystem::path& path,
                                                           KnowledgeOptions options)
{
    std::unique_ptr<KnowledgeBase> kb(new KnowledgeBase);
    kb->m_options = std::move(options);
    kb->m_stop_words = std::make_shared<StopWords>();
    for (const auto& file : kb->m_options.stop_word_files)
        for (auto& w : ReadLines(file))
            kb->m_stop_words->insert(w);
    kb->m_stemmer = std::make_unique<Stemmer>(kb->m_options.stem_languages);

    auto stop_words = kb->m_stop_words;
    auto languages = kb->m_options.stem_languages;
    auto uses = kb->m_uses;
    // The tokenizer and html_text() must exist before the schema is created or
    // any article is written: the FTS table and its triggers use them.
    auto setup = [stop_words, languages, uses](store::Database& db) -> Result<void> {
        if (auto r = db.RegisterTokenizer("civic", [stop_words, languages, uses] {
                return std::make_unique<StemFilter>(stop_words, languages, uses);
            });
            !r)
            return r;
        if (auto r = RegisterBm25(db, "civic_bm25"); !r)
            return r;
        // Searching touches FTS segments all over the file: a 32 MiB page cache
        // keeps the hot ones in memory (the default is 2 MiB).
        if (auto r = db.Exec("PRAGMA cache_size = -32768"); !r)
            return r;
        return db.RegisterTextFunction("html_text", [](std::string_view html) {
            return HtmlToText(html);
        });
    };
    auto db = store::Database::Open(path, kMigrations, store::OpenMode::ReadWrite, setup);
    if (!db)
        return db.Err();
    kb->m_db = std::move(db).Value();
    // An import cut short may have left FTS5's merging off (Import). Best
    // effort: another process importing holds the write lock.
    if (kb->m_db->Prepare("SELECT 1 FROM article_fts_config WHERE k = 'automerge' AND v = 0").Step().Value())
        (void)kb->m_db->Exec(kMergeAsUsual);
    if (auto r = kb->LoadCaches(); !r)
        return r.Err();
    return kb;
}

KnowledgeBase::~KnowledgeBase() = default;

std::int64_t KnowledgeBase::Now() const
{
    if (m_options.now)
        return m_options.now();
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string KnowledgeBase::NewUid()
{
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[24];
    std::snprintf(buf, sizeof buf, "kb-%016llx", static_cast<unsigned long long>(rng()));
    return buf;
}

Result<void> KnowledgeBase::LoadCaches()
{
    m_vocabulary.clear();
    {
        auto q = m_db->Prepare("SELECT term, uses FROM vocabulary");
        auto r = q.ForEach([&](store::Query& row) {
            m_vocabulary.emplace(row.Text(0), static_cast<std::uint32_t>(row.Int(1)));
        });
        if (!r)
            return r;
    }
    m_synonyms.clear();
    std::map<std::int64_t, std::vector<std::vector<std::string>>> groups;
    auto q = m_db->Prepare("SELECT group_id, term FROM synonym ORDER BY group_id");
    auto each = q.ForEach([&](store::Query& row) {
        std::vector<std::string> words;
        for (auto& t : m_db->FoldTokens(row.Text(1)))
            words.push_back(std::move(t.text));
        // Synonym words are words agents use: typo correction may aim at them.
        for (const auto& w : words)
            m_vocabulary.emplace(w, 0);
        if (!words.empty())
            groups[row.Int(0)].push_back(std::move(words));
    });
    if (!each)
        return each.Err();
    for (const auto& [id, members] : groups) {
        for (const auto& m : members) {
            std::vector<std::vector<std::string>> others;
            for (const auto& o : members)
                if (o != m)
                    others.push_back(o);
            auto& slot = m_synonyms[m];
            slot.insert(slot.end(), others.begin(), others.end());
            // A one-word member also answers for its stems ("potholes").
            if (m.size() == 1)
                for (const auto& stem : m_stemmer->Stems(m[0])) {
                    auto& s = m_synonyms[{stem}];
                    s.insert(s.end(), others.begin(), others.end());
                }
        }
    }
    return Ok();
}

void KnowledgeBase::LearnNewWords()
{
    if (m_importing)
        return;
    for (auto& [w, n] : m_uses->delta) {
        auto q = m_db->Prepare("INSERT INTO vocabulary(term, uses) VALUES(?1, ?2) "
                               "ON CONFLICT(term) DO UPDATE SET uses = uses + excluded.uses");
        (void)q.BindAll(w, static_cast<std::int64_t>(n)).Run();
        m_vocabulary[w] += n;
    }
    for (auto& [term, d] : m_uses->docs) {
        if (d.delta == 0)
            continue;
        auto q = m_db->Prepare("INSERT INTO term_docs(term, docs) VALUES(?1, max(?2, 0)) "
                               "ON CONFLICT(term) DO UPDATE SET docs = max(docs + ?2, 0)");
        (void)q.BindAll(term, d.delta).Run();
    }
    ForgetNewWords();
}

void KnowledgeBase::ForgetNewWords()
{
    m_uses->delta.clear();
    m_uses->docs.clear();
    ++m_uses->generation;
}

std::vector<std::string> KnowledgeBase::Completions(std::string_view prefix, size_t limit) const
{
    std::vector<std::pair<std::uint32_t, const std::string*>> found;
    for (auto it = m_vocabulary.lower_bound(prefix);
         it != m_vocabulary.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
        found.emplace_back(it->second, &it->first);
    const size_t n = std::min(limit, found.size());
    std::partial_sort(found.begin(), found.begin() + static_cast<long>(n), found.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<std::string> out;
    for (size_t i = 0; i < n; ++i)
        out.push_back(*found[i].second);
    return out;
}

// ---- reading ----------------------------------------------------------------

Result<Article> KnowledgeBase::Load(store::Query& q)
{
    Article a;
    a.id = q.Int(0);
    a.uid = q.Text(1);
    a.translation_group = q.Text(2);
    a.content.language = q.Text(3);
    a.content.title = q.Text(4);
    a.content.summary = q.Text(5);
    a.content.body = q.Text(6);
    a.content.keywords = q.Text(7);
    a.content.category = q.Text(8);
    a.content.service_codes = q.Text(9);
    a.content.audience = AudienceFromString(q.Text(10)).value_or(Audience::Agent);
    a.status = StatusFromString(q.Text(11)).value_or(Status::Draft);
    a.content.owner = q.Text(12);
    a.content.review_by = q.Text(13);
    a.revision = static_cast<int>(q.Int(14));
    a.created_at = q.Int(15);
    a.updated_at = q.Int(16);
    if (!q.IsNull(17))
        a.working_copy_of = q.Int(17);
    a.submitted_by = q.Text(18);
    a.review_comment = q.Text(19);
    auto att = m_db->Prepare("SELECT name, path FROM attachment WHERE uid = ?1 ORDER BY id");
    att.Bind(1, a.uid);
    while (att.Step().Value())
        a.attachments.push_back({att.Text(0), att.Text(1)});
    return a;
}

Result<Article> KnowledgeBase::Get(std::int64_t id)
{
    auto q = m_db->Prepare(std::string("SELECT ") + kArticleColumns + " FROM article WHERE id = ?1");
    q.Bind(1, id);
    auto row = q.Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "article " + std::to_string(id) + " does not exist"};
    return Load(q);
}

Result<Article> KnowledgeBase::GetByUid(const std::string& uid)
{
    auto q = m_db->Prepare(std::string("SELECT ") + kArticleColumns +
                           " FROM article WHERE uid = ?1 AND working_copy_of IS NULL");
    q.Bind(1, uid);
    auto row = q.Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "article " + uid + " does not exist"};
    return Load(q);
}

Result<std::vector<Article>> KnowledgeBase::Translations(std::int64_t id)
{
    auto self = Get(id);
    if (!self)
        return self.Err();
    std::vector<Article> out;
    auto q = m_db->Prepare(std::string("SELECT ") + kArticleColumns +
                           " FROM article WHERE translation_group = ?1 AND id != ?2"
                           " AND working_copy_of IS NULL ORDER BY language");
    q.BindAll(self->translation_group, self->working_copy_of.value_or(id));
    auto each = q.ForEach([&](store::Query& row) {
        auto a = Load(row);
        if (a)
            out.push_back(std::move(a).Value());
    });
    if (!each)
        return each.Err();
    return out;
}

// ---- stats and bulk ---------------------------------------------------------

Result<Stats> KnowledgeBase::GetStats()
{
    Stats s;
    auto count = [&](const char* sql) -> int {
        auto q = m_db->Prepare(sql);
        return q.Step().IsOk() ? static_cast<int>(q.Int(0)) : 0;
    };
    s.articles = count("SELECT count(*) FROM article WHERE working_copy_of IS NULL");
    s.revisions = count("SELECT count(*) FROM revision");
    s.synonyms = count("SELECT count(DISTINCT group_id) FROM synonym");
    s.missed_queries = count("SELECT count(*) FROM missed_query");
    s.open_flags = count("SELECT count(*) FROM flag WHERE resolved_at IS NULL");
    auto q = m_db->Prepare("SELECT status, count(*) FROM article WHERE working_copy_of IS NULL "
                           "GROUP BY status");
    while (q.Step().Value())
        s.by_status[q.Text(0)] = static_cast<int>(q.Int(1));
    auto l = m_db->Prepare("SELECT language, count(*) FROM article WHERE working_copy_of IS NULL "
                           "GROUP BY language");
    while (l.Step().Value())
        s.by_language[l.Text(0)] = static_cast<int>(l.Int(1));
    return s;
}

} // namespace civic::kb
