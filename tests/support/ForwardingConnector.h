// A connector that passes every call on to another: tests and benchmarks
// derive from it to watch or disturb one call (time it, crash around it)
// and leave the rest to the real connector.
#pragma once

#include <civic/core/Crm.h>

namespace civic::test {

class ForwardingConnector : public crm::Connector
{
public:
    explicit ForwardingConnector(crm::Connector& inner) : m_inner(inner) {}

    std::string Name() const override { return m_inner.Name(); }
    Result<std::vector<crm::Service>> Services() override { return m_inner.Services(); }
    Result<crm::ServiceDefinition> Definition(const std::string& code) override { return m_inner.Definition(code); }
    Result<crm::Submitted> Submit(const crm::NewRequest& r, const std::string& key) override
    {
        return m_inner.Submit(r, key);
    }
    Result<std::vector<crm::RequestState>> FromToken(const std::string& t) override { return m_inner.FromToken(t); }
    Result<std::vector<crm::RequestState>> Requests(const std::vector<std::string>& ids) override
    {
        return m_inner.Requests(ids);
    }
    Result<std::vector<crm::RequestState>> UpdatedSince(std::int64_t s) override { return m_inner.UpdatedSince(s); }
    Result<std::vector<crm::RequestState>> Recent(const std::string& code, std::int64_t s) override
    {
        return m_inner.Recent(code, s);
    }

protected:
    crm::Connector& m_inner;
};

} // namespace civic::test
