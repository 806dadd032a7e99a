#include <civic/services/Plugins.h>

#include <civic/contacts/Channel.h>
#include <civic/core/Crm.h>
#include <civic/core/Version.h>
#include <civic/kb/KnowledgeSource.h>
#include <civic/net/HttpClient.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <set>
#include <sstream>

namespace civic::services {
namespace {

namespace fs = std::filesystem;

using InfoFn = const CivicDeskPluginInfo* (*)();
using LoadFn = bool (*)(sdk::Host&);

struct State
{
    std::mutex mutex;
    std::set<fs::path> tried;
    std::vector<PluginRecord> records;
    std::vector<sdk::ConnectorInfo> connectors;
};

State& Global()
{
    static State state;
    return state;
}

// What a plugin adds, recorded against it; registered for the session.
class Host final : public sdk::Host
{
public:
    Host(State& state, PluginRecord& record) : m_state(state), m_record(record) {}

    void AddConnector(sdk::ConnectorInfo info, crm::ConnectorFactory factory) override
    {
        crm::RegisterConnector(info.name, std::move(factory));
        m_record.connectors.push_back(info.name);
        std::erase_if(m_state.connectors, [&](const auto& c) { return c.name == info.name; });
        m_state.connectors.push_back(std::move(info));
    }
    void AddKnowledgeSource(std::string name, std::string, kb::SourceFactory factory) override
    {
        kb::RegisterSource(name, std::move(factory));
        m_record.sources.push_back(std::move(name));
    }
    bool AddChannel(sdk::ChannelInfo c) override
    {
        if (!contacts::RegisterChannel({contacts::Channel(c.id), c.label, c.badge, c.rgb}))
            return false;
        m_record.channels.push_back(c.id);
        return true;
    }
    sdk::HttpClient& Http() override { return net::ConsoleClient(); }
    std::string ConsoleVersion() const override { return kVersion; }

private:
    State& m_state;
    PluginRecord& m_record;
};

void LoadOne(State& state, const fs::path& path)
{
    PluginRecord r;
    r.path = path;
    auto refuse = [&](std::string why) {
        r.refused = std::move(why);
        state.records.push_back(std::move(r));
    };
    void* module = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!module) {
        const char* why = dlerror();
        return refuse(std::string("it cannot be loaded: ") + (why ? why : "unknown reason"));
    }
    auto info_fn = reinterpret_cast<InfoFn>(dlsym(module, "civicdesk_plugin_info"));
    auto load_fn = reinterpret_cast<LoadFn>(dlsym(module, "civicdesk_plugin_load"));
    const CivicDeskPluginInfo* info = info_fn ? info_fn() : nullptr;
    if (!info || !load_fn) {
        dlclose(module);
        return refuse("it is not a CivicDesk plugin (no civicdesk_plugin_info or civicdesk_plugin_load)");
    }
    r.name = info->name ? info->name : "";
    r.version = info->version ? info->version : "";
    r.description = info->description ? info->description : "";
    if (const int api = info->api_version; api != sdk::kApiVersion) {
        dlclose(module); // nothing of it has run but its info, copied above
        return refuse("it was built for plugin API " + std::to_string(api) + ", this console has " +
                      std::to_string(sdk::kApiVersion) + "; rebuild it against this CivicDesk's SDK");
    }
    for (const auto& earlier : state.records)
        if (earlier.loaded && earlier.name == r.name)
            return refuse("a plugin named \"" + r.name + "\" is already loaded from " + earlier.path.string());
    Host host(state, r);
    // Never unloaded from here on: what it registered points into it.
    if (!load_fn(host))
        return refuse("its load function reported a failure");
    r.loaded = true;
    state.records.push_back(std::move(r));
}

} // namespace

std::vector<fs::path> PluginFolders(const Paths& paths)
{
    std::vector<fs::path> out;
    if (const char* env = std::getenv("CIVICDESK_PLUGIN_PATH"); env && *env) {
        std::stringstream list(env);
        for (std::string dir; std::getline(list, dir, ':');)
            if (!dir.empty())
                out.emplace_back(dir);
    } else {
        std::error_code ec;
        const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
        const fs::path installed = exe.parent_path().parent_path() / CIVICDESK_INSTALL_PLUGINDIR;
        out.push_back(!ec && fs::is_directory(installed, ec) ? installed : fs::path(CIVICDESK_BUILD_PLUGINDIR));
    }
    out.push_back(paths.data_dir / "plugins");
    return out;
}

std::vector<PluginRecord> LoadPlugins(const std::vector<fs::path>& folders)
{
    State& state = Global();
    std::lock_guard lock(state.mutex);
    for (const auto& folder : folders) {
        std::error_code ec;
        std::vector<fs::path> modules;
        for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
            const std::string file = it->path().filename().string();
            if (file.rfind("civicdesk-plugin-", 0) == 0 && it->path().extension() == ".so")
                modules.push_back(fs::weakly_canonical(it->path(), ec));
        }
        std::sort(modules.begin(), modules.end()); // the same order on every start
        for (const auto& m : modules)
            if (state.tried.insert(m).second)
                LoadOne(state, m);
    }
    return state.records;
}

std::vector<PluginRecord> LoadedPlugins()
{
    State& state = Global();
    std::lock_guard lock(state.mutex);
    return state.records;
}

std::vector<sdk::ConnectorInfo> ConnectorInfos()
{
    State& state = Global();
    std::lock_guard lock(state.mutex);
    return state.connectors;
}

} // namespace civic::services
