// Internal to civicdesk_services: a service call that runs on the console
// store's thread and replies there.
#pragma once

#include <civic/core/Console.h>
#include <civic/services/Reply.h>

#include <utility>

namespace civic::services::detail {

// Posts f(db) to the store thread; reply gets its result there.
template <class F, class R>
void OnStore(Console& console, F f, Reply<R> reply)
{
    console.Store().Post([f = std::move(f), reply = std::move(reply)](store::Database& db) mutable {
        Answer(reply, f(db));
    });
}

} // namespace civic::services::detail
