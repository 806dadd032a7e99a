#include <civic/services/Session.h>

#include <civic/services/Plugins.h>
#include <civic/sync/ConsoleSchema.h>

#include <cstdlib>

namespace civic::services {
namespace {

using namespace std::chrono_literals;

constexpr auto kFirstRoundDelay = 3s;
constexpr auto kCrmRoundEvery = 30s;
// Only changed files are downloaded, so a quiet round costs one listing.
constexpr auto kKnowledgeSyncEvery = 5min;
constexpr auto kOutboxCountEvery = 5s;

} // namespace

kb::SourceConfig KnowledgeSourceConfig(const Paths& paths, const Settings& s)
{
    kb::SourceConfig c;
    c.url = s.kb_source_url;
    c.user = s.kb_source_user;
    c.password = SecretFor(paths, s.kb_source_url, "CIVICDESK_KB_PASSWORD");
    c.timeout_ms = 15000;
    return c;
}

Result<std::unique_ptr<ConsoleSession>> ConsoleSession::Open(const Paths& paths, Options options)
{
    // Connectors and knowledge sources come from plugins; one that is refused
    // is recorded (LoadedPlugins) and the console starts without it.
    LoadPlugins(PluginFolders(paths));
    auto console = Console::Open(paths, sync::ConsoleSchema());
    if (!console)
        return console.Err();
    std::unique_ptr<ConsoleSession> s(new ConsoleSession);
    s->m_options = std::move(options);
    s->m_console = std::move(console).Value();
    s->m_contacts = std::make_unique<ContactService>(*s->m_console);
    s->m_wrapups = std::make_unique<WrapUpService>(*s->m_console);
    s->m_outbox = std::make_unique<OutboxService>(*s->m_console, s->m_options.crm_connector);
    s->m_center = std::make_unique<CenterService>(paths);
    s->m_scheduler = std::make_unique<Scheduler>();
    return s;
}

ConsoleSession::~ConsoleSession()
{
    m_scheduler.reset(); // no job starts any more
    m_center.reset();    // joins the center thread (a round in progress ends first)
    if (m_outbox)
        m_outbox->Stop();
    m_outbox.reset();    // joins the CRM thread; its last round may still count the outbox
    m_knowledge.reset(); // joins knowledge and kb-sync
    m_wrapups.reset();
    m_contacts.reset();
    m_console.reset();   // network, then the store, after what they were given
}

void ConsoleSession::SaveSettings(const Settings& s, Reply<Result<void>> done)
{
    m_console->SaveSettings(s, std::move(done));
}

void ConsoleSession::SaveSecret(std::string account, std::string secret, Reply<Result<SecretSaved>> reply)
{
    m_console->Network().Post([paths = GetPaths(), account = std::move(account), secret = std::move(secret),
                               reply = std::move(reply)] { Answer(reply, SaveApiKey(paths, account, secret)); });
}

kb::KnowledgeService& ConsoleSession::Knowledge()
{
    std::call_once(m_knowledge_opened, [this] { m_knowledge = std::make_unique<kb::KnowledgeService>(GetPaths()); });
    return *m_knowledge;
}

bool ConsoleSession::SyncCrm(bool refresh_all)
{
    if (const auto job = m_crm_job.load(); job != kNoJob)
        m_scheduler->Delay(job, kCrmRoundEvery);
    return m_outbox->SyncCrm(refresh_all);
}

bool ConsoleSession::SyncKnowledge()
{
    if (const auto job = m_kb_job.load(); job != kNoJob)
        m_scheduler->Delay(job, kKnowledgeSyncEvery);
    const Settings s = GetSettings();
    if (!s.HasKnowledgeSource() || m_kb_syncing.exchange(true))
        return false;
    m_knowledge_rounds.Emit(KnowledgeRound{});
    Knowledge().SyncExecutor().Post([this, s] {
        KnowledgeRound done;
        done.finished = true;
        auto source = kb::MakeSource(m_options.knowledge_source, KnowledgeSourceConfig(GetPaths(), s));
        if (!source) {
            done.error = Error{ErrorKind::Invalid, "no knowledge source called " + m_options.knowledge_source};
        } else if (auto report = m_knowledge->SyncOnce(*source); !report) {
            done.error = report.Err();
        } else {
            done.report = std::move(report).Value();
            // Conflicts waiting, counted on the knowledge thread's connection.
            done.conflicts = Await<int>([this](Reply<int> r) { m_knowledge->CountConflicts(std::move(r)); });
        }
        m_kb_syncing = false;
        m_knowledge_rounds.Emit(done);
    });
    return true;
}

void ConsoleSession::StartPeriodicJobs()
{
    std::call_once(m_jobs_started, [this] {
        m_crm_job = m_scheduler->Add("crm", kFirstRoundDelay, kCrmRoundEvery, [this] { m_outbox->SyncCrm(); });
        m_kb_job = m_scheduler->Add("knowledge", kFirstRoundDelay, kKnowledgeSyncEvery, [this] { SyncKnowledge(); });
        m_scheduler->Add("outbox count", kOutboxCountEvery, kOutboxCountEvery,
                         [this] { m_outbox->RefreshCounts(); });
        m_center->Start();
    });
}

} // namespace civic::services
