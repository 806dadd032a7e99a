// ConsoleSession: one running console — the core (folders, store, settings),
// every service, every worker thread and every periodic job. The GUI and the
// CLI each build one and go through the same services, so a rule the console
// keeps is kept by scripts too.
//
// Threads, all owned here and joined by the destructor:
//   store        the console store's connection (Console::Store)
//   network      secrets and other blocking calls that are not CRM rounds
//   crm          CRM rounds with a store connection of its own (OutboxService)
//   knowledge    search and editing on the knowledge base's connection
//   kb-sync      rounds with the shared knowledge base, a connection of its own
//   center       rounds with the center store (CenterService), a connection of its own
//   timer        the periodic jobs (Scheduler), which only post to the above
// Callers never pick a thread: they call a service and get a Reply on the
// service's thread (windows hop to the UI thread with ui::OnWindow).
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <civic/Result.h>
#include <civic/core/Console.h>
#include <civic/core/Secrets.h>
#include <civic/kb/KnowledgeService.h>
#include <civic/services/CenterService.h>
#include <civic/services/ContactService.h>
#include <civic/services/Listeners.h>
#include <civic/services/OutboxService.h>
#include <civic/services/Reply.h>
#include <civic/services/Scheduler.h>
#include <civic/services/WrapUpService.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace civic::services {

// A round with the shared knowledge base: once when it starts, once when it
// ends with its report or its error.
struct KnowledgeRound
{
    bool finished = false;
    std::optional<Error> error;
    kb::SyncReport report;
    int conflicts = 0; // waiting for a manager, old and new
};

// How the session reaches the shared knowledge base: the configured
// collection, its user, and the password from $CIVICDESK_KB_PASSWORD or the
// secret store. Blocking (the secret service): not on the UI thread.
kb::SourceConfig KnowledgeSourceConfig(const Paths& paths, const Settings& settings);

class ConsoleSession
{
public:
    struct Options
    {
        std::string crm_connector = "open311";  // registered connector names
        std::string knowledge_source = "webdav";
    };

    // Opens the core (blocking: start-up and the CLI only) and starts every
    // service's thread. Errors: as Console::Open.
    static Result<std::unique_ptr<ConsoleSession>> Open(const Paths& paths, Options options);
    static Result<std::unique_ptr<ConsoleSession>> Open(const Paths& paths) { return Open(paths, Options{}); }
    // Stops the periodic jobs, then every service, then the core.
    ~ConsoleSession();

    const Paths& GetPaths() const { return m_console->GetPaths(); }
    Settings GetSettings() const { return m_console->GetSettings(); }
    // The snapshot changes at once; the store is written on its thread.
    void SaveSettings(const Settings& s, Reply<Result<void>> done = {});
    // A password or API key for an account (a URL), on the network thread.
    void SaveSecret(std::string account, std::string secret, Reply<Result<SecretSaved>> reply);

    ContactService& Contacts() { return *m_contacts; }
    WrapUpService& WrapUps() { return *m_wrapups; }
    OutboxService& Outbox() { return *m_outbox; }
    // The link to the center, when this console is joined to one.
    CenterService& Center() { return *m_center; }
    // Opened on first use (its thread opens and seeds the knowledge base), so
    // a CLI command that needs no articles never waits for them.
    kb::KnowledgeService& Knowledge();
    // The core, for tests and tools that work on the store directly.
    Console& Core() { return *m_console; }

    // A CRM round now (OutboxService::SyncCrm); the next periodic round comes
    // a full interval later.
    bool SyncCrm(bool refresh_all = false);
    // A round with the shared knowledge base now, unless none is configured or
    // one is running; the next periodic round comes a full interval later.
    bool SyncKnowledge();
    Listeners<KnowledgeRound>& KnowledgeRounds() { return m_knowledge_rounds; }

    // Starts the periodic jobs: a CRM round every 30 s, a knowledge sync every
    // 5 minutes (each first after 3 s), the outbox count every 5 s, and the
    // center's rounds (CenterService). The GUI
    // calls it once its windows listen; the CLI never does. Idempotent.
    void StartPeriodicJobs();

private:
    ConsoleSession() = default;

    Options m_options;
    std::unique_ptr<Console> m_console;
    std::once_flag m_knowledge_opened;
    std::unique_ptr<kb::KnowledgeService> m_knowledge;
    std::unique_ptr<ContactService> m_contacts;
    std::unique_ptr<WrapUpService> m_wrapups;
    std::unique_ptr<OutboxService> m_outbox;
    std::unique_ptr<CenterService> m_center;
    Listeners<KnowledgeRound> m_knowledge_rounds;
    std::atomic<bool> m_kb_syncing{false};
    std::once_flag m_jobs_started;
    // The periodic jobs' handles; kNoJob until StartPeriodicJobs.
    static constexpr Scheduler::Job kNoJob = static_cast<Scheduler::Job>(-1);
    std::atomic<Scheduler::Job> m_crm_job{kNoJob}, m_kb_job{kNoJob};
    std::unique_ptr<Scheduler> m_scheduler; // last: stopped first
};

} // namespace civic::services
