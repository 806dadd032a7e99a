// SerialExecutor: one background thread running tasks in the order posted.
//
// The core owns two: one for the local store (the only thread that touches the
// console's Database) and one for the network. The UI posts work here and gets
// results back on its own thread (see console/ui/Async.h); it never waits.
//
// Thread-safe: Post/Submit may be called from any thread. A task that throws
// terminates the program (bugs are exceptions, expected failures are Results).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>

namespace civic {

class SerialExecutor
{
public:
    explicit SerialExecutor(std::string name);
    // Runs every task already posted, then joins the thread.
    ~SerialExecutor();
    SerialExecutor(const SerialExecutor&) = delete;
    SerialExecutor& operator=(const SerialExecutor&) = delete;

    void Post(std::function<void()> task);

    // Posts f and returns a future for its result. Only for callers that may
    // block: start-up, the CLI, tests. Never wait on it from the UI thread.
    template <class F>
    auto Submit(F f) -> std::future<decltype(f())>
    {
        using R = decltype(f());
        auto task = std::make_shared<std::packaged_task<R()>>(std::move(f));
        auto future = task->get_future();
        Post([task] { (*task)(); });
        return future;
    }

    // True on the executor's own thread.
    bool IsCurrent() const { return std::this_thread::get_id() == m_thread.get_id(); }

    // Blocks until every task posted before the call has run.
    void Drain();

    const std::string& Name() const { return m_name; }

private:
    void Run();

    std::string m_name;
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::deque<std::function<void()>> m_tasks;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace civic
