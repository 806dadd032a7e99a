// CenterService: the console's link to its center (console/center), on a
// thread of its own with a store connection of its own, so that neither the
// UI thread nor the store thread ever waits on PostgreSQL.
//
// Once started, the thread sends what this seat records within a fifth of a
// second (it looks at the local queue that often), and applies other seats'
// changes as soon as their commit is announced (LISTEN/NOTIFY), and every
// 10 s in any case (a NOTIFY lost with a connection, or a pooler that drops
// them). With the center unreachable it tries again after 2, 4, 8, 10, 10 ... s,
// and at once whenever something new is recorded here; the seat works on its
// own store meanwhile and nothing it records is lost.
#pragma once

#include <civic/Result.h>
#include <civic/center/Center.h>
#include <civic/core/Paths.h>
#include <civic/services/Listeners.h>
#include <civic/services/Reply.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace civic::services {

// What the windows hear after a round that did something, or when the link
// goes down or comes back.
struct CenterRound
{
    bool joined = false;
    bool online = false;
    std::string error;           // why not online
    center::RoundReport report;  // this round's
    std::int64_t queued = 0;     // still waiting to be sent
};

class CenterService
{
public:
    explicit CenterService(Paths paths);
    ~CenterService();

    // Rounds begin (the GUI); the CLI uses Join and Status only. Idempotent.
    void Start();
    // A round now (Settings saved, the agent asked).
    void SyncNow();
    // Joins this store to the center at url (its password, if any, goes to
    // the secret store, not console.db).
    void Join(std::string url, std::string seat_name, Reply<Result<center::JoinReport>> reply);
    // The link as this store knows it, and the center's lag when reachable.
    void GetStatus(Reply<Result<center::Status>> reply);
    Listeners<CenterRound>& Rounds() { return m_rounds; }

private:
    void Post(std::function<void()> task);
    void Loop();
    void RoundOnce(bool pull);

    Paths m_paths;
    Listeners<CenterRound> m_rounds;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::function<void()>> m_tasks;
    bool m_stop = false;
    std::atomic<bool> m_started{false}, m_poke{false};
    // The loop's own, touched on its thread only.
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<center::Seat> m_seat;
    bool m_online = false;
    std::string m_last_error;
    std::int64_t m_shown_queued = -1; // as the windows last heard
    std::thread m_thread; // last: joined first
};

} // namespace civic::services
