// Reply<T>: how a service hands a result back.
//
// Every service call returns at once and later calls its reply exactly once,
// on the service's own thread (the store thread, the CRM thread, ...). A reply
// must not block that thread: windows wrap theirs with ui::OnWindow, which
// hops onto the UI thread and drops the result when the window has closed.
// An empty reply is allowed: the work is done, the result is not wanted.
#pragma once

#include <functional>
#include <future>
#include <memory>
#include <utility>

namespace civic {

template <class T>
using Reply = std::function<void(T)>;

// Calls reply with value when there is one to call.
template <class T, class V>
void Answer(const Reply<T>& reply, V&& value)
{
    if (reply)
        reply(std::forward<V>(value));
}

// Calls call(reply) and waits for the reply's value. Only for callers that
// may block — the CLI and tests — never a window.
template <class T, class Call>
T Await(Call call)
{
    auto promise = std::make_shared<std::promise<T>>();
    auto future = promise->get_future();
    call(Reply<T>([promise](T value) { promise->set_value(std::move(value)); }));
    return future.get();
}

} // namespace civic
