// Plugins: the shared modules that give the console its CRM connectors and
// knowledge sources (civic/sdk/Plugin.h), loaded at start from
//   $CIVICDESK_PLUGIN_PATH (folders separated by ':'), when set — else the
//     system folder (/usr/lib/<multiarch>/civicdesk/plugins beside the
//     installed executable), or a build tree's own modules;
//   and DATA/plugins, a user's own.
// Every file named civicdesk-plugin-*.so is tried once per process. A module
// without the entry points, built for another API version, whose load
// function fails, or named like one already loaded is refused — recorded with
// the reason, never fatal: the console starts with what did load.
//
// Thread-safe. Modules stay loaded until the process ends (their factories'
// code is used by connectors made later).
#pragma once

#include <civic/core/Paths.h>
#include <civic/sdk/Plugin.h>

#include <filesystem>
#include <string>
#include <vector>

namespace civic::services {

struct PluginRecord
{
    std::filesystem::path path;
    std::string name, version, description; // as the plugin declares them
    bool loaded = false;
    std::string refused; // why not, when not loaded
    std::vector<std::string> connectors, sources, channels;
};

std::vector<std::filesystem::path> PluginFolders(const Paths& paths);

// Loads what the folders hold and has not been tried yet; returns every
// record so far, in load order.
std::vector<PluginRecord> LoadPlugins(const std::vector<std::filesystem::path>& folders);
std::vector<PluginRecord> LoadedPlugins();

// The connectors plugins added, with the settings each needs.
std::vector<sdk::ConnectorInfo> ConnectorInfos();

} // namespace civic::services
