// civicdesk-cli services …, outbox …, requests refresh and wrapup submit: the
// CRM side from scripts and cron — catalog, delivery, status sync, intake.
#include "Cli.h"

#include <civic/Files.h>
#include <civic/core/ConsoleStore.h>
#include <civic/core/Secrets.h>
#include <civic/services/Plugins.h>
#include <civic/services/Session.h>
#include <civic/sync/CenterForm.h>
#include <civic/sync/Outbox.h>

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <sstream>

namespace civic::cli {
namespace {

// The configured CRM, or --endpoint; the key from $CIVICDESK_API_KEY or the
// one saved in the settings.
std::unique_ptr<crm::Connector> Connect(Context& ctx, std::vector<std::string>& args)
{
    auto settings = LoadSettings(ctx).value_or(Settings{});
    settings.crm_endpoint = TakeOption(args, "--endpoint").value_or(settings.crm_endpoint);
    settings.jurisdiction_id = TakeOption(args, "--jurisdiction").value_or(settings.jurisdiction_id);
    const auto format = TakeOption(args, "--format"); // else the configured one (xml by default)
    if (settings.crm_endpoint.empty()) {
        ctx.err << "no CRM is configured (File > Settings in the console, or --endpoint URL)\n";
        return nullptr;
    }
    // The console's own connector, from the plugins it loads.
    services::LoadPlugins(services::PluginFolders(ctx.paths));
    crm::ConnectorConfig c = sync::ConnectorConfigFor(ctx.paths, settings);
    if (format)
        c.format = *format;
    const std::string name = settings.crm_connector;
    auto connector = crm::MakeConnector(name, c);
    if (!connector)
        ctx.err << "no CRM connector \"" << name << "\" is loaded (see `civicdesk-cli plugins list`)\n";
    return connector;
}

int ServicesRefresh(Context& ctx, std::vector<std::string>& args)
{
    auto crm = Connect(ctx, args);
    if (!crm)
        return kFailed;
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli services refresh [--endpoint URL]\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    auto r = sync::RefreshCatalog(*db, *crm);
    if (!r) {
        const std::string version = sync::CatalogVersion(*db);
        ctx.err << "error: " << r.Err().message << "\n"
                << (version.empty() ? std::string("no catalog is cached yet: forms offer no services until a refresh works")
                                    : "the cached catalog (version " + version + ") stays in use")
                << "\n";
        return kFailed;
    }
    ctx.out << "services: " << r->services << "\ndefinitions: " << r->definitions << "\nversion: " << r->version
            << (r->changed ? " (changed)" : " (unchanged)") << "\n";
    return kOk;
}

int ServicesList(Context& ctx, std::vector<std::string>& args)
{
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli services list\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    auto services = sync::CachedServices(*db);
    if (!services)
        return Failed(ctx, services.Err());
    if (services->empty())
        ctx.out << "no services cached yet: civicdesk-cli services refresh\n";
    for (const auto& s : services.Value())
        ctx.out << s.code << "  " << s.name << (s.has_definition ? "  [form]" : "") << "\n";
    return kOk;
}

int OutboxList(Context& ctx, std::vector<std::string>& args)
{
    const bool all = TakeFlag(args, "--all");
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli outbox list [--all]\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    auto entries = all ? sync::List(*db)
                       : sync::List(*db, {sync::State::Pending, sync::State::Sending, sync::State::Attention});
    if (!entries)
        return Failed(ctx, entries.Err());
    if (entries->empty())
        ctx.out << "the outbox is empty\n";
    for (const auto& e : entries.Value()) {
        ctx.out << e.id << "  " << sync::ToString(e.state) << "  " << e.payload.service_code << "  "
                << e.contact_name << "  attempts " << e.attempts;
        if (!e.remote_id.empty())
            ctx.out << "  request " << e.remote_id;
        else if (e.state == sync::State::Delivered)
            ctx.out << (e.token.empty() ? "  (the CRM named no request)" : "  (waiting for the CRM to name it: token " +
                                                                              e.token + ")");
        if (e.uncertain)
            ctx.out << "  (checking whether the CRM has it)";
        if (!e.last_error.empty() && e.state != sync::State::Delivered)
            ctx.out << "\n    " << e.last_error;
        ctx.out << "\n";
    }
    return kOk;
}

int OutboxFlush(Context& ctx, std::vector<std::string>& args)
{
    const bool now = TakeFlag(args, "--now"); // ignore backoff: try every pending entry
    auto crm = Connect(ctx, args);
    if (!crm)
        return kFailed;
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli outbox flush [--now] [--endpoint URL]\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    (void)sync::RecoverInterrupted(*db);
    sync::DeliverOptions o;
    o.ignore_schedule = now;
    auto r = sync::Deliver(*db, *crm, o);
    if (!r)
        return Failed(ctx, r.Err());
    ctx.out << "delivered: " << r->delivered << " (found at the CRM after an unanswered attempt: " << r->reconciled
            << ")\nwaiting to retry: " << r->retry_later << "\nneeding attention: " << r->attention
            << "\ntokens resolved: " << r->tokens_resolved << "\n";
    if (r->offline)
        ctx.out << "the CRM could not be reached\n";
    return r->offline ? kFailed : kOk;
}

int RequestsRefresh(Context& ctx, std::vector<std::string>& args)
{
    auto crm = Connect(ctx, args);
    if (!crm)
        return kFailed;
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    const auto settings = LoadSettings(ctx).value_or(Settings{});
    auto r = sync::RefreshRequests(*db, *crm, settings.phone_region);
    if (!r)
        return Failed(ctx, r.Err());
    ctx.out << "requests changed: " << r.Value() << "\n";
    return kOk;
}

int WrapupSubmit(Context& ctx, std::vector<std::string>& args)
{
    const std::string agent = AgentName(ctx, args);
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli wrapup submit FILE.xml|FILE.json [--as NAME]\n";
        return kUsage;
    }
    // A wrap-up is a few kilobytes.
    auto read = ReadWholeFile(args[0], 4u * 1024 * 1024);
    if (!read) {
        ctx.err << "error: " << read.Err().message << "\nnothing was submitted\n";
        return kFailed;
    }
    const std::string& text = read.Value();
    const std::string name = std::filesystem::path(args[0]).filename().string();
    const bool json = text.find_first_not_of(" \t\r\n") != std::string::npos &&
                      text[text.find_first_not_of(" \t\r\n")] == '{';
    auto w = json ? sync::WrapUpFromJson(text, name) : sync::WrapUpFromXml(text, name);
    if (!w) {
        ctx.err << "error: " << w.Err().message << "\nnothing was submitted\n";
        return kFailed;
    }
    if (w->agent.empty())
        w->agent = agent;
    // Scripted intake answers the center's questions as agents do.
    auto form = sync::LoadCenterForm(sync::CenterFormFile(ctx.paths.data_dir, ctx.paths.resources_dir));
    if (!form)
        ctx.err << "warning: " << form.Err().message << "; checking against the built-in questions\n";
    if (auto checked = sync::CheckAnswers(form ? form.Value() : sync::DefaultCenterForm(), sync::AnswersOf(w.Value()));
        !checked) {
        ctx.err << "error: " << name << ": " << checked.Err().message << "\nnothing was submitted\n";
        return kFailed;
    }
    // Through the console's own service, so a script meets the form's rules.
    auto session = services::ConsoleSession::Open(ctx.paths);
    if (!session)
        return Failed(ctx, session.Err());
    auto s = services::Await<Result<sync::Submitted>>(
        [&](auto reply) { session.Value()->WrapUps().Submit(w.Value(), std::move(reply)); });
    if (!s) {
        ctx.err << "error: " << name << ": " << s.Err().message << "\nnothing was submitted\n";
        return kFailed;
    }
    ctx.out << "interaction " << s->interaction;
    if (s->outbox)
        ctx.out << ", outbox entry " << s->outbox << " (sent by the console or `outbox flush`)";
    ctx.out << "\n";
    return kOk;
}

} // namespace

void RegisterCrmCommands()
{
    auto& r = Registry();
    r.push_back({{"services", "refresh"}, "[--endpoint URL]", "fetch the CRM's service catalog for offline forms",
                 ServicesRefresh});
    r.push_back({{"services", "list"}, "", "the cached service catalog", ServicesList});
    r.push_back({{"outbox", "list"}, "[--all]", "what waits for the CRM, and why", OutboxList});
    r.push_back({{"outbox", "flush"}, "[--now] [--endpoint URL]", "deliver what is due (--now: all pending)",
                 OutboxFlush});
    r.push_back({{"requests", "refresh"}, "[--endpoint URL]", "status of the open requests this console knows",
                 RequestsRefresh});
    r.push_back({{"wrapup", "submit"}, "FILE.xml|FILE.json [--as NAME]", "file a wrap-up from a script (README)",
                 WrapupSubmit});
}

} // namespace civic::cli
