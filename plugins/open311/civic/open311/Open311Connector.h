// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2/): the CRM
// connector for any city CRM that speaks it, in XML (the default, mandatory
// for servers) or JSON.
//
// Tolerant of what deployed servers do: ids as opaque strings, any element
// order, booleans as true or "true", errors as <errors>, JSON, HTML or
// nothing, unknown ids as 404, 500 or an empty list. Every create carries an
// Idempotency-Key header; the README says what that guarantees.
#pragma once

#include <civic/core/Crm.h>

namespace civic::open311 {

class Open311Connector : public crm::Connector
{
public:
    explicit Open311Connector(crm::ConnectorConfig config);

    std::string Name() const override;
    Result<std::vector<crm::Service>> Services() override;
    Result<crm::ServiceDefinition> Definition(const std::string& service_code) override;
    Result<crm::Submitted> Submit(const crm::NewRequest& request, const std::string& idempotency_key) override;
    Result<std::vector<crm::RequestState>> FromToken(const std::string& token) override;
    Result<std::vector<crm::RequestState>> Requests(const std::vector<std::string>& request_ids) override;
    Result<std::vector<crm::RequestState>> UpdatedSince(std::int64_t since) override;
    Result<std::vector<crm::RequestState>> Recent(const std::string& service_code, std::int64_t since) override;

    // The form body of a create, as sent (for tests and logs).
    std::string FormBody(const crm::NewRequest& request) const;

private:
    struct Reply;
    Result<Reply> Get(const std::string& resource, const std::vector<std::pair<std::string, std::string>>& query);
    Result<std::vector<crm::RequestState>> ParseRequests(const Reply& reply) const;

    crm::ConnectorConfig m_config;
};

// Makes "open311" known to crm::MakeConnector.
void RegisterOpen311();

// Parsers, exposed for tests. name: what to call the document in errors.
Result<std::vector<crm::Service>> ParseServices(const std::string& body, bool json, const std::string& name);
Result<crm::ServiceDefinition> ParseDefinition(const std::string& body, bool json, const std::string& name);
Result<std::vector<crm::RequestState>> ParseRequestList(const std::string& body, bool json, const std::string& name);
// The text of an error answer, whatever its shape: "<code>: <description>; …",
// or a cleaned-up excerpt of an HTML or plain body.
std::string ErrorText(const std::string& body, long http_status = 0);

} // namespace civic::open311
