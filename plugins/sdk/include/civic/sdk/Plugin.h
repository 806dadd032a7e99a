// Part of the CivicDesk plugin SDK: what a plugin is. A plugin is a shared
// module (civicdesk_add_plugin in the SDK's CMake package builds one) that
// the console loads at start from its plugin folders — the system one
// (/usr/lib/<multiarch>/civicdesk/plugins) and DATA/plugins — and that gives
// the console CRM connectors and knowledge sources through its Host.
//
// A plugin declares itself once, and defines its load function:
//
//     #include <civic/sdk/Plugin.h>
//     CIVICDESK_DECLARE_PLUGIN("filedrop", "1.0", "Requests written as files");
//     extern "C" CIVICDESK_PLUGIN_EXPORT bool civicdesk_plugin_load(civic::sdk::Host& host)
//     {
//         host.AddConnector({"filedrop", "Files in a folder", {...fields...}},
//                           [](const civic::crm::ConnectorConfig& c) { return std::make_unique<...>(c); });
//         return true;
//     }
//
// The console refuses, with a message naming the file, a module without these
// two functions and one built for another kApiVersion; it starts all the same.
// Load runs once, on the thread that starts the console; factories may be
// called on any thread later, and connectors run on the console's CRM thread.
#pragma once

#include <civic/sdk/CrmConnector.h>
#include <civic/sdk/HistorySource.h>
#include <civic/sdk/Http.h>
#include <civic/sdk/KnowledgeSource.h>
#include <civic/sdk/Result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace civic::sdk {

// Changes whenever a header of the SDK changes in a way that a plugin built
// against the older one would misread (a type's layout, a virtual function).
inline constexpr int kApiVersion = 1;

// One setting a connector needs, for the Settings form and for `plugins list`.
struct SettingField
{
    enum class Kind
    {
        Text,
        Url,
        Secret, // kept in the desktop's secret service, never in settings
        Choice,
    };
    std::string key;   // "endpoint", "jurisdiction_id", "api_key", "format", ...
    std::string label; // English; the console translates labels it knows
    Kind kind = Kind::Text;
    bool required = false;
    std::vector<std::string> choices; // Kind::Choice
    std::string default_value;
    std::string help;
};

// A way residents reach the city that the console does not know yet (SMS,
// chat): its interactions name it by id; the timeline shows its badge.
struct ChannelInfo
{
    std::string id;    // lower-case letters, digits and '-': "sms"
    std::string label; // for people: "Text message"
    char badge = '?';  // the letter on its timeline badge
    std::uint32_t rgb = 0x7f8c8d;
};

struct ConnectorInfo
{
    std::string name;  // what settings name it by ("open311")
    std::string title; // for people ("Open311 GeoReport v2")
    std::vector<SettingField> settings;
};

class Host
{
public:
    virtual ~Host() = default;
    virtual void AddConnector(ConnectorInfo info, crm::ConnectorFactory factory) = 0;
    virtual void AddKnowledgeSource(std::string name, std::string title, kb::SourceFactory factory) = 0;
    // False when the id is not one (see ChannelInfo).
    virtual bool AddChannel(ChannelInfo channel) = 0;
    // The console's HTTP client; valid as long as the console runs.
    virtual HttpClient& Http() = 0;
    // The console's version, "0.1.0".
    virtual std::string ConsoleVersion() const = 0;
};

} // namespace civic::sdk

#define CIVICDESK_PLUGIN_EXPORT __attribute__((visibility("default")))

extern "C" {
// What civicdesk_plugin_info() returns: read before anything else is called,
// so it is plain data.
struct CivicDeskPluginInfo
{
    int api_version;
    const char* name;
    const char* version;
    const char* description;
};
}

// Declares the plugin: its name, its own version and a line about it.
#define CIVICDESK_DECLARE_PLUGIN(NAME, VERSION, DESCRIPTION)                                      \
    extern "C" CIVICDESK_PLUGIN_EXPORT const CivicDeskPluginInfo* civicdesk_plugin_info()        \
    {                                                                                            \
        static const CivicDeskPluginInfo info{civic::sdk::kApiVersion, NAME, VERSION, DESCRIPTION}; \
        return &info;                                                                            \
    }
