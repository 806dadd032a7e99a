// The console's link to its CRM: a thread and a store connection of its own
// that deliver the outbox, refresh the service catalog and the status of open
// requests. The UI posts rounds to Executor() and shows what they report; it
// never waits for one.
#pragma once

#include <civic/core/Crm.h>
#include <civic/core/Executor.h>
#include <civic/core/Paths.h>
#include <civic/core/Settings.h>
#include <civic/store/Database.h>
#include <civic/sync/Outbox.h>

#include <atomic>
#include <memory>
#include <string>

namespace civic::sync {

struct Round
{
    bool configured = false; // a CRM endpoint is set
    bool offline = false;    // it could not be reached
    std::string error;       // what went wrong, for the status bar
    DeliverReport delivery;
    int status_changes = 0;
    int catalog_services = -1; // refreshed this round: how many
};

// The connector's configuration from the settings: endpoint, jurisdiction,
// and the API key from $CIVICDESK_API_KEY or the secret store (blocking).
crm::ConnectorConfig ConnectorConfigFor(const Paths& paths, const Settings& settings);

class CrmService
{
public:
    // connector: the registered name of the CRM connector ("open311").
    CrmService(const Paths& paths, std::string connector = "open311");
    ~CrmService();

    SerialExecutor& Executor() { return *m_executor; }

    // On Executor(): one round. Blocking network calls.
    Round RunRound(const Settings& settings, bool refresh_catalog, bool refresh_statuses);
    // Stops a round between two entries (closing the console).
    void Stop() { m_stop = true; }

private:
    Result<void> Prepare(const Settings& settings);

    Paths m_paths;
    std::string m_connector_name;
    std::unique_ptr<store::Database> m_db;      // used on m_executor only
    std::unique_ptr<crm::Connector> m_crm;
    std::string m_config_key;                   // endpoint + jurisdiction the connector was made for
    bool m_recovered = false;
    std::atomic<bool> m_stop{false};
    std::unique_ptr<SerialExecutor> m_executor; // last: joined first
};

} // namespace civic::sync
