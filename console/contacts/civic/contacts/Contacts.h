// Contacts, their identifiers, interactions and service requests, and the
// unified timeline a call-taker reads when a caller's number pops.
//
// A ContactStore works on the console store's connection and thread
// (ConsoleStore::Submit); it is not thread-safe. Schema: ConsoleStore.cpp,
// migration 2.
#pragma once

#include <civic/Result.h>
#include <civic/contacts/Channel.h>
#include <civic/contacts/Identifiers.h>
#include <civic/store/Database.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace civic::contacts {

enum class ContactKind
{
    Person,
    Organization,
};


enum class IdKind
{
    Phone,
    Email,
    Social,
    Address,
};

const char* ToString(ContactKind k);
const char* ToString(const Channel& c); // its id: "phone-in", "walk-in", "mobile-app", ...
const char* ToString(IdKind k);
std::optional<ContactKind> ContactKindFromString(std::string_view s);
// A registered channel by its id; nullopt for one nobody registered.
std::optional<Channel> ChannelFromString(std::string_view s);
std::optional<IdKind> IdKindFromString(std::string_view s);

struct Identifier
{
    std::int64_t id = 0;
    IdKind kind = IdKind::Phone;
    std::string value;   // comparable form (E.164, folded e-mail, normalised address)
    std::string display; // as shown to agents
    std::string label;   // "mobile", "home", "work", ...
    bool notify = false; // consents to status notifications on this channel
    std::int64_t contact = 0; // owner; differs from the shown contact after a merge
};

struct Membership
{
    std::int64_t organization = 0;
    std::int64_t person = 0;
    std::string organization_name;
    std::string person_name;
    std::string role; // "liaison", "member"
};

struct Contact
{
    std::int64_t id = 0;
    ContactKind kind = ContactKind::Person;
    std::string name;
    std::string language;
    std::string needs;
    std::string notes;
    std::optional<std::int64_t> merged_into;
    std::int64_t created_at = 0;
    bool anonymous = false; // the record anonymous visits are counted under
    std::vector<Identifier> identifiers;  // its own and those of contacts merged into it
    std::vector<Membership> memberships;  // as liaison (person) or its liaisons (organization)
    std::vector<std::int64_t> merged;     // contacts merged into this one

    std::string Phone() const;   // first phone's display, or empty
};

// What an agent enters for a new contact or an added identifier. Raw text:
// the store normalises it and says which field is wrong.
struct NewIdentifier
{
    IdKind kind = IdKind::Phone;
    std::string text;
    std::string label;
    bool notify = false;
};

struct NewContact
{
    ContactKind kind = ContactKind::Person;
    std::string name; // empty for an anonymous visitor
    std::string language;
    std::string needs;
    std::string notes;
    std::vector<NewIdentifier> identifiers;
};

struct FoundContact
{
    std::int64_t id = 0;
    ContactKind kind = ContactKind::Person;
    std::string name;
    std::string matched; // what matched, as shown: "(215) 555-0100", "Apt …", "SR 1234"
    bool fuzzy = false;  // found through a typo correction
};

struct Interaction
{
    std::int64_t id = 0;
    std::int64_t contact = 0;
    std::optional<std::int64_t> on_behalf_of;
    Channel channel = Channel::PhoneIn;
    std::int64_t at = 0; // unix seconds
    std::string agent;
    std::optional<int> talk_s;
    std::optional<int> wrap_s;
    std::string summary;
    std::string notes;
    std::string disposition;
    std::string answers; // the wrap-up form's answers, as the form wrote them
    std::string source = "console";
    std::string external_id;
    std::vector<std::int64_t> requests; // local ids of linked service requests
};

struct ServiceRequest
{
    std::int64_t id = 0;
    std::string request_id; // the CRM's; empty until it is known
    std::optional<std::int64_t> contact;
    std::optional<std::int64_t> on_behalf_of;
    std::string service_code;
    std::string service_name;
    std::string address;
    std::string status = "open";
    std::string status_notes;
    std::int64_t opened_at = 0;
    std::int64_t updated_at = 0;
};

// One line of a timeline: an interaction, or a status change of a request.
struct TimelineEntry
{
    enum class Type
    {
        Interaction,
        RequestStatus,
    };
    Type type = Type::Interaction;
    std::int64_t id = 0; // interaction id or request_event id
    std::int64_t at = 0;
    std::optional<Channel> channel; // interactions only
    std::string agent;
    std::optional<int> talk_s;
    std::string summary;     // interaction summary, or "Pothole repair: closed"
    std::string notes;       // full notes, or the status notes
    std::string disposition; // interactions; the status for request events
    std::string answers;
    std::string contact_name;      // who: the liaison, in an organization's timeline
    std::string on_behalf_of_name; // for whom: in a liaison's timeline
    struct Linked
    {
        std::int64_t id = 0;
        std::string request_id;
        std::string service_name;
        std::string status;
    };
    std::vector<Linked> requests; // linked requests with their current status
};

struct TimelineFilter
{
    std::set<Channel> channels; // empty: every channel (request events always pass)
    std::int64_t from = 0;      // unix seconds, inclusive; 0: no bound
    std::int64_t to = 0;        // exclusive; 0: no bound
    bool open_requests_only = false;
    std::string text; // in summary, notes or disposition

    bool Any() const { return !channels.empty() || from || to || open_requests_only || !text.empty(); }
};

// Where the next page starts: entries strictly older than this one.
struct TimelineCursor
{
    std::int64_t at = 0;
    int type = 0;
    std::int64_t id = 0;
};

struct TimelinePage
{
    std::vector<TimelineEntry> entries;
    std::optional<TimelineCursor> next; // empty at the end of the history
};

struct DuplicateCandidate
{
    std::int64_t a = 0, b = 0;
    std::string a_name, b_name;
    std::string reason; // "same phone (215) 555-0100", "similar name at 1234 N BROAD ST"
    // The same, for a window to say in the agent's language.
    enum class Why
    {
        SamePhone,
        SameEmail,
        SameHandle,
        SimilarNameAt,
    } why = Why::SamePhone;
    std::string shared; // the number, e-mail, handle or address
};

class ContactStore
{
public:
    ContactStore(store::Database& db, std::string region = "US");

    const PhoneNormalizer& Phones() const { return m_phones; }

    // Errors: Invalid naming the field (a phone number that is not one, an
    // organization without a name), NotFound.
    Result<std::int64_t> Create(const NewContact& c);
    // The record of this console that visits without a name are counted
    // under, made at the first such visit.
    Result<std::int64_t> AnonymousVisitor();
    Result<void> Update(std::int64_t id, const NewContact& fields); // name, language, needs, notes
    // Adding one the contact has already keeps its consent unless given now.
    Result<Identifier> AddIdentifier(std::int64_t contact, const NewIdentifier& id);
    Result<void> SetConsent(std::int64_t identifier, bool notify);
    Result<void> RemoveIdentifier(std::int64_t identifier);
    Result<Contact> Get(std::int64_t id);

    // Liaisons: a person reporting for an organization.
    Result<void> Link(std::int64_t organization, std::int64_t person, const std::string& role = "liaison");
    Result<void> Unlink(std::int64_t organization, std::int64_t person);
    // Organizations by name (not merged ones), for choosing whom a liaison reports for.
    Result<std::vector<FoundContact>> Organizations(int limit = 1000);

    // As the agent types: a phone number in any format, an e-mail address, a
    // social handle, a service request id, an address (starts with a house
    // number) or a name (each word a prefix of a word of the name, one typo
    // tolerated). Merged contacts are found as the contact they were merged into.
    Result<std::vector<FoundContact>> Find(std::string_view query, int limit = 20);
    // Exact: the contacts holding this number (screen pop).
    Result<std::vector<std::int64_t>> FindByPhone(std::string_view number);
    Result<std::vector<std::int64_t>> FindByEmail(std::string_view email);

    Result<std::int64_t> Record(Interaction i);
    // Adds or updates a request by its CRM id (or local id when the CRM's is
    // not known yet). A status change appends to its history.
    Result<std::int64_t> UpsertRequest(const ServiceRequest& r);
    Result<void> LinkRequest(std::int64_t interaction, std::int64_t request);
    Result<ServiceRequest> GetRequest(std::int64_t id);

    // Newest first, page_size entries from cursor (the start when empty).
    // For an organization: what its liaisons filed for it, and its own.
    Result<TimelinePage> Timeline(std::int64_t contact, const TimelineFilter& filter,
                                  const std::optional<TimelineCursor>& cursor, int page_size = 50);

    // Likely duplicates of one contact, or across the store (limit pairs).
    Result<std::vector<DuplicateCandidate>> DuplicatesOf(std::int64_t contact);
    Result<std::vector<DuplicateCandidate>> Duplicates(int limit = 100);

    // merge shows as part of keep from now on; nothing is moved or deleted, so
    // Unmerge gives both back exactly. Both are written to the audit log.
    // Errors: NotFound, Invalid (the same contact, already merged, different kinds).
    Result<void> Merge(const std::string& agent, std::int64_t keep, std::int64_t merge);
    Result<void> Unmerge(const std::string& agent, std::int64_t merged);
    // An agent's word that two contacts are different people: the pair is no
    // longer offered as duplicates. Audited. Errors: NotFound, Invalid (the
    // same contact).
    Result<void> MarkDistinct(const std::string& agent, std::int64_t a, std::int64_t b);

    // The contact a merged one now shows as (itself when not merged).
    Result<std::int64_t> Root(std::int64_t id);

    // Finding a contact by name again after its name was written by other
    // means than this store (a change from the center).
    Result<void> Reindex(std::int64_t id);

private:
    Result<std::vector<std::int64_t>> Family(std::int64_t root); // root and all merged into it
    Result<Identifier> MakeIdentifier(const NewIdentifier& n) const;
    Result<void> IndexName(std::int64_t id, const std::string& name);
    std::vector<std::string> NameWords(std::string_view name);
    Result<std::vector<FoundContact>> FindByName(std::string_view query, int limit);
    Result<std::vector<FoundContact>> FindByIdentifier(IdKind kind, const std::string& prefix,
                                                       int limit);
    Result<std::vector<FoundContact>> FindByRequest(std::string_view query, int limit);
    Result<void> AddFound(std::vector<FoundContact>& out, std::int64_t id, const std::string& matched,
                          bool fuzzy, int limit);

    store::Database& m_db;
    PhoneNormalizer m_phones;
};

} // namespace civic::contacts

namespace civic::contacts {

struct CsvImportReport
{
    int rows = 0;
    int created = 0;
    int matched = 0; // rows whose phone or e-mail was already known under the same name: identifiers added there
    int shared = 0;  // rows sharing a phone or e-mail with someone of another name: kept apart (a household)
    int linked = 0;  // liaisons tied to their organization
};

// Imports a CRM's contact export (column mapping in the README). All or
// nothing: the first bad row is reported with its line and column and nothing
// is written. Errors: Io, Parse, Invalid.
Result<CsvImportReport> ImportContactsCsv(ContactStore& store, store::Database& db,
                                          const std::filesystem::path& file);

} // namespace civic::contacts
