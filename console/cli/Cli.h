// The CLI's small framework: a table of subcommands, each a function from the
// remaining arguments to an exit status. Output goes to stdout, problems to
// stderr; exit 0 = done, 1 = the work found a problem or failed, 2 = usage.
#pragma once

#include <civic/Text.h>
#include <civic/core/Paths.h>
#include <civic/core/Settings.h>

#include <civic/Result.h>
#include <civic/store/Database.h>

#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace civic::cli {

enum Exit
{
    kOk = 0,
    kFailed = 1,
    kUsage = 2,
};

struct Context
{
    Paths paths;
    std::ostream& out;
    std::ostream& err;
};

struct Command
{
    std::vector<std::string> words; // e.g. {"db", "check"}
    std::string synopsis;           // arguments after the words
    std::string help;
    std::function<int(Context&, std::vector<std::string>& args)> run;
};

// Registered commands, in the order --help lists them.
std::vector<Command>& Registry();

// Takes "--name VALUE" out of args; nullopt when absent.
std::optional<std::string> TakeOption(std::vector<std::string>& args, const std::string& name);
// Takes a bare "--flag" out of args.
bool TakeFlag(std::vector<std::string>& args, const std::string& name);

// Who the CLI acts as (revisions, the audit log): --as NAME, else the
// configured agent, else the login name.
std::string AgentName(Context& ctx, std::vector<std::string>& args);
// The console's settings, read-only; defaults when there is no store yet,
// nullopt when it cannot be read.
std::optional<Settings> LoadSettings(Context& ctx);

// Prints "error: <message>" on stderr; returns kFailed.
int Failed(Context& ctx, const Error& e);
// console.db, created and migrated; null (the error printed) when it cannot be.
std::unique_ptr<store::Database> OpenConsoleDb(Context& ctx);

int Main(std::vector<std::string> args, std::ostream& out, std::ostream& err);

void RegisterDbCommands();
void RegisterKbCommands();
void RegisterContactCommands();
void RegisterCrmCommands();
void RegisterPluginCommands();
void RegisterCenterCommands();

// What was asked, for echoing back in a message: a pasted page is shown by
// its beginning.
inline std::string Quoted(std::string_view text)
{
    constexpr std::size_t kShown = 80;
    const std::string_view shown = TruncateUtf8(text, kShown);
    return "\"" + std::string(shown) + (shown.size() < text.size() ? "...\"" : "\"");
}

} // namespace civic::cli
