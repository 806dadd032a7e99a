// A CRM's history of a contact (civic/sdk/HistorySource.h) filed in the local
// store: ApplyHistory() files the answer, and applying it twice adds nothing.
#pragma once

#include <civic/Result.h>
#include <civic/contacts/Contacts.h>
#include <civic/sdk/HistorySource.h>

#include <string>
#include <vector>

namespace civic::contacts {

ContactKeys KeysOf(const Contact& c);

struct ApplyReport
{
    int interactions_added = 0;
    int requests_added = 0;
    int status_changes = 0;
};

// Files a history under a contact in one transaction. Requests already known
// are updated (a status change is added to their history).
Result<ApplyReport> ApplyHistory(ContactStore& store, store::Database& db, std::int64_t contact,
                                 const std::string& source, const ContactHistory& history);

// Applies fresh request states (status refresh); unknown request ids are skipped.
Result<int> ApplyRequestUpdates(ContactStore& store, store::Database& db,
                                const std::vector<ExternalRequest>& requests);

} // namespace civic::contacts
