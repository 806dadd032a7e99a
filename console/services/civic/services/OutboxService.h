// OutboxService: requests on their way to the CRM — the outbox view and its
// corrections, the count the status bar shows, and rounds with the CRM
// (deliver what is due; statuses and the catalog now and then).
//
// Outbox calls run on the console store's thread; rounds run on the CRM
// thread (sync::CrmService), which has a store connection of its own, so the
// store thread never waits on the network. Replies and listeners run on
// those threads (Reply.h, Listeners.h).
#pragma once

#include <civic/Result.h>
#include <civic/core/ConsoleStore.h>
#include <civic/services/Listeners.h>
#include <civic/services/Reply.h>
#include <civic/sync/CrmService.h>
#include <civic/sync/Outbox.h>

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace civic {
class Console;
}

namespace civic::services {

// A CRM round as windows hear of it: once when it starts, once when it ends.
struct CrmRound
{
    bool finished = false;
    sync::Round round; // set when finished
};

class OutboxService
{
public:
    // connector: the registered name of the CRM connector to use.
    OutboxService(Console& console, std::string connector);
    ~OutboxService();

    void List(std::vector<sync::State> states, Reply<Result<std::vector<sync::Entry>>> reply);
    void Retry(std::int64_t id, Reply<Result<void>> reply);
    void Edit(std::int64_t id, crm::NewRequest corrected, Reply<Result<void>> reply);
    // Recorded in the audit log with the configured agent and the reason.
    void Discard(std::int64_t id, std::string reason, Reply<Result<void>> reply);

    // Counts the outbox on the store thread and tells CountsChanged().
    void RefreshCounts();
    Listeners<Result<sync::OutboxCounts>>& CountsChanged() { return m_counts; }

    // A round with the CRM now, unless one is running (its end is announced
    // anyway). Statuses are refreshed every tenth round and the catalog every
    // 120th (the first round does both); refresh_all does both now.
    // Returns false when no CRM is configured or a round is already running.
    bool SyncCrm(bool refresh_all = false);
    Listeners<CrmRound>& Rounds() { return m_rounds; }

    // Stops a running round between two entries (closing the console).
    void Stop() { m_crm.Stop(); }

private:
    Console& m_console;
    Listeners<Result<sync::OutboxCounts>> m_counts;
    Listeners<CrmRound> m_rounds;
    std::atomic<bool> m_busy{false};
    std::atomic<int> m_round_number{0};
    sync::CrmService m_crm; // last: its thread is joined first
};

} // namespace civic::services
