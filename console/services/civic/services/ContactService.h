// ContactService: contacts and their timeline, for windows and scripts.
//
// Every call runs on the console store's thread and answers through its reply
// there (Reply.h); the phone region comes from the settings at the time of
// the call. Errors: as contacts::ContactStore.
#pragma once

#include <civic/core/ConsoleStore.h>

#include <civic/Result.h>
#include <civic/contacts/Contacts.h>
#include <civic/services/Reply.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace civic {
class Console;
}

namespace civic::services {

// A contact as a card shows it: the record its id was merged into, if any,
// and how many possible duplicates it has.
struct ContactCard
{
    contacts::Contact contact;
    int duplicates = 0;
};

// What the contact dialog changes, applied all together or not at all.
struct ContactEdits
{
    std::int64_t contact = 0;
    contacts::NewContact fields;                          // name, language, needs, notes
    std::vector<std::pair<std::int64_t, bool>> consent;   // identifier -> notify
    std::optional<contacts::NewIdentifier> added;
    // Liaison for: an existing organization's id, or a new one's name.
    std::optional<std::int64_t> organization_id;
    std::string new_organization;
};

class ContactService
{
public:
    explicit ContactService(Console& console) : m_console(console) {}

    void Create(contacts::NewContact c, Reply<Result<std::int64_t>> reply);
    // The record anonymous walk-in visits are counted under.
    void AnonymousVisitor(Reply<Result<std::int64_t>> reply);
    // Names, numbers, addresses and request ids as an agent types them.
    void Find(std::string text, int limit, Reply<Result<std::vector<contacts::FoundContact>>> reply);
    // Who a screen pop is for: everyone with this number or address.
    void FindCaller(std::string identifier, bool email, Reply<Result<std::vector<contacts::FoundContact>>> reply);
    void Card(std::int64_t id, Reply<Result<ContactCard>> reply);
    void Timeline(std::int64_t id, contacts::TimelineFilter filter, std::optional<contacts::TimelineCursor> cursor,
                  int page_size, Reply<Result<contacts::TimelinePage>> reply);
    void Duplicates(std::int64_t id, Reply<Result<std::vector<contacts::DuplicateCandidate>>> reply);
    void Merge(std::int64_t keep, std::int64_t other, Reply<Result<void>> reply);
    void Unmerge(std::int64_t merged, Reply<Result<void>> reply);
    // The audit log (merges, separations, households told apart), newest first.
    void Audit(AuditFilter filter, Reply<Result<std::vector<AuditEntry>>> reply);
    // The contacts' own names (of merged ones too, not the one they show as).
    void Names(std::vector<std::int64_t> ids, Reply<Result<std::vector<std::string>>> reply);
    // Two contacts are different people: not offered as duplicates again.
    void MarkDistinct(std::int64_t a, std::int64_t b, Reply<Result<void>> reply);
    void Organizations(Reply<Result<std::vector<contacts::FoundContact>>> reply);
    void Save(ContactEdits edits, Reply<Result<void>> reply);

private:
    // Runs f(ContactStore&) on the store thread and replies with its result.
    template <class F, class R>
    void OnStore(F f, Reply<R> reply);

    Console& m_console;
};

} // namespace civic::services
