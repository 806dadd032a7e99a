// The open311 plugin: the Open311 GeoReport v2 connector as a module the
// console loads (civicdesk-plugin-open311.so).
#include <civic/core/Version.h>
#include <civic/open311/Open311Connector.h>
#include <civic/sdk/Plugin.h>

#include <memory>

CIVICDESK_DECLARE_PLUGIN("open311", civic::kVersion, "CRM connector for Open311 GeoReport v2 servers (XML or JSON)")

extern "C" CIVICDESK_PLUGIN_EXPORT bool civicdesk_plugin_load(civic::sdk::Host& host)
{
    using Field = civic::sdk::SettingField;
    civic::sdk::ConnectorInfo info;
    info.name = "open311";
    info.title = "Open311 GeoReport v2";
    info.settings = {
        {"endpoint", "CRM endpoint", Field::Kind::Url, true, {}, "", "The GeoReport v2 base URL, ending in /v2"},
        {"jurisdiction_id", "Jurisdiction", Field::Kind::Text, false, {}, "", "Only for servers that serve several"},
        {"api_key", "API key", Field::Kind::Secret, false, {}, "", "Needed to file requests"},
        {"format", "Format", Field::Kind::Choice, false, {"xml", "json"}, "xml", "XML is what every server speaks"},
    };
    host.AddConnector(std::move(info), [](const civic::crm::ConnectorConfig& c) -> std::unique_ptr<civic::crm::Connector> {
        return std::make_unique<civic::open311::Open311Connector>(c);
    });
    return true;
}
