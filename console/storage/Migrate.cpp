// Schema steps: one owner's numbered list (user_version), or the lists of the
// modules sharing one file (the table schema_module, one row a module).
#include <civic/store/Database.h>

#include <algorithm>

namespace civic::store {
namespace {

// user_version of a file whose modules number their own steps. An older
// release, which reads user_version as its single step number, sees a newer
// schema and refuses the file instead of running on tables it does not know.
constexpr int kModuleSchema = 1000;

// The row of schema_module that keeps the single list's number a file had
// when it became a file of modules: a module first opened after that (a
// program that links fewer modules adopted the file) starts from it too.
constexpr std::string_view kSingleList = "";

int LastStep(std::span<const Migration> steps) { return steps.empty() ? 0 : steps.back().version; }

// A module's last step that the single list had reached at old_version.
int ReachedBy(const SchemaModule& m, int old_version)
{
    int reached = 0;
    for (const auto& step : m.steps)
        if (step.legacy > 0 && step.legacy <= old_version)
            reached = step.version;
    return reached;
}

} // namespace

Result<void> Database::RunStep(const Migration& step, std::string_view module)
{
    const std::string name = (module.empty() ? std::string() : std::string(module) + " ") +
                             std::to_string(step.version);
    if (auto r = Exec(step.sql); !r)
        return Error{r.Err().kind, "schema step " + name + " failed: " + r.Err().message};
    if (step.run)
        if (auto r = step.run(*this); !r)
            return Error{r.Err().kind, "schema step " + name + " failed: " + r.Err().message};
    return Ok();
}

Result<void> Database::Migrate(std::span<const Migration> migrations)
{
    int current = SchemaVersion();
    for (const auto& step : migrations) {
        if (step.version <= current)
            continue;
        Transaction tx(*this);
        if (auto r = RunStep(step, {}); !r)
            return r;
        if (auto r = Exec("PRAGMA user_version = " + std::to_string(step.version)); !r)
            return r;
        if (auto r = tx.Commit(); !r)
            return r;
        current = step.version;
    }
    return Ok();
}

Result<std::map<std::string, int, std::less<>>> Database::ModuleVersions()
{
    std::map<std::string, int, std::less<>> versions;
    if (SchemaVersion() != kModuleSchema)
        return versions;
    auto q = Prepare("SELECT module, version FROM schema_module");
    if (auto r = q.ForEach([&](Query& row) { versions[row.Text(0)] = static_cast<int>(row.Int(1)); }); !r)
        return r.Err();
    return versions;
}

Result<void> Database::RefuseNewerModules(const Schema& schema)
{
    const int version = SchemaVersion();
    if (version == 0)
        return Ok();
    auto newer = [&](const std::string& what, int found, int known) -> Error {
        return Error{ErrorKind::TooNew, m_path.string() + " was written by a newer version of CivicDesk (" + what +
                                            " schema " + std::to_string(found) + ", this version knows up to " +
                                            std::to_string(known) + "); it has not been changed"};
    };
    if (version != kModuleSchema) {
        int known = 0;
        for (const auto& m : schema)
            for (const auto& step : m.steps)
                known = std::max(known, step.legacy);
        return version > known ? Result<void>(newer("the", version, known)) : Ok();
    }
    auto versions = ModuleVersions();
    if (!versions)
        return versions.Err();
    for (const auto& m : schema)
        if (auto it = versions->find(m.name); it != versions->end() && it->second > LastStep(m.steps))
            return newer(std::string(m.name), it->second, LastStep(m.steps));
    return Ok();
}

// A file migrated as one list (user_version 1..n) becomes a file of modules:
// each module is at its last step whose old number the file had reached.
Result<void> Database::AdoptModules(const Schema& schema)
{
    const int old_version = SchemaVersion();
    Transaction tx(*this);
    if (auto r = Exec("CREATE TABLE schema_module (module TEXT PRIMARY KEY, version INTEGER NOT NULL) WITHOUT ROWID");
        !r)
        return r;
    auto add = [&](std::string_view module, int version) {
        auto q = Prepare("INSERT INTO schema_module(module, version) VALUES(?1, ?2)");
        return q.BindAll(module, static_cast<std::int64_t>(version)).Run();
    };
    if (auto r = add(kSingleList, old_version); !r)
        return r;
    for (const auto& m : schema)
        if (auto r = add(m.name, ReachedBy(m, old_version)); !r)
            return r;
    if (auto r = Exec("PRAGMA user_version = " + std::to_string(kModuleSchema)); !r)
        return r;
    return tx.Commit();
}

Result<void> Database::Migrate(const Schema& schema)
{
    if (SchemaVersion() != kModuleSchema)
        if (auto r = AdoptModules(schema); !r)
            return r;
    auto versions = ModuleVersions();
    if (!versions)
        return versions.Err();
    const auto single = versions->find(kSingleList);
    const int old_version = single == versions->end() ? 0 : single->second;
    for (const auto& m : schema) {
        const auto known = versions->find(m.name);
        const int current = known == versions->end() ? ReachedBy(m, old_version) : known->second;
        if (known == versions->end()) {
            auto q = Prepare("INSERT INTO schema_module(module, version) VALUES(?1, ?2)");
            if (auto r = q.BindAll(m.name, static_cast<std::int64_t>(current)).Run(); !r)
                return r;
        }
        for (const auto& step : m.steps) {
            if (step.version <= current)
                continue;
            Transaction tx(*this);
            if (auto r = RunStep(step, m.name); !r)
                return r;
            auto q = Prepare("INSERT INTO schema_module(module, version) VALUES(?1, ?2) "
                             "ON CONFLICT(module) DO UPDATE SET version = excluded.version");
            if (auto r = q.BindAll(m.name, static_cast<std::int64_t>(step.version)).Run(); !r)
                return r;
            if (auto r = tx.Commit(); !r)
                return r;
        }
    }
    return Ok();
}

} // namespace civic::store
