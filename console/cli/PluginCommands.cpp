// civicdesk-cli plugins list: what the console loads, from where, and why
// anything was refused.
#include "Cli.h"

#include <civic/services/Plugins.h>

#include <algorithm>
#include <ostream>

namespace civic::cli {
namespace {

const char* KindName(sdk::SettingField::Kind k)
{
    switch (k) {
    case sdk::SettingField::Kind::Text: return "text";
    case sdk::SettingField::Kind::Url: return "url";
    case sdk::SettingField::Kind::Secret: return "secret";
    case sdk::SettingField::Kind::Choice: return "choice";
    }
    return "text";
}

int PluginsList(Context& ctx, std::vector<std::string>& args)
{
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli plugins list\n";
        return kUsage;
    }
    const auto folders = services::PluginFolders(ctx.paths);
    ctx.out << "plugin folders:\n";
    for (const auto& f : folders)
        ctx.out << "  " << f.string() << "\n";
    const auto records = services::LoadPlugins(folders);
    if (std::none_of(records.begin(), records.end(), [](const auto& r) { return !r.connectors.empty(); }))
        ctx.out << "no CRM connector is loaded: requests wait in the outbox\n";
    if (std::none_of(records.begin(), records.end(), [](const auto& r) { return !r.sources.empty(); }))
        ctx.out << "no knowledge source is loaded: this console's articles only\n";
    int refused = 0;
    for (const auto& r : records) {
        ctx.out << (r.name.empty() ? r.path.filename().string() : r.name);
        if (!r.version.empty())
            ctx.out << " " << r.version;
        ctx.out << (r.loaded ? ": loaded from " : ": REFUSED, ") << (r.loaded ? r.path.string() : r.refused) << "\n";
        if (!r.loaded) {
            ++refused;
            ctx.out << "  file: " << r.path.string() << "\n";
            continue;
        }
        if (!r.description.empty())
            ctx.out << "  " << r.description << "\n";
        for (const auto& c : r.connectors)
            ctx.out << "  CRM connector: " << c << "\n";
        for (const auto& s : r.sources)
            ctx.out << "  knowledge source: " << s << "\n";
        for (const auto& c : r.channels)
            ctx.out << "  channel: " << c << "\n";
    }
    for (const auto& c : services::ConnectorInfos()) {
        ctx.out << "connector " << c.name << " (" << c.title << ") settings:\n";
        for (const auto& f : c.settings)
            ctx.out << "  " << f.key << " (" << KindName(f.kind) << (f.required ? ", required" : "") << "): "
                    << f.label << "\n";
    }
    return refused ? kFailed : kOk;
}

} // namespace

void RegisterPluginCommands()
{
    Registry().push_back({{"plugins", "list"}, "", "the plugins loaded, from where, and why any was refused",
                          PluginsList});
}

} // namespace civic::cli
