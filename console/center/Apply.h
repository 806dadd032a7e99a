// Internal to civicdesk_center: one change of the center's log, and applying
// it to a seat's console.db (Apply.cpp).
#pragma once

#include <civic/Result.h>
#include <civic/store/Database.h>

#include <cstdint>
#include <string>

namespace civic::contacts {
class ContactStore;
}

namespace civic::center::detail {

struct Change
{
    std::string uid, seat, entity, entity_uid, op, body;
    std::int64_t at = 0; // ms at the recording seat
    std::string agent;   // who recorded it (the center says)
};

enum class Applied
{
    Done,
    Superseded, // some field kept a later edit
    Parked,     // names a row not here yet
    Unknown,    // an entity this console does not know
};

// Inside the caller's transaction, with center_applying holding its row.
Result<Applied> ApplyChange(store::Database& db, contacts::ContactStore& contacts, const Change& c);

} // namespace civic::center::detail
