// KnowledgeService: the console's knowledge base on a thread of its own, so
// search never waits behind the console store (or the other way round).
//
// The constructor returns at once; the store is opened (and on first run
// seeded) on the service thread, and every call made after it runs once it is
// open. Each call below answers through its reply on the service thread
// (civic/Reply.h): windows wrap it with ui::OnWindow. When the store could not
// be opened, every call answers with that error.
//
// Thread-safe: call from any thread. The KnowledgeBase itself is only touched
// on the service thread.
#pragma once

#include <civic/Reply.h>
#include <civic/core/Executor.h>
#include <civic/core/Paths.h>
#include <civic/kb/Diff.h>
#include <civic/kb/KnowledgeBase.h>
#include <civic/kb/KnowledgeSync.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace civic::kb {

// An article as the reading pane shows it, with its other languages.
struct ArticleView
{
    Article article;
    std::vector<Article> translations;
};

// An article's revisions, newest first, and the uid they belong to.
struct ArticleHistory
{
    std::string uid;
    std::vector<RevisionInfo> revisions;
};

// What a knowledge manager has to do: the review queue and the articles
// changed both here and in the shared knowledge base.
struct ManagerWork
{
    ReviewQueue queue;
    std::vector<SyncConflict> conflicts;
};

enum class Resolution
{
    KeepMine,
    TakeShared,
    Merge, // the text given
};

class KnowledgeService
{
public:
    explicit KnowledgeService(const Paths& paths);
    ~KnowledgeService();

    // --- Reading --------------------------------------------------------------
    // Skipped without an answer when still_wanted() is false by the time it
    // would run (a newer keystroke is queued behind it).
    void Search(SearchQuery query, std::function<bool()> still_wanted, Reply<Result<std::vector<SearchHit>>> reply);
    // Articles for what the wrap-up's notes say, in any language.
    void Suggest(std::string text, int limit, Reply<Result<std::vector<SearchHit>>> reply);
    void Read(std::int64_t id, Reply<Result<ArticleView>> reply);
    void Get(std::int64_t id, Reply<Result<Article>> reply);
    // The languages articles are written in.
    void Languages(Reply<Result<std::vector<std::string>>> reply);
    void Flag(Actor actor, std::int64_t id, FlagKind kind, std::string comment, Reply<Result<void>> reply);

    // --- Writing --------------------------------------------------------------
    // The article to edit: a draft as it is; a published (or archived) one
    // through a draft copy, so agents keep reading the published text.
    void OpenForEditing(Actor actor, std::int64_t id, Reply<Result<Article>> reply);
    // Saves content as a new draft (id 0) or a draft's next revision, then
    // drops the autosave under autosave_key: the revision has replaced it.
    void SaveDraft(Actor actor, std::int64_t id, int base_revision, Content content, std::string autosave_key,
                   Reply<Result<Article>> reply);
    void SubmitForReview(Actor actor, std::int64_t id, Reply<Result<Article>> reply);
    void SaveAutosave(Actor actor, Autosave draft, Reply<Result<void>> reply);
    void DropAutosave(Actor actor, std::string key, Reply<Result<void>> reply);
    void Autosaves(Actor actor, Reply<Result<std::vector<Autosave>>> reply);

    // --- History and review ---------------------------------------------------
    void History(std::int64_t id, Reply<Result<ArticleHistory>> reply);
    void Diff(std::string uid, int from, int to, Reply<Result<std::vector<DiffLine>>> reply);
    // A new revision with revision `number`'s content; answers the article id.
    void Restore(Actor actor, std::int64_t id, int number, Reply<Result<std::int64_t>> reply);
    void Work(Actor actor, std::string today, Reply<Result<ManagerWork>> reply);
    void Approve(Actor actor, std::int64_t id, Reply<Result<void>> reply);
    void SendBack(Actor actor, std::int64_t id, std::string comment, Reply<Result<void>> reply);
    void ResolveFlags(Actor actor, std::int64_t id, Reply<Result<void>> reply);
    void ResolveConflict(Actor actor, std::string uid, Resolution how, Content merged, Reply<Result<void>> reply);
    // Articles changed both here and in the shared knowledge base.
    void CountConflicts(Reply<int> reply);

    // Runs fn(KnowledgeBase*, nullptr if it could not be opened) on the
    // service thread and waits for it: for callers that may block — the CLI
    // and tests — never a window.
    template <class F>
    auto Submit(F fn)
    {
        return m_executor->Submit([this, fn = std::move(fn)]() mutable { return fn(m_kb.get()); });
    }

    // The shared knowledge base: sync rounds run on a thread of their own with
    // a connection of their own, so searching never waits on the network.
    SerialExecutor& SyncExecutor() { return *m_sync_executor; }
    // One round (KnowledgeSync::Run). When it brought changes, the service's
    // knowledge base reloads its word lists before later tasks run.
    // Sync thread only: it blocks on the network.
    Result<SyncReport> SyncOnce(KnowledgeSource& source);

private:
    // Runs f(KnowledgeBase&) on the service thread; reply gets its result, or
    // the error that kept the store from opening.
    template <class R, class F>
    void OnKb(F f, Reply<R> reply);

    std::unique_ptr<SerialExecutor> m_executor;
    std::unique_ptr<KnowledgeBase> m_kb; // service thread only
    std::optional<Error> m_error;        // service thread only
    Paths m_paths;
    std::unique_ptr<SerialExecutor> m_sync_executor;
    std::unique_ptr<KnowledgeBase> m_sync_kb; // sync thread only
};

} // namespace civic::kb
