#include <civic/kb/KnowledgeBase.h>

#include <civic/Text.h>

#include <civic/kb/Html.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>

namespace civic::kb {
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

constexpr const char* kArticleColumns =
    "id, uid, translation_group, language, title, summary, body, keywords, category, "
    "service_codes, audience, status, owner, review_by, revision, created_at, updated_at, "
    "working_copy_of, submitted_by, review_comment";

bool CanWrite(Role r) { return r == Role::KnowledgeManager || r == Role::Supervisor; }

Error Denied(const std::string& what) { return Error{ErrorKind::Denied, what}; }

// "Trash,  recycling ,," -> "trash, recycling": one spelling for comparisons.
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
        if (auto r = db.RegisterBm25("civic_bm25"); !r)
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
    for (;;) {
        auto row = q.Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            break;
        std::vector<std::string> words;
        for (auto& t : m_db->FoldTokens(q.Text(1)))
            words.push_back(std::move(t.text));
        // Synonym words are words agents use: typo correction may aim at them.
        for (const auto& w : words)
            m_vocabulary.emplace(w, 0);
        if (!words.empty())
            groups[q.Int(0)].push_back(std::move(words));
    }
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
    for (;;) {
        auto row = q.Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            break;
        auto a = Load(q);
        if (a)
            out.push_back(std::move(a).Value());
    }
    return out;
}

// ---- writing ----------------------------------------------------------------

Result<void> KnowledgeBase::Require(const Actor& actor, bool write) const
{
    if (write && !CanWrite(actor.role))
        return Denied("only knowledge managers and supervisors can change articles");
    if (actor.name.empty())
        return Denied("set the agent name (Settings) before changing the knowledge base");
    return Ok();
}

Result<int> KnowledgeBase::AddRevision(const std::string& uid, const Content& c, Status status,
                                       const std::string& author, const std::string& note)
{
    auto last = m_db->Prepare("SELECT coalesce(max(number), 0) FROM revision WHERE uid = ?1");
    last.Bind(1, uid);
    if (auto r = last.Step(); !r)
        return r.Err();
    const int number = static_cast<int>(last.Int(0)) + 1;
    auto q = m_db->Prepare(
        "INSERT INTO revision(uid, number, status, author, at, note, title, summary, body, "
        "keywords, category, service_codes, language, audience, owner, review_by) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
    q.BindAll(uid, number, ToString(status), author, Now(), note, c.title, c.summary, c.body,
              c.keywords, c.category, c.service_codes, c.language, ToString(c.audience), c.owner,
              c.review_by);
    if (auto r = q.Run(); !r)
        return r.Err();
    return number;
}

Result<std::int64_t> KnowledgeBase::InsertArticle(const std::string& uid, const std::string& group,
                                                  const Content& c, Status status, int revision,
                                                  std::optional<std::int64_t> working_copy_of,
                                                  std::int64_t created_at)
{
    auto q = m_db->Prepare(
        "INSERT INTO article(uid, translation_group, language, title, summary, body, keywords, "
        "category, service_codes, audience, status, owner, review_by, revision, created_at, "
        "updated_at, working_copy_of) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
    q.BindAll(uid, group, c.language, c.title, c.summary, c.body, c.keywords, c.category,
              c.service_codes, ToString(c.audience), ToString(status), c.owner, c.review_by,
              revision, created_at, Now(), working_copy_of);
    if (auto r = q.Run(); !r) {
        if (r.Err().kind == ErrorKind::Constraint)
            return Error{ErrorKind::Constraint,
                         "an article in language '" + c.language +
                             "' already exists in this translation group"};
        return r.Err();
    }
    const auto id = m_db->LastInsertRowId();
    if (auto r = Index(id, c, true); !r)
        return r.Err();
    LearnNewWords();
    return id;
}

Result<void> KnowledgeBase::Index(std::int64_t id, const Content& c, bool add)
{
    // A 'delete' must pass exactly the values that were indexed.
    auto q = m_db->Prepare(add ? "INSERT INTO article_fts(rowid, title, keywords, summary, body) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5)"
                               : "INSERT INTO article_fts(article_fts, rowid, title, keywords, "
                                 "summary, body) VALUES('delete', ?1, ?2, ?3, ?4, ?5)");
    // An import made this row's terms, and counted them, on its second thread.
    const bool replay = add && m_prepared && m_prepared->content == c;
    Result<void> r = Ok();
    if (replay) {
        m_uses->prepared = std::span(m_prepared->streams.data(), m_prepared->stream_count);
        m_uses->next_prepared = 0;
        r = q.BindAll(id, c.title, c.keywords, c.summary, m_prepared->text).Run();
        const bool all_used = m_uses->next_prepared == m_uses->prepared.size();
        m_uses->prepared = {};
        if (r && !all_used)
            return Error{ErrorKind::Invalid, "the index did not take the terms prepared for it"};
        m_prepared_used = true;
    } else {
        // The tokenizer counts the articles holding each term as it indexes.
        ++m_uses->article;
        m_uses->direction = add ? 1 : -1;
        r = q.BindAll(id, c.title, c.keywords, c.summary, HtmlToText(c.body)).Run();
        m_uses->direction = 0;
    }
    if (!r)
        return r;
    auto t = m_db->Prepare(add ? "INSERT INTO article_titles(rowid, title, keywords) VALUES(?1, ?2, ?3)"
                               : "INSERT INTO article_titles(article_titles, rowid, title, keywords) "
                                 "VALUES('delete', ?1, ?2, ?3)");
    return t.BindAll(id, c.title, c.keywords).Run();
}

Result<void> KnowledgeBase::DeleteArticle(std::int64_t id)
{
    auto old = Get(id);
    if (!old)
        return old.Err();
    if (auto r = Index(id, old->content, false); !r)
        return r;
    auto del = m_db->Prepare("DELETE FROM article WHERE id = ?1");
    return del.Bind(1, id).Run();
}

Result<void> KnowledgeBase::WriteContent(std::int64_t id, const Content& c, Status status,
                                         int revision)
{
    auto old = Get(id);
    if (!old)
        return old.Err();
    const bool text_changed = old->content.title != c.title || old->content.keywords != c.keywords ||
                              old->content.summary != c.summary || old->content.body != c.body;
    if (text_changed) {
        if (auto r = Index(id, old->content, false); !r)
            return r;
    }
    auto q = m_db->Prepare(
        "UPDATE article SET language=?2, title=?3, summary=?4, body=?5, keywords=?6, "
        "category=?7, service_codes=?8, audience=?9, status=?10, owner=?11, review_by=?12, "
        "revision=?13, updated_at=?14 WHERE id = ?1");
    q.BindAll(id, c.language, c.title, c.summary, c.body, c.keywords, c.category, c.service_codes,
              ToString(c.audience), ToString(status), c.owner, c.review_by, revision, Now());
    if (auto r = q.Run(); !r)
        return r;
    if (text_changed) {
        if (auto r = Index(id, c, true); !r)
            return r;
    }
    LearnNewWords();
    return Ok();
}

Result<void> KnowledgeBase::SetStatus(std::int64_t id, Status status,
                                      const std::string& submitted_by, const std::string& comment)
{
    auto q = m_db->Prepare("UPDATE article SET status=?2, submitted_by=?3, review_comment=?4, "
                           "updated_at=?5 WHERE id = ?1");
    return q.BindAll(id, ToString(status), submitted_by, comment, Now()).Run();
}

Result<std::int64_t> KnowledgeBase::CreateDraft(const Actor& actor, Content content,
                                                const std::string& translation_group)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    if (content.owner.empty())
        content.owner = actor.name;
    auto clean = Clean(std::move(content));
    if (!clean)
        return clean.Err();
    const std::string uid = NewUid();
    const std::string group = translation_group.empty() ? uid : translation_group;
    store::Transaction tx(*m_db);
    auto rev = AddRevision(uid, clean.Value(), Status::Draft, actor.name, "created");
    if (!rev)
        return rev.Err();
    auto id = InsertArticle(uid, group, clean.Value(), Status::Draft, rev.Value(), std::nullopt, Now());
    if (!id)
        return id.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return id.Value();
}

Result<std::int64_t> KnowledgeBase::StartEdit(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->working_copy_of || a->status == Status::Draft)
        return id; // already editable
    if (a->status == Status::Review)
        return Error{ErrorKind::Invalid,
                     "the article is waiting for review: approve it or send it back first"};
    auto existing = m_db->Prepare("SELECT id FROM article WHERE working_copy_of = ?1");
    existing.Bind(1, id);
    if (existing.Step().Value())
        return existing.Int(0);
    if (a->status == Status::Archived) {
        // Reviving an archived article: it becomes a draft again, no copy needed.
        store::Transaction tx(*m_db);
        if (auto r = SetStatus(id, Status::Draft, "", ""); !r)
            return r.Err();
        if (auto r = tx.Commit(); !r)
            return r.Err();
        return id;
    }
    store::Transaction tx(*m_db);
    auto copy = InsertArticle(a->uid, a->translation_group, a->content, Status::Draft, a->revision,
                              id, a->created_at);
    if (!copy)
        return copy.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return copy.Value();
}

Result<void> KnowledgeBase::SaveDraft(const Actor& actor, std::int64_t id, Content content,
                                      int expected_revision)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Draft)
        return Error{ErrorKind::Invalid, "only drafts can be edited; this article is " +
                                             std::string(ToString(a->status))};
    if (a->revision != expected_revision)
        return Error{ErrorKind::Conflict,
                     "someone saved this article (revision " + std::to_string(a->revision) +
                         ") after you opened revision " + std::to_string(expected_revision)};
    auto clean = Clean(std::move(content));
    if (!clean)
        return clean.Err();
    if (clean.Value() == a->content)
        return Ok(); // nothing changed: no empty revision
    store::Transaction tx(*m_db);
    auto rev = AddRevision(a->uid, clean.Value(), Status::Draft, actor.name, "saved");
    if (!rev)
        return rev.Err();
    if (auto r = WriteContent(id, clean.Value(), Status::Draft, rev.Value()); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::Submit(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Draft)
        return Error{ErrorKind::Invalid, "only a draft can be submitted for review"};
    store::Transaction tx(*m_db);
    if (auto r = SetStatus(id, Status::Review, actor.name, ""); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::Approve(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Review)
        return Error{ErrorKind::Invalid, "only an article in review can be approved"};
    if (a->submitted_by == actor.name)
        return Denied("another knowledge manager must approve what you submitted");
    store::Transaction tx(*m_db);
    auto rev = AddRevision(a->uid, a->content, Status::Published, actor.name,
                           "approved (submitted by " + a->submitted_by + ")");
    if (!rev)
        return rev.Err();
    std::int64_t live = id;
    if (a->working_copy_of) {
        // The approved copy replaces what agents read, in place: same id, so
        // links and flags keep pointing at it.
        live = *a->working_copy_of;
        if (auto r = DeleteArticle(id); !r)
            return r;
    }
    if (auto r = WriteContent(live, a->content, Status::Published, rev.Value()); !r)
        return r;
    if (auto r = SetStatus(live, Status::Published, "", ""); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::SendBack(const Actor& actor, std::int64_t id, const std::string& comment)
{
    if (auto r = Require(actor, true); !r)
        return r;
    if (Trim(comment).empty())
        return Error{ErrorKind::Invalid, "say what needs changing when sending an article back"};
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Review)
        return Error{ErrorKind::Invalid, "only an article in review can be sent back"};
    store::Transaction tx(*m_db);
    if (auto r = AddRevision(a->uid, a->content, Status::Draft, actor.name, "sent back: " + comment); !r)
        return r.Err();
    auto q = m_db->Prepare("UPDATE article SET status='draft', review_comment=?2, updated_at=?3, "
                           "revision=(SELECT max(number) FROM revision WHERE uid=?4) WHERE id=?1");
    if (auto r = q.BindAll(id, comment, Now(), a->uid).Run(); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::Archive(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->working_copy_of)
        return Error{ErrorKind::Invalid, "archive the published article, not a working copy"};
    store::Transaction tx(*m_db);
    auto rev = AddRevision(a->uid, a->content, Status::Archived, actor.name, "archived");
    if (!rev)
        return rev.Err();
    // The revision number moves too: the sync shares an archiving like an edit.
    if (auto r = WriteContent(id, a->content, Status::Archived, rev.Value()); !r)
        return r;
    return tx.Commit();
}

// ---- history ----------------------------------------------------------------

Result<std::vector<RevisionInfo>> KnowledgeBase::History(const std::string& uid)
{
    std::vector<RevisionInfo> out;
    auto q = m_db->Prepare("SELECT number, status, author, at, note FROM revision WHERE uid = ?1 "
                           "ORDER BY number DESC");
    auto r = q.Bind(1, uid).ForEach([&](store::Query& row) {
        out.push_back({static_cast<int>(row.Int(0)),
                       StatusFromString(row.Text(1)).value_or(Status::Draft), row.Text(2), row.Int(3),
                       row.Text(4)});
    });
    if (!r)
        return r.Err();
    return out;
}

Result<Revision> KnowledgeBase::GetRevision(const std::string& uid, int number)
{
    auto q = m_db->Prepare(
        "SELECT number, status, author, at, note, title, summary, body, keywords, category, "
        "service_codes, language, audience, owner, review_by FROM revision "
        "WHERE uid = ?1 AND number = ?2");
    q.BindAll(uid, number);
    auto row = q.Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "revision " + std::to_string(number) + " of " + uid +
                                              " does not exist"};
    Revision r;
    r.info = {static_cast<int>(q.Int(0)), StatusFromString(q.Text(1)).value_or(Status::Draft),
              q.Text(2), q.Int(3), q.Text(4)};
    r.content = {q.Text(5), q.Text(6), q.Text(7), q.Text(8), q.Text(9), q.Text(10), q.Text(11),
                 AudienceFromString(q.Text(12)).value_or(Audience::Agent), q.Text(13), q.Text(14)};
    return r;
}

Result<std::int64_t> KnowledgeBase::Restore(const Actor& actor, std::int64_t id, int number)
{
    auto a = Get(id);
    if (!a)
        return a.Err();
    auto rev = GetRevision(a->uid, number);
    if (!rev)
        return rev.Err();
    auto target = StartEdit(actor, id);
    if (!target)
        return target.Err();
    auto t = Get(target.Value());
    if (!t)
        return t.Err();
    store::Transaction tx(*m_db);
    auto added = AddRevision(t->uid, rev->content, Status::Draft, actor.name,
                             "restored revision " + std::to_string(number));
    if (!added)
        return added.Err();
    if (auto r = WriteContent(t->id, rev->content, Status::Draft, added.Value()); !r)
        return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return t->id;
}

// ---- feedback ---------------------------------------------------------------

Result<void> KnowledgeBase::AddFlag(const Actor& actor, std::int64_t id, FlagKind kind,
                                    const std::string& comment)
{
    if (auto r = Require(actor, false); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if ((kind == FlagKind::Wrong || kind == FlagKind::Outdated) && Trim(comment).empty())
        return Error{ErrorKind::Invalid, "say what is wrong or outdated, so a manager can fix it"};
    auto q = m_db->Prepare("INSERT INTO flag(uid, kind, comment, agent, at) VALUES(?1,?2,?3,?4,?5)");
    return q.BindAll(a->uid, ToString(kind), Trim(comment), actor.name, Now()).Run();
}

Result<void> KnowledgeBase::ResolveFlags(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    auto q = m_db->Prepare("UPDATE flag SET resolved_at = ?2 WHERE uid = ?1 AND resolved_at IS NULL");
    return q.BindAll(a->uid, Now()).Run();
}

Result<ReviewQueue> KnowledgeBase::Queue(const Actor& actor, const std::string& today)
{
    ReviewQueue queue;
    auto fill = [&](const char* sql, auto bind, std::vector<QueueEntry>& into) -> Result<void> {
        auto q = m_db->Prepare(sql);
        bind(q);
        for (;;) {
            auto row = q.Step();
            if (!row)
                return row.Err();
            if (!row.Value())
                return Ok();
            QueueEntry e;
            e.id = q.Int(0);
            e.title = q.Text(1);
            e.language = q.Text(2);
            e.status = StatusFromString(q.Text(3)).value_or(Status::Draft);
            e.owner = q.Text(4);
            e.submitted_by = q.Text(5);
            e.review_by = q.Text(6);
            e.outdated = static_cast<int>(q.Int(7));
            e.wrong = static_cast<int>(q.Int(8));
            e.helpful = static_cast<int>(q.Int(9));
            e.not_helpful = static_cast<int>(q.Int(10));
            into.push_back(std::move(e));
        }
    };
#define CIVIC_QUEUE_COLUMNS                                                                         \
    "SELECT a.id, a.title, a.language, a.status, a.owner, a.submitted_by, a.review_by, "           \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='outdated'), " \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='wrong'), " \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='helpful'), " \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='not-helpful') " \
    "FROM article a "
    if (CanWrite(actor.role)) {
        if (auto r = fill(CIVIC_QUEUE_COLUMNS "WHERE a.status='review' AND a.submitted_by != ?1 "
                                              "ORDER BY a.updated_at",
                          [&](store::Query& q) { q.Bind(1, actor.name); }, queue.awaiting_review);
            !r)
            return r.Err();
        if (auto r = fill(CIVIC_QUEUE_COLUMNS
                          "WHERE a.working_copy_of IS NULL AND EXISTS (SELECT 1 FROM flag f WHERE "
                          "f.uid=a.uid AND f.resolved_at IS NULL AND f.kind IN "
                          "('outdated','wrong','not-helpful')) ORDER BY a.title",
                          [](store::Query&) {}, queue.flagged);
            !r)
            return r.Err();
        std::stable_sort(queue.flagged.begin(), queue.flagged.end(), [](const auto& x, const auto& y) {
            return x.outdated + x.wrong + x.not_helpful > y.outdated + y.wrong + y.not_helpful;
        });
        for (auto& e : queue.flagged) {
            auto c = m_db->Prepare("SELECT f.kind || ': ' || f.comment || ' (' || f.agent || ')' "
                                   "FROM flag f JOIN article a ON a.uid = f.uid WHERE a.id = ?1 "
                                   "AND f.resolved_at IS NULL AND f.comment != '' ORDER BY f.at DESC");
            c.Bind(1, e.id);
            while (c.Step().Value())
                e.comments.push_back(c.Text(0));
        }
        if (auto r = fill(CIVIC_QUEUE_COLUMNS "WHERE a.status='draft' AND a.review_comment != '' "
                                              "AND a.submitted_by = ?1 ORDER BY a.updated_at DESC",
                          [&](store::Query& q) { q.Bind(1, actor.name); }, queue.sent_back);
            !r)
            return r.Err();
    }
    if (auto r = fill(CIVIC_QUEUE_COLUMNS "WHERE a.owner = ?1 AND a.review_by != '' AND "
                                          "a.review_by < ?2 AND a.status = 'published' "
                                          "AND a.working_copy_of IS NULL ORDER BY a.review_by",
                      [&](store::Query& q) { q.BindAll(actor.name, today); }, queue.overdue);
        !r)
        return r.Err();
#undef CIVIC_QUEUE_COLUMNS
    return queue;
}

// ---- autosave ---------------------------------------------------------------

Result<void> KnowledgeBase::SaveAutosave(const Actor& actor, const Autosave& d)
{
    const Content& c = d.content;
    auto q = m_db->Prepare(
        "INSERT OR REPLACE INTO autosave(agent, key, article_id, base_revision, saved_at, title, "
        "summary, body, keywords, category, service_codes, language, audience, owner, review_by) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
    return q.BindAll(actor.name, d.key, d.article_id, d.base_revision, Now(), c.title, c.summary,
                     c.body, c.keywords, c.category, c.service_codes, c.language,
                     ToString(c.audience), c.owner, c.review_by)
        .Run();
}

Result<std::vector<Autosave>> KnowledgeBase::Autosaves(const Actor& actor)
{
    std::vector<Autosave> out;
    auto q = m_db->Prepare(
        "SELECT key, article_id, base_revision, saved_at, title, summary, body, keywords, "
        "category, service_codes, language, audience, owner, review_by FROM autosave "
        "WHERE agent = ?1 ORDER BY saved_at");
    q.Bind(1, actor.name);
    for (;;) {
        auto row = q.Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            break;
        Autosave d;
        d.key = q.Text(0);
        d.article_id = q.Int(1);
        d.base_revision = static_cast<int>(q.Int(2));
        d.saved_at = q.Int(3);
        d.content = {q.Text(4), q.Text(5), q.Text(6), q.Text(7), q.Text(8), q.Text(9), q.Text(10),
                     AudienceFromString(q.Text(11)).value_or(Audience::Agent), q.Text(12), q.Text(13)};
        out.push_back(std::move(d));
    }
    return out;
}

Result<void> KnowledgeBase::DropAutosave(const Actor& actor, const std::string& key)
{
    auto q = m_db->Prepare("DELETE FROM autosave WHERE agent = ?1 AND key = ?2");
    return q.BindAll(actor.name, key).Run();
}

// ---- synonyms ---------------------------------------------------------------

Result<std::int64_t> KnowledgeBase::AddSynonyms(const Actor& actor, const std::vector<std::string>& terms)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    std::vector<std::string> clean;
    for (const auto& t : terms) {
        std::string folded;
        for (const auto& tok : m_db->FoldTokens(t))
            folded += (folded.empty() ? "" : " ") + tok.text;
        if (!folded.empty() && std::find(clean.begin(), clean.end(), folded) == clean.end())
            clean.push_back(folded);
    }
    if (clean.size() < 2)
        return Error{ErrorKind::Invalid, "a synonym group needs at least two different terms"};
    store::Transaction tx(*m_db);
    auto next = m_db->Prepare("SELECT coalesce(max(group_id), 0) + 1 FROM synonym");
    if (auto r = next.Step(); !r)
        return r.Err();
    const std::int64_t group = next.Int(0);
    for (const auto& t : clean) {
        auto q = m_db->Prepare("INSERT INTO synonym(group_id, term) VALUES(?1, ?2)");
        if (auto r = q.BindAll(group, t).Run(); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    if (auto r = LoadCaches(); !r)
        return r.Err();
    return group;
}

Result<void> KnowledgeBase::RemoveSynonyms(const Actor& actor, std::int64_t group)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto q = m_db->Prepare("DELETE FROM synonym WHERE group_id = ?1");
    if (auto r = q.Bind(1, group).Run(); !r)
        return r;
    return LoadCaches();
}

Result<std::map<std::int64_t, std::vector<std::string>>> KnowledgeBase::Synonyms()
{
    std::map<std::int64_t, std::vector<std::string>> out;
    auto q = m_db->Prepare("SELECT group_id, term FROM synonym ORDER BY group_id, term");
    auto r = q.ForEach([&](store::Query& row) { out[row.Int(0)].push_back(row.Text(1)); });
    if (!r)
        return r.Err();
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
