#include <civic/services/Scheduler.h>

#include <algorithm>

namespace civic::services {

Scheduler::Scheduler() : m_thread([this] { Run(); }) {}

Scheduler::~Scheduler()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_changed.notify_all();
    m_thread.join();
}

Scheduler::Job Scheduler::Add(std::string name, Clock::duration first, Clock::duration every,
                              std::function<void()> fn)
{
    std::lock_guard lock(m_mutex);
    m_jobs.push_back({std::move(name), Clock::now() + first, every, std::move(fn)});
    m_changed.notify_all();
    return m_jobs.size() - 1;
}

void Scheduler::Delay(Job job, Clock::duration delay)
{
    std::lock_guard lock(m_mutex);
    if (job >= m_jobs.size())
        return;
    const auto due = Clock::now() + delay;
    const bool sooner = due < m_jobs[job].due;
    m_jobs[job].due = due;
    // A later run needs no wake-up: the thread finds it not due and waits on.
    // (A round started by hand every few milliseconds would otherwise wake
    // this thread as often, on two cores that the UI thread shares.)
    if (sooner)
        m_changed.notify_all();
}

void Scheduler::Run()
{
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        if (m_jobs.empty()) {
            m_changed.wait(lock);
            continue;
        }
        auto next = std::min_element(m_jobs.begin(), m_jobs.end(),
                                     [](const Entry& a, const Entry& b) { return a.due < b.due; });
        if (Clock::now() < next->due) {
            // Woken early by Add, Delay or the destructor: look again.
            m_changed.wait_until(lock, next->due);
            continue;
        }
        next->due = Clock::now() + next->every;
        auto fn = next->fn; // a copy: Add may grow m_jobs while it runs
        lock.unlock();
        fn();
        lock.lock();
    }
}

} // namespace civic::services
