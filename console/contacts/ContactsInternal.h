// Internal to civicdesk_contacts: what its files (records, search,
// interactions, timeline, merges) share. Not installed.
#pragma once

#include <civic/Result.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace civic::store {
class Database;
}

namespace civic::contacts::detail {

std::int64_t Now();
// The smallest string above every string starting with prefix, for index
// range scans: "abc" -> "abd".
std::string PrefixEnd(std::string prefix);
// Levenshtein distance, stopping early above 1: "similar names" are one typo apart.
bool WithinOneEdit(std::string_view a, std::string_view b);
// Schema step contacts/4: uids, the center's queue and the triggers filling it (CenterHooks.cpp).
Result<void> CreateCenterHooks(store::Database& db);

} // namespace civic::contacts::detail
