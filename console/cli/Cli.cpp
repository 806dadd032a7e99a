#include "Cli.h"

#include <civic/sync/ConsoleSchema.h>
#include <civic/core/ConsoleStore.h>
#include <civic/core/Version.h>

#include <algorithm>
#include <cstdlib>
#include <ostream>

namespace civic::cli {

std::vector<Command>& Registry()
{
    static std::vector<Command> commands;
    return commands;
}

std::optional<std::string> TakeOption(std::vector<std::string>& args, const std::string& name)
{
    for (size_t i = 0; i < args.size(); ++i) {
        if (args[i] == name && i + 1 < args.size()) {
            std::string value = args[i + 1];
            args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i) + 2);
            return value;
        }
        if (args[i].rfind(name + "=", 0) == 0) {
            std::string value = args[i].substr(name.size() + 1);
            args.erase(args.begin() + static_cast<long>(i));
            return value;
        }
    }
    return std::nullopt;
}

bool TakeFlag(std::vector<std::string>& args, const std::string& name)
{
    auto it = std::find(args.begin(), args.end(), name);
    if (it == args.end())
        return false;
    args.erase(it);
    return true;
}

int Failed(Context& ctx, const Error& e)
{
    ctx.err << "error: " << e.message << "\n";
    return kFailed;
}

std::unique_ptr<store::Database> OpenConsoleDb(Context& ctx)
{
    if (auto r = ctx.paths.Create(); !r) {
        Failed(ctx, r.Err());
        return nullptr;
    }
    auto db = store::Database::Open(ctx.paths.ConsoleDb(), sync::ConsoleSchema());
    if (!db) {
        Failed(ctx, db.Err());
        return nullptr;
    }
    return std::move(db).Value();
}

std::optional<Settings> LoadSettings(Context& ctx)
{
    if (!std::filesystem::exists(ctx.paths.ConsoleDb()))
        return Settings{};
    auto db = store::Database::Open(ctx.paths.ConsoleDb(), sync::ConsoleSchema(), store::OpenMode::ReadOnly);
    if (!db)
        return std::nullopt;
    auto s = Settings::Load(*db.Value());
    if (!s)
        return std::nullopt;
    return std::move(s).Value();
}

std::string AgentName(Context& ctx, std::vector<std::string>& args)
{
    if (auto as = TakeOption(args, "--as"); as && !as->empty())
        return *as;
    if (auto s = LoadSettings(ctx); s && !s->agent_name.empty())
        return s->agent_name;
    const char* user = std::getenv("USER");
    return user && *user ? user : "civicdesk-cli";
}

namespace {

void PrintHelp(std::ostream& out)
{
    out << "Usage: civicdesk-cli [--data-dir DIR] COMMAND [ARGS]\n\n"
           "The headless companion of the CivicDesk 311 console.\n\n"
           "Commands:\n";
    for (const auto& c : Registry()) {
        std::string words;
        for (const auto& w : c.words)
            words += (words.empty() ? "" : " ") + w;
        out << "  " << words << (c.synopsis.empty() ? "" : " " + c.synopsis) << "\n      "
            << c.help << "\n";
    }
    out << "\nOptions:\n"
           "  --data-dir DIR   use DIR instead of $XDG_DATA_HOME/civicdesk\n"
           "  --help           show this help\n"
           "  --version        show the version\n\n"
           "Exit status: 0 done, 1 failed or found a problem, 2 usage error.\n";
}

} // namespace

int Main(std::vector<std::string> args, std::ostream& out, std::ostream& err)
{
    if (Registry().empty()) {
        RegisterDbCommands();
        RegisterKbCommands();
        RegisterContactCommands();
        RegisterCrmCommands();
        RegisterPluginCommands();
        RegisterCenterCommands();
    }

    if (TakeFlag(args, "--version")) {
        out << "civicdesk-cli " << kVersion << "\n";
        return kOk;
    }
    if (TakeFlag(args, "--help") || TakeFlag(args, "-h")) {
        PrintHelp(out);
        return kOk;
    }
    if (args.empty()) {
        PrintHelp(err);
        return kUsage;
    }
    std::optional<std::filesystem::path> data_dir;
    if (auto d = TakeOption(args, "--data-dir"))
        data_dir = *d;
    Context ctx{Paths::FromEnvironment(data_dir), out, err};

    // The longest registered word sequence that prefixes the arguments wins.
    const Command* best = nullptr;
    for (const auto& c : Registry()) {
        if (c.words.size() <= args.size() &&
            std::equal(c.words.begin(), c.words.end(), args.begin()) &&
            (!best || c.words.size() > best->words.size()))
            best = &c;
    }
    if (!best) {
        err << "civicdesk-cli: unknown command '" << args.front()
            << "' (see civicdesk-cli --help)\n";
        return kUsage;
    }
    std::vector<std::string> rest(args.begin() + static_cast<long>(best->words.size()), args.end());
    return best->run(ctx, rest);
}

} // namespace civic::cli
