// Listeners<T>: a session's event (a CRM round ended, the outbox count
// changed) and who wants to hear of it.
//
// Thread-safe: Add, the Subscription's destructor and Emit may run on any
// thread. Listeners run on the emitting thread, outside the lock, in the order
// they were added; like a Reply they must not block it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

namespace civic::services {

// Ends a listener's subscription when destroyed (or reset).
class Subscription
{
public:
    Subscription() = default;
    explicit Subscription(std::function<void()> end) : m_end(std::move(end)) {}
    Subscription(Subscription&& o) noexcept : m_end(std::exchange(o.m_end, {})) {}
    Subscription& operator=(Subscription&& o) noexcept
    {
        Reset();
        m_end = std::exchange(o.m_end, {});
        return *this;
    }
    ~Subscription() { Reset(); }
    void Reset()
    {
        if (m_end)
            std::exchange(m_end, {})();
    }

private:
    std::function<void()> m_end;
};

template <class T>
class Listeners
{
public:
    using Fn = std::function<void(const T&)>;

    // The subscription must not outlive this object.
    Subscription Add(Fn fn)
    {
        std::lock_guard lock(m_state->mutex);
        const auto id = ++m_state->next_id;
        m_state->fns.emplace_back(id, std::make_shared<Fn>(std::move(fn)));
        return Subscription([state = m_state, id] {
            std::lock_guard l(state->mutex);
            std::erase_if(state->fns, [id](const auto& e) { return e.first == id; });
        });
    }

    void Emit(const T& value) const
    {
        std::vector<std::shared_ptr<Fn>> fns;
        {
            std::lock_guard lock(m_state->mutex);
            for (const auto& e : m_state->fns)
                fns.push_back(e.second);
        }
        for (const auto& f : fns)
            (*f)(value);
    }

private:
    struct State
    {
        std::mutex mutex;
        std::uint64_t next_id = 0;
        std::vector<std::pair<std::uint64_t, std::shared_ptr<Fn>>> fns;
    };
    std::shared_ptr<State> m_state = std::make_shared<State>();
};

} // namespace civic::services
