#include <civic/core/Paths.h>

#include <cstdlib>
#include <unistd.h>

namespace civic {
namespace fs = std::filesystem;

namespace {

fs::path EnvOr(const char* name, const fs::path& fallback)
{
    const char* v = std::getenv(name);
    // The XDG spec says relative paths in these variables are invalid: ignore them.
    if (v && *v && fs::path(v).is_absolute())
        return v;
    return fallback;
}

fs::path Home()
{
    const char* h = std::getenv("HOME");
    return h && *h ? fs::path(h) : fs::temp_directory_path();
}

} // namespace

Paths Paths::FromEnvironment(const std::optional<fs::path>& data_dir_override)
{
    Paths p;
    p.resources_dir = FindResources();
    if (data_dir_override) {
        p.data_dir = fs::absolute(*data_dir_override);
        p.config_dir = p.data_dir / "config";
        p.runtime_dir = p.data_dir / "run";
        return p;
    }
    p.data_dir = EnvOr("XDG_DATA_HOME", Home() / ".local/share") / "civicdesk";
    p.config_dir = EnvOr("XDG_CONFIG_HOME", Home() / ".config") / "civicdesk";
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    p.runtime_dir = runtime && *runtime ? fs::path(runtime) / "civicdesk" : p.data_dir / "run";
    return p;
}

Result<void> Paths::Create() const
{
    for (const auto& dir : {data_dir, config_dir, runtime_dir}) {
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec)
            return Error{ErrorKind::Io, "cannot create " + dir.string() + ": " + ec.message()};
        fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
    }
    return Ok();
}

fs::path FindResources()
{
    if (const char* env = std::getenv("CIVICDESK_RESOURCES"); env && *env)
        return env;
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
        const fs::path installed = exe.parent_path().parent_path() / CIVICDESK_INSTALL_DATADIR;
        if (fs::is_directory(installed, ec))
            return installed;
    }
    return CIVICDESK_SOURCE_RESOURCES;
}

} // namespace civic
