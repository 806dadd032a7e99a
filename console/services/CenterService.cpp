#include <civic/services/CenterService.h>

#include <civic/core/Secrets.h>
#include <civic/sync/ConsoleSchema.h>

#include <algorithm>
#include <chrono>

namespace civic::services {

namespace {

using Clock = std::chrono::steady_clock;

std::string PasswordFor(const Paths& paths, const std::string& url)
{
    return SecretFor(paths, "center:" + url, "CIVICDESK_CENTER_PASSWORD");
}

std::int64_t QueuedOr0(center::Seat& seat)
{
    auto q = seat.Queued();
    return q ? q.Value() : 0;
}

} // namespace

CenterService::CenterService(Paths paths) : m_paths(std::move(paths))
{
    m_thread = std::thread([this] { Loop(); });
}

CenterService::~CenterService()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void CenterService::Start()
{
    m_started = true;
    SyncNow();
}

void CenterService::SyncNow()
{
    m_poke = true;
    m_cv.notify_all();
}

void CenterService::Post(std::function<void()> task)
{
    {
        std::lock_guard lock(m_mutex);
        m_tasks.push_back(std::move(task));
    }
    m_cv.notify_all();
}

void CenterService::Join(std::string url, std::string seat_name, Reply<Result<center::JoinReport>> reply)
{
    Post([this, url = std::move(url), seat_name = std::move(seat_name), reply = std::move(reply)] {
        if (!m_db) {
            reply(Error{ErrorKind::Io, "the console's store is not open"});
            return;
        }
        auto joined = center::Join(*m_db, url, seat_name);
        if (joined && !joined->password.empty())
            (void)SaveApiKey(m_paths, "center:" + center::SplitPassword(url).first, joined->password);
        m_seat.reset();
        reply(std::move(joined));
        SyncNow();
    });
}

void CenterService::GetStatus(Reply<Result<center::Status>> reply)
{
    Post([this, reply = std::move(reply)] {
        if (!m_db) {
            reply(Error{ErrorKind::Io, "the console's store is not open"});
            return;
        }
        auto s = center::LocalStatus(*m_db);
        if (s && s->joined && m_seat)
            (void)m_seat->Measure(s.Value());
        reply(std::move(s));
    });
}

void CenterService::RoundOnce(bool pull)
{
    CenterRound round;
    round.joined = true;
    auto pushed = m_seat->Push();
    Result<center::RoundReport> pulled = center::RoundReport{};
    if (pushed && pull)
        pulled = m_seat->Pull();
    const bool ok = pushed && pulled;
    round.online = ok;
    round.error = !pushed ? pushed.Err().message : !pulled ? pulled.Err().message : std::string();
    if (ok) {
        round.report = pulled.Value();
        round.report.pushed = pushed.Value();
    }
    round.queued = QueuedOr0(*m_seat);
    const bool changed = ok != m_online || round.error != m_last_error || round.queued != m_shown_queued;
    m_shown_queued = round.queued;
    m_online = ok;
    m_last_error = round.error;
    if (changed || round.report.pushed || round.report.pulled || round.report.parked)
        m_rounds.Emit(round);
}

void CenterService::Loop()
{
    auto last_pull = Clock::now() - std::chrono::hours(1);
    auto next_try = Clock::now();
    int backoff_s = 2;
    bool notified = false;
    std::int64_t queued_at_try = 0;
    for (;;) {
        std::deque<std::function<void()>> tasks;
        {
            std::unique_lock lock(m_mutex);
            if (m_stop)
                return;
            tasks.swap(m_tasks);
        }
        // The store connection once there is work for it: a CLI command that
        // never asks for the center opens nothing here.
        if (!m_db && (m_started || !tasks.empty())) {
            auto opened = store::Database::Open(m_paths.ConsoleDb(), sync::ConsoleSchema());
            if (opened)
                m_db = std::move(opened).Value();
        }
        for (auto& t : tasks)
            t();
        const bool poked = m_poke.exchange(false);
        if (m_started && m_db) {
            if (!m_seat) {
                auto s = center::LocalStatus(*m_db);
                if (s && s->joined) {
                    auto seat = center::Seat::Connect(*m_db, PasswordFor(m_paths, s->url));
                    if (seat)
                        m_seat = std::move(seat).Value();
                }
            }
            // Something new recorded here is tried at once, whatever the backoff:
            // the agent sees at once whether it reached the center.
            const std::int64_t queued = m_seat ? QueuedOr0(*m_seat) : 0;
            const bool fresh = queued > queued_at_try;
            if (m_seat && (Clock::now() >= next_try || poked || fresh)) {
                const bool pull = notified || poked || !m_online || Clock::now() - last_pull >= std::chrono::seconds(10);
                const bool push = queued > 0;
                if (push || pull) {
                    RoundOnce(pull);
                    queued_at_try = QueuedOr0(*m_seat); // what is left after the round
                    if (m_online) {
                        if (pull)
                            last_pull = Clock::now();
                        backoff_s = 2;
                        next_try = Clock::now();
                    } else {
                        next_try = Clock::now() + std::chrono::seconds(backoff_s);
                        backoff_s = std::min(backoff_s * 2, 10);
                    }
                }
                notified = false;
            }
        }
        // Wait for another seat's commit (online), a task, or a fifth of a second.
        if (m_seat && m_online) {
            auto w = m_seat->Wait(200);
            notified = w && w.Value();
            if (!w) {
                // The center went away between rounds: said at once, and a
                // round tried (and retried) to see when it is back.
                m_online = false;
                m_last_error = w.Err().message;
                CenterRound down;
                down.joined = true;
                down.error = m_last_error;
                down.queued = QueuedOr0(*m_seat);
                m_rounds.Emit(down);
                next_try = Clock::now() + std::chrono::seconds(backoff_s);
            }
        } else {
            std::unique_lock lock(m_mutex);
            m_cv.wait_for(lock, std::chrono::milliseconds(200),
                          [this] { return m_stop || !m_tasks.empty() || m_poke.load(); });
        }
    }
}

} // namespace civic::services
