#include <civic/sync/CrmService.h>

#include <civic/sync/ConsoleSchema.h>

#include <civic/core/ConsoleStore.h>
#include <civic/core/Secrets.h>

#include <cstdlib>

namespace civic::sync {

crm::ConnectorConfig ConnectorConfigFor(const Paths& paths, const Settings& s)
{
    crm::ConnectorConfig c;
    c.endpoint = s.crm_endpoint;
    c.jurisdiction_id = s.jurisdiction_id;
    c.api_key = SecretFor(paths, s.crm_endpoint, "CIVICDESK_API_KEY");
    c.options = s.crm_options;
    if (const auto it = s.crm_options.find("format"); it != s.crm_options.end() && !it->second.empty())
        c.format = it->second;
    return c;
}

CrmService::CrmService(const Paths& paths, std::string connector)
    : m_paths(paths), m_connector_name(std::move(connector)), m_executor(std::make_unique<SerialExecutor>("civic-crm"))
{
}

CrmService::~CrmService()
{
    m_stop = true;
    if (m_executor)
        m_executor->Post([this] {
            m_crm.reset();
            m_db.reset();
        });
    m_executor.reset(); // runs the above, then joins
}

Result<void> CrmService::Prepare(const Settings& s)
{
    if (!m_db) {
        auto db = store::Database::Open(m_paths.ConsoleDb(), sync::ConsoleSchema());
        if (!db)
            return db.Err();
        m_db = std::move(db).Value();
    }
    if (!m_recovered) {
        // Entries a killed console left mid-request: checked with the CRM first.
        if (auto r = RecoverInterrupted(*m_db); !r)
            return r.Err();
        m_recovered = true;
    }
    std::string key = s.crm_connector + "\n" + s.crm_endpoint + "\n" + s.jurisdiction_id;
    for (const auto& [k, v] : s.crm_options)
        key += "\n" + k + "=" + v;
    const std::string connector = s.crm_connector.empty() ? m_connector_name : s.crm_connector;
    if (!m_crm || key != m_config_key) {
        m_crm = crm::MakeConnector(connector, ConnectorConfigFor(m_paths, s));
        if (!m_crm)
            return Error{ErrorKind::Invalid, "no CRM connector called " + connector + " is loaded"};
        m_config_key = key;
    }
    return Ok();
}

Round CrmService::RunRound(const Settings& s, bool refresh_catalog, bool refresh_statuses)
{
    Round round;
    round.configured = s.HasCrm();
    if (!round.configured)
        return round;
    if (auto r = Prepare(s); !r) {
        round.error = r.Err().message;
        return round;
    }
    DeliverOptions o;
    o.stop = [this] { return m_stop.load(); };
    auto delivered = Deliver(*m_db, *m_crm, o);
    if (!delivered) {
        round.error = delivered.Err().message;
        return round;
    }
    round.delivery = delivered.Value();
    round.offline = round.delivery.offline;
    if (refresh_catalog && !round.offline) {
        auto c = RefreshCatalog(*m_db, *m_crm);
        if (c)
            round.catalog_services = c->services;
        else if (c.Err().kind == ErrorKind::Offline)
            round.offline = true;
        else
            round.error = c.Err().message; // the cached catalog stays in use
    }
    if (refresh_statuses && !round.offline) {
        auto r = RefreshRequests(*m_db, *m_crm, s.phone_region);
        if (r)
            round.status_changes = r.Value();
        else if (r.Err().kind == ErrorKind::Offline)
            round.offline = true;
        else
            round.error = r.Err().message;
    }
    return round;
}

} // namespace civic::sync
