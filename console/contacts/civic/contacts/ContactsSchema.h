// Contacts' schema module in console.db; it references no other module's
// tables, and sync's reference its (sync::ConsoleSchema() lists the order).
#pragma once

#include <civic/Result.h>
#include <civic/store/Database.h>

#include <cstdint>

namespace civic::contacts {

store::SchemaModule Schema();

// Queues every shared row of this store for the center it is joining (its
// own history, uploaded once), in the caller's transaction; returns how
// many changes (CenterHooks.cpp, console/center).
Result<std::int64_t> QueueHistoryForCenter(store::Database& db);

} // namespace civic::contacts
