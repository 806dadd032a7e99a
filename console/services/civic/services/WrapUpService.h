// WrapUpService: the end of a call or visit — the cached service catalog the
// request form offers, the duplicate check before filing, the unfinished
// wrap-up kept for a restart, and the wrap-up itself stored with its outbox
// entry.
//
// Every call runs on the console store's thread and answers there (Reply.h).
// Nothing here touches the network: filing reaches the CRM through the
// outbox (OutboxService).
#pragma once

#include <civic/Result.h>
#include <civic/core/Crm.h>
#include <civic/services/Reply.h>
#include <civic/sync/Outbox.h>

#include <optional>
#include <string>
#include <vector>

namespace civic {
class Console;
}

namespace civic::services {

class WrapUpService
{
public:
    explicit WrapUpService(Console& console) : m_console(console) {}

    void Services(Reply<Result<std::vector<crm::Service>>> reply);
    // nullopt: the service has no cached definition (no questions).
    void Definition(std::string service_code, Reply<Result<std::optional<crm::ServiceDefinition>>> reply);
    // Open requests of the same kind near the same place (sync::NearbyOpen).
    void NearbyOpen(crm::NewRequest request, Reply<Result<std::vector<sync::Nearby>>> reply);
    // Stores the wrap-up, its request and outbox entry in one transaction,
    // and clears the agent's unfinished draft with it. A request must meet
    // sync::CheckAgainstCatalog first. Errors: Invalid naming the problem;
    // store errors.
    void Submit(sync::WrapUp w, Reply<Result<sync::Submitted>> reply);

    // The agent's unfinished wrap-up, kept across a crash or a restart.
    void SaveDraft(sync::Draft draft, Reply<Result<void>> reply = {});
    // The agent's unfinished wrap-ups: the one being typed first, then the
    // held ones (sync::LoadDrafts).
    void LoadDrafts(Reply<Result<std::vector<sync::Draft>>> reply);
    // A held call taken up again, or one set aside.
    void HoldDraft(std::int64_t contact, std::int64_t started_at, bool held, Reply<Result<void>> reply = {});
    // A call the agent discards (a wrong number): nothing is recorded.
    void DiscardDraft(std::int64_t contact, std::int64_t started_at, Reply<Result<void>> reply = {});

private:
    Console& m_console;
};

} // namespace civic::services
