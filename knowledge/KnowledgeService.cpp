#include <civic/kb/KnowledgeService.h>

#include <civic/kb/Open.h>

namespace civic::kb {

KnowledgeService::KnowledgeService(const Paths& paths)
    : m_executor(std::make_unique<SerialExecutor>("civic-kb"))
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
    m_executor->Post([this] { m_kb.reset(); });
    m_executor.reset();
}

void KnowledgeService::Post(std::function<void(KnowledgeBase*)> fn)
{
    m_executor->Post([this, fn = std::move(fn)] { fn(m_kb.get()); });
}

} // namespace civic::kb
