// civicdesk-cli db check: a full integrity check of the local store.
#include "Cli.h"

#include <civic/kb/KnowledgeBase.h>
#include <civic/kb/Open.h>
#include <civic/store/Database.h>
#include <civic/sync/ConsoleSchema.h>

#include <ostream>

namespace civic::cli {
namespace {

struct KnownDb
{
    std::filesystem::path path;
    bool shared; // console.db: several modules' tables (ConsoleSchema)
};

Result<std::unique_ptr<store::Database>> OpenReadOnly(const KnownDb& db)
{
    return db.shared ? store::Database::Open(db.path, sync::ConsoleSchema(), store::OpenMode::ReadOnly)
                     : store::Database::Open(db.path, kb::KnowledgeBase::Migrations(), store::OpenMode::ReadOnly);
}

std::string SchemaOf(const store::CheckReport& report)
{
    if (report.modules.empty())
        return "schema " + std::to_string(report.schema_version);
    std::string out = "schema";
    for (const auto& [module, version] : report.modules)
        out += (out.size() > 6 ? ", " : " ") + module + " " + std::to_string(version);
    return out;
}

// Checks one file; returns true when it is sound. A missing file is fine: the
// console creates it on first start.
bool CheckOne(Context& ctx, const KnownDb& db)
{
    if (!std::filesystem::exists(db.path)) {
        ctx.out << db.path.string() << ": not created yet\n";
        return true;
    }
    auto opened = OpenReadOnly(db);
    if (!opened) {
        ctx.err << "error: " << opened.Err().message << "\n";
        return false;
    }
    const auto report = opened.Value()->Check();
    if (!report.ok) {
        ctx.err << "error: " << db.path.string() << " is damaged:\n";
        for (const auto& p : report.problems)
            ctx.err << "  " << p << "\n";
        return false;
    }
    ctx.out << db.path.string() << ": ok (" << SchemaOf(report) << ", "
            << report.page_count * report.page_size / 1024 << " KiB)\n";
    return true;
}

int DbCheck(Context& ctx, std::vector<std::string>& args)
{
    std::vector<KnownDb> dbs;
    if (auto file = TakeOption(args, "--file"))
        dbs.push_back({*file, true});
    if (!args.empty()) {
        ctx.err << "db check: unexpected argument '" << args.front() << "'\n";
        return kUsage;
    }
    if (dbs.empty()) {
        dbs.push_back({ctx.paths.ConsoleDb(), true});
        dbs.push_back({ctx.paths.KnowledgeDb(), false});
    }

    bool all_ok = true;
    for (const auto& db : dbs)
        all_ok = CheckOne(ctx, db) && all_ok;
    return all_ok ? kOk : kFailed;
}

} // namespace

void RegisterDbCommands()
{
    Registry().push_back({{"db", "check"},
                          "[--file PATH]",
                          "check the local databases for damage (reads every page)",
                          DbCheck});
}

} // namespace civic::cli
