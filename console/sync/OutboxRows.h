// Internal to civicdesk_sync: the outbox's rows as the files of the outbox
// (submit, view, delivery, status sync) read and write them. Not installed.
#pragma once

#include <civic/sync/Outbox.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace civic::sync::detail {

using nlohmann::json;

std::int64_t Now();
// An entry still failing this long after it was filed is pointed out to the
// agent (CountOutbox) and its error says for how long.
inline constexpr std::int64_t kFailingLongAfterS = 3600;
// A new idempotency key: 32 random hex digits.
std::string NewKey();
State StateFrom(const std::string& s);
// A request as stored (and as wrap-up JSON carries it), and back.
json RequestJson(const crm::NewRequest& r);
crm::NewRequest RequestFrom(const json& j);
// What the CRM receives: the agent's description and the reference that
// lets a lost answer be found again.
crm::NewRequest WithReference(crm::NewRequest r, const std::string& key);
Result<void> SetState(store::Database& db, std::int64_t id, State s, const std::string& error, std::int64_t next_at,
                      bool count_attempt, std::optional<bool> uncertain = std::nullopt);
// Entries delivered, for a whole chunk (a JSON array of [outbox id, local
// request, CRM id, token, notice]), inside the caller's transaction.
Result<void> RecordDelivered(store::Database& db, const std::string& batch, bool count_attempt);
// A stored payload, {"request": {...}, "service_name": "..."}; false when unreadable.
bool ReadPayload(std::string_view text, crm::NewRequest& r, std::string& service_name);
// The two readers it tries. Fast (PayloadReader.cpp): a payload in the shape
// RequestJson writes, false for anything else, leaving r and service_name
// partly written. General: any JSON document, read by nlohmann's parser.
// Where both read a document they read the same (fuzz_outbox_payload).
bool ReadPayloadFast(std::string_view text, crm::NewRequest& r, std::string& service_name);
bool ReadPayloadGeneral(std::string_view text, crm::NewRequest& r, std::string& service_name);
// An entry from a row of kEntryColumns or kDueColumns.
Entry EntryFrom(store::Query& q);
// A CRM status word that means the request is finished.
bool IsClosed(const std::string& status);

#define CIVIC_ENTRY_SELECT                                                                                         \
    "SELECT o.id, o.idempotency_key, o.state, o.attempts, o.next_attempt_at, o.last_error, o.remote_id, o.token, " \
    "o.uncertain, o.created_at, o.updated_at, o.interaction, o.request, p.payload, "
#define CIVIC_ENTRY_FROM "FROM outbox o "
#define CIVIC_ENTRY_PAYLOAD "LEFT JOIN outbox_request p ON p.entry = o.id "
inline constexpr const char* kEntryColumns = CIVIC_ENTRY_SELECT "c.name " CIVIC_ENTRY_FROM CIVIC_ENTRY_PAYLOAD
    "LEFT JOIN interaction i ON i.id = o.interaction LEFT JOIN contact c ON c.id = i.contact ";
// The due entries in filing order straight from the partial index: the
// planner would otherwise take the state index and sort every pending row
// to return the first thousand. Delivery has no use for the caller's name.
inline constexpr const char* kDueColumns =
    CIVIC_ENTRY_SELECT "NULL " CIVIC_ENTRY_FROM "INDEXED BY outbox_due " CIVIC_ENTRY_PAYLOAD;
#undef CIVIC_ENTRY_SELECT
#undef CIVIC_ENTRY_FROM
#undef CIVIC_ENTRY_PAYLOAD

} // namespace civic::sync::detail
