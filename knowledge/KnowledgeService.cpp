#include <civic/kb/KnowledgeService.h>

#include <civic/kb/Open.h>

namespace civic::kb {

KnowledgeService::KnowledgeService(const Paths& paths)
    : m_executor(std::make_unique<SerialExecutor>("civic-kb")),
      m_paths(paths),
      m_sync_executor(std::make_unique<SerialExecutor>("civic-kb-sync"))
{
    m_executor->Post([this, paths] {
        auto kb = OpenForConsole(paths);
        if (kb)
            m_kb = std::move(kb).Value();
        else
            m_error = kb.Err();
    });
}

KnowledgeService::~KnowledgeService()
{
    m_sync_executor->Post([this] { m_sync_kb.reset(); });
    m_sync_executor.reset();
    m_executor->Post([this] { m_kb.reset(); });
    m_executor.reset();
}

Result<SyncReport> KnowledgeService::SyncOnce(KnowledgeSource& source)
{
    if (!m_sync_kb) {
        // After the service thread has created (and seeded) the store.
        auto opened = m_executor->Submit([this]() -> Result<void> {
                                     if (m_error)
                                         return *m_error;
                                     return Ok();
                                 }).get();
        if (!opened)
            return opened.Err();
        auto kb = KnowledgeBase::Open(m_paths.KnowledgeDb(), OptionsFor(m_paths));
        if (!kb)
            return kb.Err();
        m_sync_kb = std::move(kb).Value();
    }
    if (auto r = m_sync_kb->Refresh(); !r) // resolutions made on the service thread
        return r.Err();
    auto report = KnowledgeSync(*m_sync_kb).Run(source);
    if (report && report->Changed())
        m_executor->Post([this] {
            if (m_kb)
                (void)m_kb->Refresh();
        });
    return report;
}

template <class R, class F>
void KnowledgeService::OnKb(F f, Reply<R> reply)
{
    m_executor->Post([this, f = std::move(f), reply = std::move(reply)]() mutable {
        if (!m_kb)
            Answer(reply, R(*m_error));
        else
            Answer(reply, R(f(*m_kb)));
    });
}

void KnowledgeService::Search(SearchQuery query, std::function<bool()> still_wanted,
                              Reply<Result<std::vector<SearchHit>>> reply)
{
    m_executor->Post([this, query = std::move(query), still_wanted = std::move(still_wanted),
                      reply = std::move(reply)] {
        if (still_wanted && !still_wanted())
            return;
        if (!m_kb)
            Answer(reply, Result<std::vector<SearchHit>>(*m_error));
        else
            Answer(reply, m_kb->Search(query));
    });
}

void KnowledgeService::Suggest(std::string text, int limit, Reply<Result<std::vector<SearchHit>>> reply)
{
    OnKb([text = std::move(text), limit](KnowledgeBase& kb) { return kb.Suggest(text, "", limit); },
         std::move(reply));
}

void KnowledgeService::Read(std::int64_t id, Reply<Result<ArticleView>> reply)
{
    OnKb([id](KnowledgeBase& kb) -> Result<ArticleView> {
        auto a = kb.Get(id);
        if (!a)
            return a.Err();
        // Without its translations the article still reads.
        auto t = kb.Translations(id);
        return ArticleView{std::move(a).Value(), t ? std::move(t).Value() : std::vector<Article>{}};
    }, std::move(reply));
}

void KnowledgeService::Get(std::int64_t id, Reply<Result<Article>> reply)
{
    OnKb([id](KnowledgeBase& kb) { return kb.Get(id); }, std::move(reply));
}

void KnowledgeService::Languages(Reply<Result<std::vector<std::string>>> reply)
{
    OnKb([](KnowledgeBase& kb) -> Result<std::vector<std::string>> {
        auto stats = kb.GetStats();
        if (!stats)
            return stats.Err();
        std::vector<std::string> languages;
        for (const auto& [language, n] : stats->by_language)
            languages.push_back(language);
        return languages;
    }, std::move(reply));
}

void KnowledgeService::Flag(Actor actor, std::int64_t id, FlagKind kind, std::string comment,
                            Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), id, kind, comment = std::move(comment)](KnowledgeBase& kb) {
        return kb.AddFlag(actor, id, kind, comment);
    }, std::move(reply));
}

void KnowledgeService::OpenForEditing(Actor actor, std::int64_t id, Reply<Result<Article>> reply)
{
    OnKb([actor = std::move(actor), id](KnowledgeBase& kb) -> Result<Article> {
        auto a = kb.Get(id);
        if (!a)
            return a.Err();
        if (a->status != Status::Published && a->status != Status::Archived)
            return a;
        auto copy = kb.StartEdit(actor, id);
        if (!copy)
            return copy.Err();
        return kb.Get(copy.Value());
    }, std::move(reply));
}

void KnowledgeService::SaveDraft(Actor actor, std::int64_t id, int base_revision, Content content,
                                 std::string autosave_key, Reply<Result<Article>> reply)
{
    OnKb([actor = std::move(actor), id, base_revision, content = std::move(content),
          key = std::move(autosave_key)](KnowledgeBase& kb) -> Result<Article> {
        std::int64_t saved = id;
        if (id == 0) {
            auto created = kb.CreateDraft(actor, content);
            if (!created)
                return created.Err();
            saved = created.Value();
        } else if (auto r = kb.SaveDraft(actor, id, content, base_revision); !r) {
            return r.Err();
        }
        (void)kb.DropAutosave(actor, key); // a stale autosave only offers itself again
        return kb.Get(saved);
    }, std::move(reply));
}

void KnowledgeService::SubmitForReview(Actor actor, std::int64_t id, Reply<Result<Article>> reply)
{
    OnKb([actor = std::move(actor), id](KnowledgeBase& kb) -> Result<Article> {
        if (auto r = kb.Submit(actor, id); !r)
            return r.Err();
        return kb.Get(id);
    }, std::move(reply));
}

void KnowledgeService::SaveAutosave(Actor actor, Autosave draft, Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), draft = std::move(draft)](KnowledgeBase& kb) {
        return kb.SaveAutosave(actor, draft);
    }, std::move(reply));
}

void KnowledgeService::DropAutosave(Actor actor, std::string key, Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), key = std::move(key)](KnowledgeBase& kb) { return kb.DropAutosave(actor, key); },
         std::move(reply));
}

void KnowledgeService::Autosaves(Actor actor, Reply<Result<std::vector<Autosave>>> reply)
{
    OnKb([actor = std::move(actor)](KnowledgeBase& kb) { return kb.Autosaves(actor); }, std::move(reply));
}

void KnowledgeService::History(std::int64_t id, Reply<Result<ArticleHistory>> reply)
{
    OnKb([id](KnowledgeBase& kb) -> Result<ArticleHistory> {
        auto a = kb.Get(id);
        if (!a)
            return a.Err();
        auto h = kb.History(a->uid);
        if (!h)
            return h.Err();
        return ArticleHistory{a->uid, std::move(h).Value()};
    }, std::move(reply));
}

void KnowledgeService::Diff(std::string uid, int from, int to, Reply<Result<std::vector<DiffLine>>> reply)
{
    OnKb([uid = std::move(uid), from, to](KnowledgeBase& kb) -> Result<std::vector<DiffLine>> {
        auto a = kb.GetRevision(uid, from);
        if (!a)
            return a.Err();
        auto b = kb.GetRevision(uid, to);
        if (!b)
            return b.Err();
        return DiffContent(a->content, b->content);
    }, std::move(reply));
}

void KnowledgeService::Restore(Actor actor, std::int64_t id, int number, Reply<Result<std::int64_t>> reply)
{
    OnKb([actor = std::move(actor), id, number](KnowledgeBase& kb) { return kb.Restore(actor, id, number); },
         std::move(reply));
}

void KnowledgeService::Work(Actor actor, std::string today, Reply<Result<ManagerWork>> reply)
{
    OnKb([actor = std::move(actor), today = std::move(today)](KnowledgeBase& kb) -> Result<ManagerWork> {
        auto q = kb.Queue(actor, today);
        if (!q)
            return q.Err();
        auto c = KnowledgeSync(kb).Conflicts();
        if (!c)
            return c.Err();
        return ManagerWork{std::move(q).Value(), std::move(c).Value()};
    }, std::move(reply));
}

void KnowledgeService::Approve(Actor actor, std::int64_t id, Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), id](KnowledgeBase& kb) { return kb.Approve(actor, id); }, std::move(reply));
}

void KnowledgeService::SendBack(Actor actor, std::int64_t id, std::string comment, Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), id, comment = std::move(comment)](KnowledgeBase& kb) {
        return kb.SendBack(actor, id, comment);
    }, std::move(reply));
}

void KnowledgeService::ResolveFlags(Actor actor, std::int64_t id, Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), id](KnowledgeBase& kb) { return kb.ResolveFlags(actor, id); },
         std::move(reply));
}

void KnowledgeService::ResolveConflict(Actor actor, std::string uid, Resolution how, Content merged,
                                       Reply<Result<void>> reply)
{
    OnKb([actor = std::move(actor), uid = std::move(uid), how, merged = std::move(merged)](KnowledgeBase& kb) {
        KnowledgeSync sync(kb);
        switch (how) {
        case Resolution::KeepMine: return sync.KeepMine(actor, uid);
        case Resolution::TakeShared: return sync.TakeShared(actor, uid);
        case Resolution::Merge: break;
        }
        return sync.Merge(actor, uid, merged);
    }, std::move(reply));
}

void KnowledgeService::CountConflicts(Reply<int> reply)
{
    m_executor->Post([this, reply = std::move(reply)] {
        auto c = m_kb ? KnowledgeSync(*m_kb).Conflicts() : Result<std::vector<SyncConflict>>(*m_error);
        Answer(reply, c ? static_cast<int>(c->size()) : 0);
    });
}

} // namespace civic::kb
