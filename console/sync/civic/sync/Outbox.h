// The wrap-up's way to the CRM: a submitted wrap-up becomes an interaction, a
// service request without its CRM id yet, and an outbox entry — in one
// transaction, so either all of it is stored or none. Delivery is Deliver()'s
// work, on a thread and a connection of its own.
//
// Exactly once: every entry has a client-made key sent as Idempotency-Key
// with every attempt, and a reference ("Ref: CD-…") at the end of the
// description. After an attempt whose outcome is unknown (no answer after the
// body was sent, or a crash while sending) the entry is marked uncertain, and
// the next attempt first looks for the reference among the service's recent
// requests; found, it is recorded as delivered without filing again.
#pragma once

#include <civic/Result.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/Crm.h>
#include <civic/store/Database.h>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace civic::sync {

// What an agent fills in at the end of a call or visit.
struct WrapUp
{
    std::int64_t contact = 0;
    std::optional<std::int64_t> on_behalf_of;
    contacts::Channel channel = contacts::Channel::PhoneIn;
    std::int64_t started_at = 0;  // the call or visit began
    std::int64_t ended_at = 0;    // the conversation ended; wrap time runs from here
    std::int64_t submitted_at = 0;
    std::string agent;
    std::string disposition; // "request created", "information only", ...
    std::string reason;      // call reason
    std::string language;
    bool interpreter = false;
    bool notify = false;     // consent to status notifications
    std::string notes;
    // The request to file, when the disposition creates one.
    std::optional<crm::NewRequest> request;
    std::string service_name;
    // Name the caller to the CRM (first_name, last_name, email, phone) so it
    // can tell them of progress: only the e-mail and phone they agreed to be
    // notified on, and their name with either. Off: the request is anonymous.
    // The console sets it from the center's setting (Settings::name_caller_to_crm).
    bool name_caller = false;
    // Link to a request already filed (a duplicate report) instead of a new
    // one: a local request, or one the CRM listed (NearbyOpen).
    std::optional<std::int64_t> existing_request;
    std::optional<crm::RequestState> link_remote;
    // Answers to the center's own questions (CenterForm), by field id.
    std::map<std::string, std::string> extra;
};

// The wrap-up's answers to the center's questions, by field id (CenterForm).
std::map<std::string, std::string> AnswersOf(const WrapUp& w);

std::string ToJson(const WrapUp& w);
Result<WrapUp> WrapUpFromJson(const std::string& text, const std::string& name);
// <wrapup> XML, as `civicdesk-cli wrapup submit` takes it (README).
Result<WrapUp> WrapUpFromXml(const std::string& text, const std::string& name);

struct Submitted
{
    std::int64_t interaction = 0;
    std::int64_t request = 0; // local service request; 0 when none
    std::int64_t outbox = 0;  // 0 when nothing goes to the CRM
};

// Errors: Invalid (no contact, a request without a service or location),
// store errors. Returns at once: nothing here touches the network.
Result<Submitted> Submit(store::Database& db, const WrapUp& w, const std::string& region = "US");

enum class State
{
    Pending,
    Sending,
    Delivered,
    Attention,
    Discarded,
};
const char* ToString(State s);

struct Entry
{
    std::int64_t id = 0;
    std::string key;
    State state = State::Pending;
    int attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::string last_error;
    std::string remote_id;
    std::string token;
    bool uncertain = false;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::int64_t interaction = 0;
    std::int64_t request = 0;
    crm::NewRequest payload;
    std::string service_name;
    std::string contact_name;
};

struct OutboxCounts
{
    int waiting = 0;   // pending or being sent
    int attention = 0; // refused by the CRM: an agent must act
    int failing_long = 0; // of those waiting: failed attempts, filed over an hour ago
    bool operator==(const OutboxCounts&) const = default;
};
// What the status bar shows.
Result<OutboxCounts> CountOutbox(store::Database& db);
// Entries waiting for the CRM: pending, sending and needing attention.
Result<int> CountPendingOutbox(store::Database& db);


Result<std::vector<Entry>> List(store::Database& db, const std::vector<State>& states = {});
Result<Entry> Get(store::Database& db, std::int64_t id);
// Back to pending now (after an agent corrected it, or to try again at once).
Result<void> Retry(store::Database& db, std::int64_t id);
// A corrected request for an entry that needs attention; sent at the next round.
Result<void> Edit(store::Database& db, std::int64_t id, const crm::NewRequest& corrected);
// Never sent; written to the audit log with the agent and the reason.
Result<void> Discard(store::Database& db, std::int64_t id, const std::string& agent, const std::string& reason);

struct DeliverOptions
{
    std::int64_t now = 0;          // 0: the clock
    bool ignore_schedule = false;  // every pending entry, whatever its backoff says
    int max_entries = 1000;        // per round
    int base_backoff_s = 5;        // doubled per failed attempt, with jitter
    int max_backoff_s = 15 * 60;
    std::uint64_t seed = 0;        // jitter; 0: random
    std::function<bool()> stop;    // checked between entries
};

struct DeliverReport
{
    int delivered = 0;
    int reconciled = 0; // found at the CRM after an uncertain attempt, not filed again
    int retry_later = 0;
    int attention = 0;
    int tokens_resolved = 0;
    bool offline = false; // the CRM could not be reached at all this round
};

// One round: entries due now, oldest first. Runs on its own connection;
// blocking network calls. Also resolves tokens of delivered entries.
Result<DeliverReport> Deliver(store::Database& db, crm::Connector& crm, const DeliverOptions& options = {});

// Entries left 'sending' by a process that died mid-request: uncertain now.
Result<int> RecoverInterrupted(store::Database& db);

// Status sync: refreshes the open requests the console knows; changes go to
// their status history (and so the timeline). Asks for what changed since
// the last sync (updated_after) and, where the server turns out to ignore
// that filter, for the open requests by id. Everything listed also fills the
// cache NearbyOpen reads. Returns how many of the console's requests changed.
Result<int> RefreshRequests(store::Database& db, crm::Connector& crm, const std::string& region = "US");

// The wrap-up being typed, saved as it changes so a crash or a power cut
// loses nothing: restored at the next start. One per call (its contact and
// the second it started), several per agent: a pop in the middle of one holds
// it aside until the agent resumes it. Submit removes the call's own in the
// transaction that stores the wrap-up.
struct Draft
{
    std::int64_t contact = 0;
    std::string contact_name;
    contacts::Channel channel = contacts::Channel::PhoneIn;
    std::int64_t started_at = 0;
    std::int64_t ended_at = 0; // 0: the call had not ended
    std::string notes;
    std::map<std::string, std::string> answers; // center fields by id
    std::string service_code;
    std::string location;
    std::map<std::string, std::vector<std::string>> attributes;
    std::int64_t saved_at = 0;
    bool held = false; // set aside for another call, waiting to be resumed
};
Result<void> SaveDraft(store::Database& db, const std::string& agent, const Draft& draft);
// The agent's unfinished wrap-ups, the one being typed first (the newest if
// a crash left several), then the held ones, oldest call first.
Result<std::vector<Draft>> LoadDrafts(store::Database& db, const std::string& agent);
// Marks one call's draft held or not (resumed).
Result<void> HoldDraft(store::Database& db, const std::string& agent, std::int64_t contact,
                       std::int64_t started_at, bool held);
// Removes one call's draft: stored, or discarded by the agent.
Result<void> ClearDraft(store::Database& db, const std::string& agent, std::int64_t contact,
                        std::int64_t started_at);

// Open requests for the same service near the same place, before filing a
// duplicate: what the CRM listed at the last status sync (crm_request) and
// what this console filed itself, still open. Near: within radius_m when
// both have coordinates, or the same address once normalised ("1234 North
// Broad Street" = "1234 N Broad St").
struct Nearby
{
    std::int64_t local = 0;      // service_request id, when this console knows it
    crm::RequestState state;     // request_id empty: filed here, not delivered yet
    double distance_m = -1;      // -1: matched by address
};
Result<std::vector<Nearby>> NearbyOpen(store::Database& db, const crm::NewRequest& request, double radius_m = 150,
                                       int limit = 10);
std::string AddressKey(const std::string& address);

// The service catalog, cached with a version (a hash of what the CRM listed)
// so forms work offline. Fetches definitions of services that have one.
struct CatalogReport
{
    int services = 0;
    int definitions = 0;
    bool changed = false;
    std::string version;
};
Result<CatalogReport> RefreshCatalog(store::Database& db, crm::Connector& crm);
Result<std::vector<crm::Service>> CachedServices(store::Database& db);
Result<std::optional<crm::ServiceDefinition>> CachedDefinition(store::Database& db, const std::string& code);
std::string CatalogVersion(store::Database& db);

// The reference put in every description: how a delivery is recognised.
std::string ReferenceFor(const std::string& key);

} // namespace civic::sync
