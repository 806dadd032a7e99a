// The core's schema module in console.db (settings, audit log); the other
// modules sharing the file are listed by sync::ConsoleSchema().
#pragma once

#include <civic/store/Database.h>

namespace civic {

store::SchemaModule CoreSchema();

} // namespace civic
