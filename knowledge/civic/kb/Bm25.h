// The knowledge base's ranking: BM25 as FTS5's bm25(), fed the phrase
// counts the search keeps (Bm25.cpp says how), registered through the
// store's rank hook.
#pragma once

#include <civic/Result.h>
#include <civic/store/Database.h>

#include <string>

namespace civic::kb {

// Registers `name`(table, weight per column..., counts) on db. Errors: Invalid.
Result<void> RegisterBm25(store::Database& db, const std::string& name);

} // namespace civic::kb
