// Where CivicDesk keeps things, following the XDG Base Directory spec:
// data in $XDG_DATA_HOME/civicdesk, settings in $XDG_CONFIG_HOME/civicdesk,
// sockets and locks in $XDG_RUNTIME_DIR. --data-dir overrides the data folder
// (and with it config and runtime, so one folder holds a whole test instance).
#pragma once

#include <civic/Result.h>

#include <filesystem>
#include <optional>

namespace civic {

struct Paths
{
    std::filesystem::path data_dir;
    std::filesystem::path config_dir;
    std::filesystem::path runtime_dir;
    std::filesystem::path resources_dir;

    std::filesystem::path ConsoleDb() const { return data_dir / "console.db"; }
    std::filesystem::path KnowledgeDb() const { return data_dir / "knowledge.db"; }
    std::filesystem::path SecretFile() const { return config_dir / "secrets"; }

    // Reads the environment. data_dir_override comes from --data-dir.
    static Paths FromEnvironment(const std::optional<std::filesystem::path>& data_dir_override);

    // Creates data, config and runtime folders (0700). Errors: Io.
    Result<void> Create() const;
};

// The resources folder: $CIVICDESK_RESOURCES, else ../share/civicdesk beside the
// executable (installed layout), else the source tree (a build-tree binary).
std::filesystem::path FindResources();

} // namespace civic
