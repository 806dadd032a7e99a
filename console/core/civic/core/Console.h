// Console: one running console's core — its folders, its store, its settings
// and the background executors. The GUI and the CLI each build one; nothing in
// it knows about windows.
#pragma once

#include <civic/Result.h>
#include <civic/core/ConsoleStore.h>
#include <civic/core/Executor.h>
#include <civic/core/Paths.h>
#include <civic/core/Settings.h>

#include <memory>
#include <mutex>

namespace civic {

enum class ConnectionState
{
    Offline, // no CRM configured, or it cannot be reached
    Online,
    Syncing, // delivering the outbox or refreshing statuses
};

class Console
{
public:
    // Creates the folders, opens console.db with the modules of schema
    // (sync::ConsoleSchema()), migrating them, and loads settings.
    // Blocks: call at start-up only. Errors: Io, Corrupt, TooNew, Busy — with
    // a message naming the file.
    static Result<std::unique_ptr<Console>> Open(const Paths& paths, const store::Schema& schema);
    ~Console();

    const Paths& GetPaths() const { return m_paths; }
    ConsoleStore& Store() { return *m_store; }
    // For network work; the store thread never waits on the network.
    SerialExecutor& Network() { return *m_network; }

    // Thread-safe snapshot of the settings as last saved.
    Settings GetSettings() const;
    // Updates the snapshot at once and writes it on the store thread; done(r)
    // runs there afterwards (may be empty).
    void SaveSettings(const Settings& s, std::function<void(Result<void>)> done = {});
    // Reads them again from the store (a sign-in to the center may have
    // changed the agent or role); done(changed) runs on the store thread.
    void ReloadSettings(std::function<void(bool changed)> done);

private:
    Console() = default;

    Paths m_paths;
    std::unique_ptr<ConsoleStore> m_store;
    std::unique_ptr<SerialExecutor> m_network;
    mutable std::mutex m_settings_mutex;
    Settings m_settings;
};

} // namespace civic
