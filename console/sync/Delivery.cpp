// Delivery: one round of due entries to the CRM, exactly once (Outbox.h),
// and the recovery of a round a crash cut short.
#include "OutboxRows.h"

#include <civic/Json.h>
#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <random>
#include <set>
#include <sstream>

namespace civic::sync {

using namespace detail;


namespace {

// When a process started, in clock ticks since boot (/proc/PID/stat, field
// 22): with the pid it names one process, even after the pid is reused.
std::string StartTime(pid_t pid)
{
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto name_end = stat.rfind(')'); // the command name may hold spaces
    if (name_end == std::string::npos)
        return {};
    std::istringstream fields(stat.substr(name_end + 2));
    std::string field;
    for (int i = 3; i <= 22 && fields >> field; ++i)
        if (i == 22)
            return field;
    return {};
}

// Who delivers a round: this process, as "pid:start".
const std::string& ThisProcess()
{
    static const std::string owner = std::to_string(::getpid()) + ":" + StartTime(::getpid());
    return owner;
}

// Whether the process that marked a round is still running. A round of an
// earlier release names no one: its process is gone.
bool IsRunning(const std::string& owner)
{
    const auto colon = owner.find(':');
    if (owner.empty() || colon == std::string::npos)
        return false;
    const std::string start = StartTime(static_cast<pid_t>(std::atol(owner.substr(0, colon).c_str())));
    return !start.empty() && start == owner.substr(colon + 1);
}

// The entries of a round in flight that are still pending become uncertain —
// they may have reached the CRM, so they are looked for there before being
// sent again — and the round's row goes. Returns how many entries. Run
// inside the caller's transaction.
Result<int> ReleaseInFlight(store::Database& db, std::int64_t round)
{
    auto q = db.Prepare("UPDATE outbox SET uncertain = 1, attempts = attempts + 1, next_attempt_at = 0 "
                        "WHERE state = 'pending' AND id IN (SELECT j.value FROM outbox_inflight f, json_each(f.ids) j "
                        "WHERE f.round = ?1)");
    if (auto r = q.Bind(1, round).Run(); !r)
        return r.Err();
    const int released = db.Changes();
    auto d = db.Prepare("DELETE FROM outbox_inflight WHERE round = ?1");
    if (auto r = d.Bind(1, round).Run(); !r)
        return r.Err();
    return released;
}

// Claims the next due entries for a round of this process: read and marked
// in flight in one IMMEDIATE transaction, so another process delivering from
// the same folder (the console and a cron job's flush) sees them in flight
// and leaves them alone. Only entries after the last one due holds: an entry
// this round already tried is not tried again in it. Appends them to due;
// returns the round, 0 if none.
Result<std::int64_t> Claim(store::Database& db, std::int64_t now, int limit, bool ignore_schedule,
                           std::vector<Entry>& due)
{
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    auto q = db.Prepare(std::string(kDueColumns) +
                        "WHERE o.state = 'pending' AND (?3 OR o.next_attempt_at <= ?1) AND o.id > ?4 AND o.id NOT IN "
                        "(SELECT j.value FROM outbox_inflight f, json_each(f.ids) j) ORDER BY o.id LIMIT ?2");
    const size_t first = due.size();
    const std::int64_t after = due.empty() ? 0 : due.back().id;
    json ids = json::array();
    auto r = q.BindAll(now, limit, ignore_schedule ? 1 : 0, after).ForEach([&](store::Query& row) {
        due.push_back(EntryFrom(row));
        ids.push_back(due.back().id);
    });
    if (!r)
        return r.Err();
    std::int64_t round = 0;
    if (due.size() > first) {
        auto mark = db.Prepare("INSERT INTO outbox_inflight(ids, started_at, owner) VALUES(?1, ?2, ?3)");
        if (auto x = mark.BindAll(DumpJson(ids), now, ThisProcess()).Run(); !x)
            return x.Err();
        round = db.LastInsertRowId();
    }
    // Its commit is what makes the mark durable before anything leaves.
    if (auto x = tx.Commit(); !x) {
        due.resize(first);
        return x.Err();
    }
    return round;
}

} // namespace

Result<int> RecoverInterrupted(store::Database& db)
{
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    // Rounds that never recorded their outcome, of processes no longer
    // running: a live round (the console's, while a flush starts) is not
    // its own to release.
    std::vector<std::int64_t> dead;
    auto rounds = db.Prepare("SELECT round, owner FROM outbox_inflight");
    if (auto r = rounds.ForEach([&](store::Query& row) {
            if (!IsRunning(row.Text(1)))
                dead.push_back(row.Int(0));
        });
        !r)
        return r.Err();
    int recovered = 0;
    for (const auto round : dead) {
        auto released = ReleaseInFlight(db, round);
        if (!released)
            return released.Err();
        recovered += released.Value();
    }
    // Marked one by one, as stores of an earlier version left them.
    auto old = db.Prepare("UPDATE outbox SET state = 'pending', uncertain = 1, next_attempt_at = 0 "
                          "WHERE state = 'sending' AND token IS NULL");
    if (auto r = old.Run(); !r)
        return r.Err();
    recovered += db.Changes();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return recovered;
}

Result<DeliverReport> Deliver(store::Database& db, crm::Connector& crm, const DeliverOptions& o)
{
    DeliverReport report;
    const std::int64_t now = o.now ? o.now : Now();
    std::mt19937_64 rng(o.seed ? o.seed : std::random_device{}());
    std::vector<Entry> due; // claimed a chunk at a time (Claim)

    // What happened to one entry in this round, written after the chunk.
    struct Outcome
    {
        enum Kind
        {
            Delivered,
            Attention,
            Later,
            Unsent, // the round stopped before its turn
        } kind = Unsent;
        std::string remote_id, token, notice;
        Error error{ErrorKind::Io, std::string()};
        bool uncertain = false;
        bool reconciled = false;
    };
    auto backoff = [&](const Entry& e, const Error& err) {
        // Exponential backoff with jitter, or what the server asked for.
        double delay = std::min<double>(o.max_backoff_s, o.base_backoff_s * std::pow(2.0, std::min(e.attempts, 16)));
        delay *= std::uniform_real_distribution<double>(0.5, 1.5)(rng);
        if (err.retry_after_s >= 0)
            delay = static_cast<double>(err.retry_after_s);
        return now + static_cast<std::int64_t>(delay);
    };

    // Entries go in chunks: one transaction claims a chunk and records it as
    // in flight (outbox_inflight) before any of it leaves, so a crash from
    // then on is seen at the next start as an uncertain attempt; one records
    // what became of it and clears the mark. Two commits per chunk instead of
    // two per request, and one row written to mark a thousand entries.
    constexpr int kChunk = 1024;
    bool stopped = false;
    std::map<std::string, std::pair<std::int64_t, std::vector<crm::RequestState>>> recent_lists; // code -> since, list
    while (!stopped && static_cast<int>(due.size()) < o.max_entries) {
        const size_t start = due.size();
        auto claimed = Claim(db, now, std::min(kChunk, o.max_entries - static_cast<int>(start)), o.ignore_schedule, due);
        if (!claimed)
            return claimed.Err();
        const std::int64_t round = claimed.Value();
        const size_t end = due.size();
        if (end == start)
            break;
        std::vector<Outcome> out(end - start);
        std::vector<bool> send(end - start, true);
        // Uncertain entries: look for them at the CRM before filing again.
        for (size_t k = start; k < end && !stopped; ++k) {
            const Entry& e = due[k];
            if (!e.uncertain)
                continue;
            if (o.stop && o.stop()) {
                stopped = true;
                break;
            }
            // One listing per service serves every uncertain entry of the round.
            const std::int64_t since = e.created_at - 3600;
            auto cached = recent_lists.find(e.payload.service_code);
            if (cached == recent_lists.end() || cached->second.first > since) {
                auto listed = crm.Recent(e.payload.service_code, since);
                if (!listed) {
                    out[k - start].kind = Outcome::Later;
                    out[k - start].error = listed.Err();
                    send[k - start] = false;
                    if (listed.Err().kind == ErrorKind::Offline)
                        report.offline = stopped = true;
                    continue;
                }
                cached = recent_lists.insert_or_assign(e.payload.service_code,
                                                       std::make_pair(since, std::move(listed).Value()))
                             .first;
            }
            const auto& recent = cached->second.second;
            const std::string ref = ReferenceFor(e.key);
            auto found = std::find_if(recent.begin(), recent.end(), [&](const crm::RequestState& s) {
                return s.description.find(ref) != std::string::npos && !s.request_id.empty();
            });
            if (found != recent.end()) {
                out[k - start].kind = Outcome::Delivered;
                out[k - start].remote_id = found->request_id;
                out[k - start].reconciled = true;
                send[k - start] = false;
            }
        }
        for (size_t k = start; k < end; ++k) {
            if (!send[k - start] || stopped)
                continue;
            if (o.stop && o.stop()) {
                stopped = true;
                continue;
            }
            const Entry& e = due[k];
            Outcome& got = out[k - start];
            auto sent = crm.Submit(e.payload, e.key);
            if (sent) {
                got.kind = Outcome::Delivered;
                got.remote_id = sent->request_id;
                got.token = sent->token;
                got.notice = sent->service_notice;
                continue;
            }
            const Error& err = sent.Err();
            got.error = err;
            // The connector says what the answer means; delivery reads no transport codes.
            const bool refused = err.kind == ErrorKind::Rejected || err.kind == ErrorKind::Denied;
            if (refused) {
                got.kind = Outcome::Attention; // the server's own words, for the agent to act on
                continue;
            }
            got.kind = Outcome::Later;
            got.uncertain = err.maybe_delivered || err.kind == ErrorKind::Parse || err.kind == ErrorKind::Io;
            if (err.kind == ErrorKind::Offline && !err.maybe_delivered)
                report.offline = stopped = true; // no connection: the rest would fail the same way
        }
        // What became of the chunk, in one transaction with the in-flight row's removal.
        auto record = [&]() -> Result<void> {
            store::Transaction tx(db);
            if (!tx.IsActive())
                return tx.Commit();
            json delivered = json::array();
            for (size_t k = start; k < end; ++k) {
                const Entry& e = due[k];
                const Outcome& got = out[k - start];
                Result<void> w = Ok();
                switch (got.kind) {
                case Outcome::Delivered:
                    delivered.push_back(json::array({e.id, e.request, got.remote_id, got.token, got.notice}));
                    break;
                case Outcome::Attention:
                    w = SetState(db, e.id, State::Attention, got.error.message, 0, true, false);
                    break;
                case Outcome::Later: {
                    // The server's own words, and for how long it has said no.
                    std::string said = got.error.message;
                    const std::int64_t hours = (now - e.created_at) / 3600;
                    if (got.error.kind != ErrorKind::Offline && now - e.created_at >= kFailingLongAfterS)
                        said = "still refused after " + std::to_string(hours) + " h: " + said;
                    w = SetState(db, e.id, State::Pending, said, backoff(e, got.error), true,
                                 got.uncertain || e.uncertain);
                    break;
                }
                case Outcome::Unsent:
                    break; // never left: still pending as it was
                }
                if (!w)
                    return w;
            }
            if (!delivered.empty())
                if (auto x = RecordDelivered(db, DumpJson(delivered), true); !x)
                    return x;
            if (round)
                if (auto x = db.Prepare("DELETE FROM outbox_inflight WHERE round = ?1").Bind(1, round).Run(); !x)
                    return x;
            return tx.Commit();
        };
        if (auto x = record(); !x) {
            // The CRM has what was sent, the store could not say so: the chunk
            // is checked at the CRM next round, as after a crash.
            if (round) {
                store::Transaction tx(db);
                if (tx.IsActive() && ReleaseInFlight(db, round))
                    (void)tx.Commit();
            }
            return x.Err();
        }
        for (size_t k = start; k < end; ++k) {
            const Outcome& got = out[k - start];
            report.delivered += got.kind == Outcome::Delivered;
            report.reconciled += got.kind == Outcome::Delivered && got.reconciled;
            report.attention += got.kind == Outcome::Attention;
            report.retry_later += got.kind == Outcome::Later;
        }
    }

    // Tokens: ask until the CRM names the request.
    auto t = db.Prepare(std::string(kEntryColumns) +
                        // + keeps the planner on the partial index rather than the state index
                        "WHERE +o.state = 'delivered' AND o.token IS NOT NULL AND o.remote_id IS NULL LIMIT 200");
    std::vector<Entry> tokens;
    (void)t.ForEach([&](store::Query& row) { tokens.push_back(EntryFrom(row)); });
    for (const auto& e : tokens) {
        if (report.offline || (o.stop && o.stop()))
            break;
        auto states = crm.FromToken(e.token);
        if (!states)
            continue;
        for (const auto& s : states.Value())
            if (!s.request_id.empty()) {
                store::Transaction tx(db);
                if (!tx.IsActive())
                    return tx.Commit().Err();
                const json one = json::array({json::array({e.id, e.request, s.request_id, e.token, ""})});
                if (auto x = RecordDelivered(db, DumpJson(one), false); !x)
                    return x.Err();
                if (auto x = tx.Commit(); !x)
                    return x.Err();
                ++report.tokens_resolved;
                break;
            }
    }
    return report;
}

} // namespace civic::sync
