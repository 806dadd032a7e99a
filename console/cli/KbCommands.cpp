// civicdesk-cli kb …: the knowledge base from scripts — import, export, search,
// statistics, the queries that found nothing, and the shared knowledge base.
#include "Cli.h"

#include <civic/core/ConsoleStore.h>
#include <civic/core/Secrets.h>
#include <civic/kb/KnowledgeSync.h>
#include <civic/kb/Open.h>
#include <civic/services/Session.h>
#include <civic/services/Plugins.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ostream>

namespace civic::cli {
namespace {

// The CLI is an administrator's tool on the agent's own machine: it acts as a
// supervisor. Changes it makes are recorded in revisions under AgentName().
kb::Actor CliActor(Context& ctx, std::vector<std::string>& args)
{
    return kb::Actor{AgentName(ctx, args), Role::Supervisor};
}

std::unique_ptr<kb::KnowledgeBase> OpenKb(Context& ctx)
{
    if (auto r = ctx.paths.Create(); !r) {
        Failed(ctx, r.Err());
        return nullptr;
    }
    auto kb = kb::OpenForConsole(ctx.paths);
    if (!kb) {
        Failed(ctx, kb.Err());
        return nullptr;
    }
    return std::move(kb).Value();
}

int KbImport(Context& ctx, std::vector<std::string>& args)
{
    const auto actor = CliActor(ctx, args);
    if (args.empty()) {
        ctx.err << "usage: civicdesk-cli kb import FILE.xml|FILE.csv...\n";
        return kUsage;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    const std::vector<std::filesystem::path> files(args.begin(), args.end());
    std::vector<int> imported;
    auto r = kb->Import(files, actor, &imported);
    for (size_t i = 0; i < imported.size(); ++i)
        ctx.out << "imported " << imported[i] << " article" << (imported[i] == 1 ? "" : "s") << " from "
                << files[i].string() << "\n";
    if (!r) {
        ctx.err << "error: " << r.Err().message << "\nNothing was imported from "
                << files[imported.size()].string() << (imported.size() + 1 < files.size() ? " or the files after it" : "")
                << ".\n";
        return kFailed;
    }
    return kOk;
}

int KbExport(Context& ctx, std::vector<std::string>& args)
{
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli kb export FILE.xml\n";
        return kUsage;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    auto r = kb->ExportXml(args[0]);
    if (!r)
        return Failed(ctx, r.Err());
    ctx.out << "exported " << r.Value() << " articles with their revisions to " << args[0] << "\n";
    return kOk;
}

int KbSearch(Context& ctx, std::vector<std::string>& args)
{
    kb::SearchQuery q;
    q.record_if_empty = true;
    if (auto v = TakeOption(args, "--lang"))
        q.language = *v;
    if (auto v = TakeOption(args, "--category"))
        q.category = *v;
    if (auto v = TakeOption(args, "--status")) {
        if (*v == "any")
            q.status.reset();
        else if (auto s = kb::StatusFromString(*v))
            q.status = s;
        else {
            ctx.err << "kb search: --status is draft, review, published, archived or any\n";
            return kUsage;
        }
    }
    if (auto v = TakeOption(args, "--limit")) {
        char* end = nullptr;
        const long n = std::strtol(v->c_str(), &end, 10);
        if (!end || *end || n < 1 || n > 1000) {
            ctx.err << "kb search: --limit takes a number from 1 to 1000\n";
            return kUsage;
        }
        q.limit = static_cast<int>(n);
    }
    const bool json = TakeFlag(args, "--json");
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli kb search \"QUERY\" [--lang xx] [--limit N] [--json]\n";
        return kUsage;
    }
    q.text = args[0];
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    auto hits = kb->Search(q);
    if (!hits)
        return Failed(ctx, hits.Err());
    if (json) {
        auto arr = nlohmann::json::array();
        for (const auto& h : hits.Value())
            arr.push_back({{"id", h.id},
                           {"uid", h.uid},
                           {"title", h.title},
                           {"language", h.language},
                           {"category", h.category},
                           {"status", std::string(kb::ToString(h.status))},
                           {"score", h.score},
                           {"snippet", kb::ReplaceMarks(h.snippet, "<mark>", "</mark>")}});
        ctx.out << arr.dump(2) << "\n";
        return kOk;
    }
    if (hits->empty())
        ctx.out << "no articles match " << Quoted(q.text) << "\n";
    for (const auto& h : hits.Value())
        ctx.out << h.id << "  " << h.title << "  [" << h.language << ", " << h.category << "]\n    "
                << kb::ReplaceMarks(h.snippet, "[", "]") << "\n";
    return kOk;
}

int KbStats(Context& ctx, std::vector<std::string>& args)
{
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli kb stats\n";
        return kUsage;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    auto s = kb->GetStats();
    if (!s)
        return Failed(ctx, s.Err());
    ctx.out << "articles: " << s->articles << "\n";
    for (const auto& [status, n] : s->by_status)
        ctx.out << "  " << status << ": " << n << "\n";
    ctx.out << "languages:";
    for (const auto& [lang, n] : s->by_language)
        ctx.out << " " << lang << "=" << n;
    ctx.out << "\nrevisions: " << s->revisions << "\nsynonym groups: " << s->synonyms
            << "\nopen flags: " << s->open_flags << "\nqueries that found nothing: "
            << s->missed_queries << "\n";
    return kOk;
}

int KbMissed(Context& ctx, std::vector<std::string>& args)
{
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli kb missed\n";
        return kUsage;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    auto m = kb->MissedQueries();
    if (!m)
        return Failed(ctx, m.Err());
    for (const auto& q : m.Value())
        ctx.out << q.count << "\t" << (q.language.empty() ? "*" : q.language) << "\t" << q.text << "\n";
    return kOk;
}

int KbSync(Context& ctx, std::vector<std::string>& args)
{
    auto url = TakeOption(args, "--url");
    auto user = TakeOption(args, "--user");
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli kb sync [--url URL] [--user NAME]\n";
        return kUsage;
    }
    auto settings = LoadSettings(ctx).value_or(Settings{});
    settings.kb_source_url = url.value_or(settings.kb_source_url);
    settings.kb_source_user = user.value_or(settings.kb_source_user);
    if (settings.kb_source_url.empty()) {
        ctx.err << "kb sync: no shared knowledge base is configured (Settings, or --url)\n";
        return kFailed;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    // The console's own way to the shared store: the same source and password rules.
    services::LoadPlugins(services::PluginFolders(ctx.paths));
    auto source = kb::MakeSource(services::ConsoleSession::Options{}.knowledge_source,
                                 services::KnowledgeSourceConfig(ctx.paths, settings));
    if (!source) {
        ctx.err << "kb sync: no knowledge source plugin is loaded (see `civicdesk-cli plugins list`)\n";
        return kFailed;
    }
    auto report = kb::KnowledgeSync(*kb).Run(*source);
    if (!report) {
        ctx.err << "kb sync: " << report.Err().message << "\n";
        return kFailed;
    }
    ctx.out << "shared files: " << report->listed << "\nfetched: " << report->fetched
            << "\napplied here: " << report->pulled << "\npushed: " << report->pushed
            << "\nnew conflicts: " << report->conflicts << "\nwaiting for the next round: "
            << report->retry_later << "\n";
    for (const auto& p : report->problems)
        ctx.err << "problem: " << p << "\n";
    return report->problems.empty() ? kOk : kFailed;
}

int KbConflicts(Context& ctx, std::vector<std::string>& args)
{
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli kb conflicts\n";
        return kUsage;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    auto conflicts = kb::KnowledgeSync(*kb).Conflicts();
    if (!conflicts)
        return Failed(ctx, conflicts.Err());
    for (const auto& c : conflicts.Value())
        ctx.out << c.uid << "  here: \"" << c.local.content.title << "\"  shared (by "
                << c.shared.author << "): \"" << c.shared.content.title << "\"\n";
    return kOk;
}

int KbResolve(Context& ctx, std::vector<std::string>& args)
{
    const bool keep = TakeFlag(args, "--keep-mine");
    const bool take = TakeFlag(args, "--take-shared");
    const kb::Actor actor = CliActor(ctx, args);
    if (args.size() != 1 || keep == take) {
        ctx.err << "usage: civicdesk-cli kb resolve UID --keep-mine|--take-shared [--as NAME]\n";
        return kUsage;
    }
    auto kb = OpenKb(ctx);
    if (!kb)
        return kFailed;
    kb::KnowledgeSync sync(*kb);
    auto r = keep ? sync.KeepMine(actor, args[0]) : sync.TakeShared(actor, args[0]);
    if (!r)
        return Failed(ctx, r.Err());
    ctx.out << args[0] << ": " << (keep ? "this console's version kept; sent at the next sync"
                                         : "the shared version taken")
            << "\n";
    return kOk;
}

} // namespace

void RegisterKbCommands()
{
    auto& r = Registry();
    r.push_back({{"kb", "import"}, "FILE.xml|FILE.csv... [--as NAME]",
                 "import articles; each file all or nothing, errors name the line", KbImport});
    r.push_back({{"kb", "export"}, "FILE.xml", "export every article with revisions and translations",
                 KbExport});
    r.push_back({{"kb", "search"}, "\"QUERY\" [--lang xx] [--category C] [--status S|any] [--limit N] [--json]",
                 "search the knowledge base as agents do", KbSearch});
    r.push_back({{"kb", "stats"}, "", "counts of articles, revisions, flags and missed queries", KbStats});
    r.push_back({{"kb", "missed"}, "", "queries that found nothing, most frequent first", KbMissed});
    r.push_back({{"kb", "sync"}, "[--url URL] [--user NAME]",
                 "pull and push the shared knowledge base (password: $CIVICDESK_KB_PASSWORD or saved)",
                 KbSync});
    r.push_back({{"kb", "conflicts"}, "", "articles changed both here and in the shared knowledge base",
                 KbConflicts});
    r.push_back({{"kb", "resolve"}, "UID --keep-mine|--take-shared [--as NAME]",
                 "settle a sync conflict; both versions stay in the history", KbResolve});
}

} // namespace civic::cli
