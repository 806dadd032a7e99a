// KnowledgeService: the console's knowledge base on a thread of its own, so
// search never waits behind the console store (or the other way round).
//
// Open() returns at once; the store is opened (and on first run seeded) on the
// service thread, and every task posted after it runs once it is open. A task
// finds the KnowledgeBase, or — if opening failed — the error (OpenError()).
//
// Thread-safe: Post and Submit from any thread. The KnowledgeBase itself is
// only touched on the service thread.
#pragma once

#include <civic/core/Executor.h>
#include <civic/core/Paths.h>
#include <civic/kb/KnowledgeBase.h>
#include <civic/kb/KnowledgeSync.h>

#include <functional>
#include <memory>
#include <optional>

namespace civic::kb {

class KnowledgeService
{
public:
    explicit KnowledgeService(const Paths& paths);
    ~KnowledgeService();

    // fn gets the knowledge base, or nullptr when it could not be opened.
    void Post(std::function<void(KnowledgeBase*)> fn);

    template <class F>
    auto Submit(F fn)
    {
        return m_executor->Submit([this, fn = std::move(fn)]() mutable { return fn(m_kb.get()); });
    }

    SerialExecutor& Executor() { return *m_executor; }

    // The shared knowledge base: sync rounds run on a thread of their own with
    // a connection of their own, so searching never waits on the network.
    SerialExecutor& SyncExecutor() { return *m_sync_executor; }
    // One round (KnowledgeSync::Run). When it brought changes, the service's
    // knowledge base reloads its word lists before later tasks run.
    // Sync thread only: it blocks on the network.
    Result<SyncReport> SyncOnce(KnowledgeSource& source);

    // On the service thread: the knowledge base (nullptr if opening failed) and
    // why it failed.
    KnowledgeBase* Kb() { return m_kb.get(); }
    const std::optional<Error>& OpenError() const { return m_error; }

private:
    std::unique_ptr<SerialExecutor> m_executor;
    std::unique_ptr<KnowledgeBase> m_kb; // service thread only
    std::optional<Error> m_error;        // service thread only
    Paths m_paths;
    std::unique_ptr<SerialExecutor> m_sync_executor;
    std::unique_ptr<KnowledgeBase> m_sync_kb; // sync thread only
};

} // namespace civic::kb
