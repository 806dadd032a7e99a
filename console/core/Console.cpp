#include <civic/core/Console.h>

namespace civic {

Result<std::unique_ptr<Console>> Console::Open(const Paths& paths, const store::Schema& schema)
{
    if (auto created = paths.Create(); !created)
        return created.Err();
    auto store = ConsoleStore::Open(paths.ConsoleDb(), schema);
    if (!store)
        return store.Err();

    std::unique_ptr<Console> c(new Console);
    c->m_paths = paths;
    c->m_store = std::move(store).Value();
    auto settings = c->m_store->Submit([](store::Database& db) { return Settings::Load(db); }).get();
    if (!settings)
        return settings.Err();
    c->m_settings = std::move(settings).Value();
    c->m_network = std::make_unique<SerialExecutor>("civic-net");
    return c;
}

Console::~Console()
{
    // Network work may still post store writes: stop it first.
    m_network.reset();
    m_store.reset();
}

Settings Console::GetSettings() const
{
    std::lock_guard lock(m_settings_mutex);
    return m_settings;
}

void Console::SaveSettings(const Settings& s, std::function<void(Result<void>)> done)
{
    {
        std::lock_guard lock(m_settings_mutex);
        m_settings = s;
    }
    m_store->Post([s, done = std::move(done)](store::Database& db) {
        auto r = s.Save(db);
        if (done)
            done(std::move(r));
    });
}

void Console::ReloadSettings(std::function<void(bool changed)> done)
{
    m_store->Post([this, done = std::move(done)](store::Database& db) {
        auto loaded = Settings::Load(db);
        bool changed = false;
        if (loaded) {
            std::lock_guard lock(m_settings_mutex);
            changed = loaded->agent_name != m_settings.agent_name || loaded->role != m_settings.role ||
                      loaded->from_center != m_settings.from_center;
            m_settings = std::move(loaded).Value();
        }
        if (done)
            done(changed);
    });
}

} // namespace civic
