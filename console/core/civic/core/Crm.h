// The CRM behind the console: the Connector interface and its types are the
// plugin SDK's (civic/sdk/CrmConnector.h); here the registry the session picks
// connectors from, and the W3C date-time helpers connectors share.
#pragma once

#include <civic/sdk/CrmConnector.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace civic::crm {

// Connectors by name ("open311"). Plugins register at start-up.
void RegisterConnector(const std::string& name, ConnectorFactory factory);
std::unique_ptr<Connector> MakeConnector(const std::string& name, const ConnectorConfig& config);

// "2026-11-23T07:41:00-05:00" -> unix seconds; nullopt when unreadable.
std::optional<std::int64_t> ParseW3cDateTime(const std::string& text);
std::string FormatW3cDateTime(std::int64_t unix_seconds); // UTC, "...Z"

} // namespace civic::crm
