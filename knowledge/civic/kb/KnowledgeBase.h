// KnowledgeBase: the knowledge store (knowledge.db) — articles and their
// revisions, the review workflow, flags, autosaved drafts, search, and exchange
// with files.
//
// Thread: not thread-safe. It lives on one thread — in the console, the
// knowledge executor; in the CLI and tests, the caller's. Search on a 100,000
// article store answers in about a millisecond, but it is still SQL: the UI
// never calls it directly.
//
// Permissions: every change takes the Actor making it. Call-takers and walk-in
// staff read published articles and flag them; knowledge managers and
// supervisors write, submit and approve — never their own submission.
#pragma once

#include <civic/Result.h>
#include <civic/kb/Article.h>
#include <civic/kb/StemFilter.h>
#include <civic/store/Database.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace civic::kb {

struct SearchQuery
{
    std::string text;
    std::string language;        // BCP 47 code; empty = any
    std::string category;        // path prefix; empty = any
    std::optional<Status> status = Status::Published;
    int limit = 10;
    // Record the query for managers when it finds nothing. Set it when the
    // agent has finished typing (Enter, a pause), not on every keystroke.
    bool record_if_empty = false;
};

struct SearchHit
{
    std::int64_t id = 0;
    std::string uid;
    std::string title;
    std::string snippet; // matched words between kMarkOpen and kMarkClose
    std::string language;
    std::string category;
    Status status = Status::Published;
    double score = 0; // bm25; lower is better
};

// Highlight markers in snippets; the UI and CLI turn them into bold or brackets.
inline constexpr char kMarkOpen = '\x02';
inline constexpr char kMarkClose = '\x03';
std::string ReplaceMarks(std::string_view snippet, std::string_view open, std::string_view close);

struct MissedQuery
{
    std::string text;
    std::string language;
    int count = 0;
    std::int64_t last_at = 0;
};

struct QueueEntry
{
    std::int64_t id = 0;
    std::string title;
    std::string language;
    Status status = Status::Draft;
    std::string owner;
    std::string submitted_by;
    std::string review_by;
    int outdated = 0, wrong = 0, helpful = 0, not_helpful = 0;
    std::vector<std::string> comments; // flag comments, newest first
};

// What a manager's queue shows.
struct ReviewQueue
{
    std::vector<QueueEntry> awaiting_review; // submitted by someone else
    std::vector<QueueEntry> flagged;         // open flags, most flagged first
    std::vector<QueueEntry> overdue;         // owner's articles past review-by
    std::vector<QueueEntry> sent_back;       // the actor's drafts returned with a comment
};

struct Stats
{
    int articles = 0;
    std::map<std::string, int> by_status;
    std::map<std::string, int> by_language;
    int revisions = 0;
    int synonyms = 0;
    int missed_queries = 0;
    int open_flags = 0;
};

struct Autosave
{
    std::string key; // "article:<id>" or "new:<n>"
    std::int64_t article_id = 0; // 0 for an article not yet saved
    int base_revision = 0;
    Content content;
    std::int64_t saved_at = 0;
};

// One article as the shared knowledge base holds it (one file per uid; the
// format is documented in README.md, "Shared knowledge base"). stamp names
// this version, so a console recognises its own push under a new entity tag.
struct SharedArticle
{
    std::string uid;
    std::string translation_group;
    Content content;
    Status status = Status::Published;
    std::string author;
    std::int64_t at = 0;
    std::string stamp;
    std::string based_on; // the stamp of the version this one replaced

    // Same text and status: two consoles that made the same change agree.
    bool SameAs(const Article& a) const { return content == a.content && status == a.status; }
};

struct KnowledgeOptions
{
    // Snowball languages stemmed at indexing and query time.
    std::vector<std::string> stem_languages{"english", "spanish"};
    // Files of stop words, one per line (resources/knowledge/stopwords-*.txt).
    std::vector<std::filesystem::path> stop_word_files;
    // Clock, for tests: seconds since the epoch.
    std::function<std::int64_t()> now;
};

class KnowledgeBase
{
public:
    // Opens or creates knowledge.db. Errors: as store::Database::Open.
    static Result<std::unique_ptr<KnowledgeBase>> Open(const std::filesystem::path& path,
                                                       KnowledgeOptions options = {});
    ~KnowledgeBase();

    static std::span<const store::Migration> Migrations();
    store::Database& Db() { return *m_db; }

    // ---- reading
    Result<Article> Get(std::int64_t id);
    Result<Article> GetByUid(const std::string& uid); // the live (non-working-copy) row
    // Other languages of the same article, for the "also in" links.
    Result<std::vector<Article>> Translations(std::int64_t id);

    // ---- writing (knowledge managers, supervisors)
    // A new draft. translation_group empty = a new article; otherwise a
    // translation of the article with that group. Errors: Denied, Invalid,
    // Constraint (that language exists already in the group).
    Result<std::int64_t> CreateDraft(const Actor& actor, Content content,
                                     const std::string& translation_group = {});
    // Editing a published article makes (or returns) its working copy.
    Result<std::int64_t> StartEdit(const Actor& actor, std::int64_t id);
    // Saves a new revision. expected_revision guards against two editors:
    // Conflict when someone saved in between (nothing is overwritten).
    Result<void> SaveDraft(const Actor& actor, std::int64_t id, Content content,
                           int expected_revision);
    Result<void> Submit(const Actor& actor, std::int64_t id);
    // Publishes: four eyes — Denied for the one who submitted it.
    Result<void> Approve(const Actor& actor, std::int64_t id);
    Result<void> SendBack(const Actor& actor, std::int64_t id, const std::string& comment);
    Result<void> Archive(const Actor& actor, std::int64_t id);

    // ---- history
    Result<std::vector<RevisionInfo>> History(const std::string& uid);
    Result<Revision> GetRevision(const std::string& uid, int number);
    // Makes an old revision's content the newest revision of a draft (editing
    // a published article starts its working copy). Nothing is lost.
    Result<std::int64_t> Restore(const Actor& actor, std::int64_t id, int number);

    // ---- feedback
    Result<void> AddFlag(const Actor& actor, std::int64_t id, FlagKind kind,
                         const std::string& comment);
    Result<void> ResolveFlags(const Actor& actor, std::int64_t id);
    Result<ReviewQueue> Queue(const Actor& actor, const std::string& today);

    // ---- autosave (editor drafts that survive a crash)
    Result<void> SaveAutosave(const Actor& actor, const Autosave& draft);
    Result<std::vector<Autosave>> Autosaves(const Actor& actor);
    Result<void> DropAutosave(const Actor& actor, const std::string& key);

    // ---- search
    Result<std::vector<SearchHit>> Search(const SearchQuery& query);
    // Articles relevant to free text (the wrap-up notes being typed).
    Result<std::vector<SearchHit>> Suggest(const std::string& text, const std::string& language,
                                           int limit = 5);
    Result<std::vector<MissedQuery>> MissedQueries(int limit = 100);
    // The FTS5 MATCH expression a query becomes (for tests and diagnostics);
    // empty when the text has no searchable word.
    std::string BuildMatch(const std::string& text, bool last_word_complete);
    // For civic_bm25(): how many articles hold each phrase of a MATCH
    // expression built here, in order ("-" where FTS5 must count).
    std::string PhraseCounts(std::string_view match);

    // The terms a query looks for, for re-ranking by title: whole terms, and
    // prefixes of the word being typed.
    struct QueryTerms
    {
        std::vector<std::string> terms;
        std::vector<std::string> prefixes;
        // A word of two letters still being typed: looked for in titles and
        // keywords (article_titles); after other words, the titles with a
        // word it starts come first.
        std::string title_prefix;
    };

    // ---- synonyms (kept by knowledge managers)
    // Terms may be phrases ("pot hole"). Errors: Denied, Invalid.
    Result<std::int64_t> AddSynonyms(const Actor& actor, const std::vector<std::string>& terms);
    Result<void> RemoveSynonyms(const Actor& actor, std::int64_t group);
    Result<std::map<std::int64_t, std::vector<std::string>>> Synonyms();

    // ---- exchange (Exchange.cpp)
    // XML in the documented format (docs in README); all or nothing.
    // Errors: Parse (naming line and element), Invalid, Constraint.
    Result<int> ImportXml(const std::filesystem::path& file, const Actor& actor);
    Result<int> ExportXml(const std::filesystem::path& file);
    // Managers' spreadsheets: a header row naming the columns. All or nothing.
    Result<int> ImportCsv(const std::filesystem::path& file, const Actor& actor);
    // Imports files in order (CSV by the .csv extension, else XML), each all
    // or nothing, stopping at the first that fails; the error names that
    // file. imported receives the count of each file imported. After a load
    // of many articles the search index is merged into one segment.
    Result<int> Import(const std::vector<std::filesystem::path>& files, const Actor& actor,
                       std::vector<int>* imported = nullptr);
    // Reads and checks a file as Import would (CSV by the .csv extension,
    // else XML) without a store: the count of articles it holds, or the
    // error Import would give. Any thread.
    static Result<int> CheckImportFile(const std::filesystem::path& file, const Actor& actor);
    // Loads the starter knowledge base when the store is empty.
    Result<int> SeedIfEmpty(const std::filesystem::path& seed_xml);

    Result<Stats> GetStats();

    // ---- shared knowledge base (Sync.cpp; the engine is KnowledgeSync.h)
    static std::string WriteShared(const SharedArticle& a);
    // Errors: Parse, naming `name` and the line or element.
    static Result<SharedArticle> ParseShared(const std::string& xml, const std::string& name);
    // The live article as a shared version (author: its latest revision's).
    Result<SharedArticle> SharedFromLive(const std::string& uid);
    // Makes a shared version the live article (inserting it when new) and a
    // revision in its history with `note`. A working copy being edited stays.
    // Returns the new revision number. Call it inside a store::Transaction,
    // with whatever records the agreement. Errors: Constraint, store errors.
    Result<int> ApplyShared(const SharedArticle& a, const std::string& note);
    // Reloads the vocabulary and synonyms after another connection (the sync)
    // changed the store.
    Result<void> Refresh() { return LoadCaches(); }

    std::int64_t Now() const;

private:
    KnowledgeBase() = default;
    struct ImportBatch; // Exchange.cpp
    // Read and check a whole file without touching the store (any thread).
    static Result<ImportBatch> ReadXml(const std::filesystem::path& file);
    static Result<ImportBatch> ReadCsv(const std::filesystem::path& file, const Actor& actor);
    Result<int> Apply(const ImportBatch& batch, const Actor& actor);
    // An article's sanitised content and the terms of its texts, made by an
    // import's second thread ahead of writing it (Exchange.cpp).
    struct Prepared
    {
        Content content;
        std::string text; // the body as plain text, as the index reads it
        // The non-empty texts' terms in the index's column order.
        std::vector<store::TokenStream> streams;
        size_t stream_count = 0;
    };
    class Preparer; // Exchange.cpp
    // FTS5's merging as outside an import (which switches it off).
    static constexpr const char* kMergeAsUsual =
        "INSERT INTO article_fts(article_fts, rank) VALUES('automerge', 4);"
        "INSERT INTO article_fts(article_fts, rank) VALUES('crisismerge', 16)";

    Result<Article> Load(store::Query& q);
    Result<void> Require(const Actor& actor, bool write) const;
    Result<int> AddRevision(const std::string& uid, const Content& c, Status status,
                            const std::string& author, const std::string& note);
    Result<void> WriteContent(std::int64_t id, const Content& c, Status status, int revision);
    Result<std::int64_t> InsertArticle(const std::string& uid, const std::string& group,
                                       const Content& c, Status status, int revision,
                                       std::optional<std::int64_t> working_copy_of,
                                       std::int64_t created_at);
    // Adds (or with add=false removes) a row's text in the search index.
    Result<void> Index(std::int64_t id, const Content& c, bool add);
    Result<void> DeleteArticle(std::int64_t id);
    Result<void> SetStatus(std::int64_t id, Status status, const std::string& submitted_by,
                           const std::string& comment);
    // Adds the words the index counted since the last call to the vocabulary.
    void LearnNewWords();
    // Drops what the index saw since the last LearnNewWords (rolled back).
    void ForgetNewWords();
    // The most used known words starting with prefix, most used first.
    std::vector<std::string> Completions(std::string_view prefix, size_t limit) const;
    Result<void> LoadCaches();
    std::vector<std::string> WordVariants(const std::string& word);
    // language: the search's language filter ('' for all), which decides
    // whether a known word is rare enough to be a slip.
    std::string BuildMatch(const std::string& text, bool last_word_complete, QueryTerms* terms,
                           const std::string& language = {});
    // Typo alternatives added to a word's quoted alternatives: completions
    // of prefixes one edit away (a word being typed), or known words one edit
    // away with their stems (a finished word); only words used more than
    // `above` times.
    void AddPrefixSlips(const std::string& word, std::vector<std::string>& alts, std::int64_t above);
    void AddWordSlips(const std::string& word, std::vector<std::string>& alts, std::int64_t above);
    // How many articles (in language, if given) match any of the quoted
    // alternatives, counted up to limit.
    int ArticlesHolding(const std::vector<std::string>& alts, const std::string& language, int limit);
    // A short passage of text around its first word the query looks for,
    // with that word and its neighbours marked; empty when no word matches.
    // Whether the text may hold a query word (a cheap look before converting it).
    static bool MayHold(std::string_view text, const QueryTerms& q);
    std::string MakeSnippet(const std::string& text, const QueryTerms& terms);
    std::string SnippetIn(std::string_view text, bool cut_before, bool cut_after,
                          const QueryTerms& terms);
    bool MatchesTerm(const std::string& word, const QueryTerms& terms);
    // Reads ranked candidates (id, uid, title, language, category, status,
    // score) and re-ranks them by title coverage; keeps the best `limit`.
    Result<std::vector<SearchHit>> RankHits(store::Query& q, const QueryTerms& terms, int limit);
    // Share of the title's words the query covers (0..1).
    double TitleCoverage(const std::string& title, const QueryTerms& terms);
    std::string NewUid();

    std::unique_ptr<store::Database> m_db;
    KnowledgeOptions m_options;
    std::shared_ptr<StopWords> m_stop_words;
    std::shared_ptr<WordUses> m_uses = std::make_shared<WordUses>();
    std::unique_ptr<Stemmer> m_stemmer;
    // Every folded word in the store and how often it is used: for typo
    // correction and completing the word being typed.
    std::map<std::string, std::uint32_t, std::less<>> m_vocabulary;
    // Imports collect word counts once at the end, not after every article.
    bool m_importing = false;
    // Set while an import writes a prepared article: Index adds it to the
    // index with these terms if it is that content, and says so in
    // m_prepared_used.
    const Prepared* m_prepared = nullptr;
    bool m_prepared_used = false;
    // Synonym lookup: folded token sequence -> the group's other terms.
    std::map<std::vector<std::string>, std::vector<std::vector<std::string>>> m_synonyms;
};

} // namespace civic::kb
