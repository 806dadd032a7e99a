// The contacts import (a CRM's export) into a store, and finding contacts by
// what an agent types. The import is all or nothing: a refused file leaves
// the store as it was.
#include <civic/contacts/Contacts.h>
#include <civic/contacts/ContactsSchema.h>
#include <civic/core/CoreSchema.h>
#include <civic/store/Database.h>

#include "FuzzInput.h"

namespace {

std::int64_t Count(civic::store::Database& db)
{
    auto q = db.Prepare("SELECT count(*) FROM contact");
    return q.Step().Value() ? q.Int(0) : -1;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    // One store for the run, emptied after each input: making the schema
    // for every input cost more than the import itself.
    static auto db = store::Database::Open(":memory:", store::Schema{CoreSchema(), contacts::Schema()}).Value();
    static contacts::ContactStore store(*db, "US");
    (void)db->Exec("DELETE FROM membership; DELETE FROM contact_word; DELETE FROM identifier; "
                   "DELETE FROM audit_log; DELETE FROM contact");
    const std::string text = fuzz::Text(data, size);
    const auto report = contacts::ImportContactsCsv(store, *db, fuzz::AsFile(text, ".csv"));
    if (!report)
        fuzz::Check(Count(*db) == 0);
    (void)store.Find(text.substr(0, 300), 10);
    return 0;
}
