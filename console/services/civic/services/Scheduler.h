// Scheduler: the session's periodic jobs (a CRM round every 30 s, a knowledge
// sync every 5 minutes, the outbox count) on one timer thread of its own.
//
// A job's function runs on the timer thread and must only post work to a
// service's thread: it never does the work itself, so one slow round cannot
// delay another job. Delay(job, d) moves a job's next run to now + d (a round
// started by hand restarts its wait, as a timer would).
//
// Thread-safe: every method may be called from any thread. The destructor
// stops the thread; no job runs after it returns.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace civic::services {

class Scheduler
{
public:
    using Clock = std::chrono::steady_clock;
    using Job = std::size_t;

    Scheduler();
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Runs fn first after `first`, then every `every` after each run.
    Job Add(std::string name, Clock::duration first, Clock::duration every, std::function<void()> fn);
    void Delay(Job job, Clock::duration delay);

private:
    struct Entry
    {
        std::string name;
        Clock::time_point due;
        Clock::duration every;
        std::function<void()> fn;
    };
    void Run();

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::vector<Entry> m_jobs;
    bool m_stopping = false;
    std::thread m_thread; // last: started once the rest exists
};

} // namespace civic::services
