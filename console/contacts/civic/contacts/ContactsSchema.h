// Contacts' schema module in console.db; it references no other module's
// tables, and sync's reference its (sync::ConsoleSchema() lists the order).
#pragma once

#include <civic/store/Database.h>

namespace civic::contacts {

store::SchemaModule Schema();

} // namespace civic::contacts
