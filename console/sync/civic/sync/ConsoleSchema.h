// console.db's schema: the modules that keep tables in it, each numbering its
// own steps (store::SchemaModule), in the order they run. Sync's tables
// reference contacts' (an outbox entry's interaction and request), so sync
// comes last; a plugin with tables of its own appends its module.
#pragma once

#include <civic/store/Database.h>

namespace civic::sync {

// Sync's own module: outbox, catalog, drafts, the CRM's requests.
store::SchemaModule Schema();

// Core's, contacts' and sync's modules: what every opener of console.db passes.
store::Schema ConsoleSchema();

} // namespace civic::sync
