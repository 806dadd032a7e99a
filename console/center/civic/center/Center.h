// The center store: one PostgreSQL database every seat of a 311 center
// shares, so that a caller who spoke to one agent yesterday is known to the
// next one today. Each seat keeps its console.db as a replica and works on
// it when the center cannot be reached.
//
// Writes: what a seat records goes into its console.db and, by trigger in
// the same transaction, into its queue (contacts/CenterHooks.cpp). A round
// sends the queue to the center's change log, each change under the id the
// seat made for it, so a change sent twice (the seat died before hearing the
// commit) is kept once; then the seat forgets what the center acknowledged.
//
// Reads: the change log is read from the seat's cursor, a (transaction id,
// sequence) pair, and only up to the oldest transaction still running at the
// center: a transaction that took an early sequence number but commits late
// is below that horizon until it commits, so it is never read past (a plain
// sequence cursor would skip it forever). A seat LISTENs for a NOTIFY each
// pushing transaction sends at commit, and pulls at once.
//
// Conflicts: interactions, events and identifiers are added, never edited
// away; a contact's fields are merged one by one, the later edit (by the
// editing seat's clock, then the change id) winning and the other written to
// the audit log. Merges are a field (merged_into) like any other, so a merge
// and another seat's new interaction for the merged contact end with the
// interaction under the kept contact, and an unmerge reaches every seat.
//
// Agents and roles live in the center: an agent signs in to PostgreSQL as
// themself (SCRAM, or the city's directory through PostgreSQL's LDAP), and
// what a role may do is granted by the database (CenterSchema.cpp), not by
// the console.
#pragma once

#include <civic/Result.h>
#include <civic/store/Database.h>

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace civic::center {

// A center's address as libpq takes it, after the rule for the network: a
// center not on this machine is reached over TLS with its certificate and
// host name checked (sslmode=verify-full), whatever the URL says. Errors:
// Invalid, naming what is wrong (a weaker sslmode asked for off loopback).
Result<std::string> Conninfo(const std::string& url);

// A URL without its password (postgresql://agent:secret@host/db →
// postgresql://agent@host/db), and the password: what is stored and shown
// is the first, the second goes to the secret store.
std::pair<std::string, std::string> SplitPassword(const std::string& url);

// Roles an agent can be given.
inline constexpr const char* kRoles[] = {"call-taker", "walk-in", "knowledge-manager", "supervisor"};

// Creates or brings up to date the center's schema, roles and functions
// (numbered steps; running it again is harmless). Needs a role that may
// create roles. Returns the schema's version.
Result<int> Init(const std::string& url);
inline constexpr int kCenterVersion = 2;

// Adds an agent who signs in as `name` with `password` and the role's
// grants. Only a supervisor (or the center's owner) may: the database
// refuses anyone else (Denied).
Result<void> AddAgent(const std::string& url, const std::string& name, const std::string& role,
                      const std::string& password);

struct Status
{
    bool joined = false;
    std::string url, seat;
    std::int64_t queued = 0;        // changes recorded here, not yet at the center
    std::int64_t parked = 0;        // changes from the center waiting for a row they name
    std::string cursor;             // "xid/seq"
    std::int64_t last_round_at = 0; // unix seconds; 0: never
    std::int64_t last_pull_at = 0;
    std::string last_error;
    // Asked of the center (when reachable): changes past the cursor, and how
    // old the oldest of them is.
    std::int64_t behind = -1;
    double lag_s = -1;
};

// This store's link to its center, read from console.db.
Result<Status> LocalStatus(store::Database& db);

struct JoinReport
{
    std::string seat;
    std::string password; // the one the URL held, not stored in console.db: the caller keeps it
    std::int64_t uploaded = 0; // rows of this store's own history queued for the center
};

// Joins this store to the center at url as a new seat named seat_name: its
// own history is queued for upload (once), and the next round sends it and
// starts reading the center's. Errors: Conflict when already joined (to
// another center: leave it first), Offline/Denied from the center.
Result<JoinReport> Join(store::Database& db, const std::string& url, const std::string& seat_name);

struct RoundReport
{
    int pushed = 0;  // changes the center acknowledged
    int pulled = 0;  // changes of other seats applied here
    int parked = 0;  // applied later, once what they name has arrived
    int conflicts = 0; // contact fields where an edit lost to a later one
    bool more = false; // stopped at the batch size: another round has more
};

// A seat's connection to its center for rounds and waiting.
class Seat
{
public:
    // Errors: NotFound when the store is not joined. password: the agent's
    // (from the secret store); empty for PGPASSWORD or ~/.pgpass.
    static Result<std::unique_ptr<Seat>> Connect(store::Database& db, const std::string& password = {});
    ~Seat();

    // Sends what is queued, then applies what other seats wrote, up to
    // `batch` changes each way. The store and the center agree after any
    // interruption: what was sent and not acknowledged is sent again and
    // kept once; what was read and not applied is read again.
    Result<RoundReport> Round(int batch = 5000);
    // The two halves of a round: what is queued here goes (returns how
    // many changes); what other seats wrote comes.
    Result<int> Push(int batch = 5000);
    Result<RoundReport> Pull(int batch = 5000);
    // Changes recorded here and not yet acknowledged (a local count).
    Result<std::int64_t> Queued();
    // Waits up to timeout_ms for another seat's commit; true when one came.
    Result<bool> Wait(int timeout_ms);
    // How far behind the center this seat is (Status::behind, lag_s).
    Result<void> Measure(Status& s);

private:
    struct Impl;
    explicit Seat(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m;
};

} // namespace civic::center
