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
        Post([](KnowledgeBase* kb) {
            if (kb)
                (void)kb->Refresh();
        });
    return report;
}

void KnowledgeService::Post(std::function<void(KnowledgeBase*)> fn)
{
    m_executor->Post([this, fn = std::move(fn)] { fn(m_kb.get()); });
}

} // namespace civic::kb
