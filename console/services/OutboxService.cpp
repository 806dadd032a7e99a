#include <civic/services/OutboxService.h>

#include "OnStore.h"

namespace civic::services {

using detail::OnStore;

namespace {
constexpr int kStatusEveryRounds = 10;
constexpr int kCatalogEveryRounds = 120;
} // namespace

OutboxService::OutboxService(Console& console, std::string connector)
    : m_console(console), m_crm(console.GetPaths(), std::move(connector))
{
}

OutboxService::~OutboxService() { m_crm.Stop(); }

void OutboxService::List(std::vector<sync::State> states, Reply<Result<std::vector<sync::Entry>>> reply)
{
    OnStore(m_console, [states = std::move(states)](store::Database& db) { return sync::List(db, states); },
            std::move(reply));
}

void OutboxService::Retry(std::int64_t id, Reply<Result<void>> reply)
{
    OnStore(m_console, [id](store::Database& db) { return sync::Retry(db, id); }, std::move(reply));
}

void OutboxService::Edit(std::int64_t id, crm::NewRequest corrected, Reply<Result<void>> reply)
{
    OnStore(m_console, [id, corrected = std::move(corrected)](store::Database& db) {
        return sync::Edit(db, id, corrected);
    },
            std::move(reply));
}

void OutboxService::Discard(std::int64_t id, std::string reason, Reply<Result<void>> reply)
{
    OnStore(m_console,
            [id, reason = std::move(reason), agent = m_console.GetSettings().agent_name](store::Database& db) {
                return sync::Discard(db, id, agent, reason);
            },
            std::move(reply));
}

void OutboxService::RefreshCounts()
{
    m_console.Store().Post([this](store::Database& db) { m_counts.Emit(sync::CountOutbox(db)); });
}

bool OutboxService::SyncCrm(bool refresh_all)
{
    const Settings s = m_console.GetSettings();
    if (!s.HasCrm() || m_busy.exchange(true))
        return false;
    const int n = m_round_number++;
    const bool catalog = refresh_all || n % kCatalogEveryRounds == 0;
    const bool statuses = refresh_all || n % kStatusEveryRounds == 0;
    m_rounds.Emit(CrmRound{});
    m_crm.Executor().Post([this, s, catalog, statuses] {
        CrmRound done{true, m_crm.RunRound(s, catalog, statuses)};
        m_busy = false;
        m_rounds.Emit(done);
        RefreshCounts();
    });
    return true;
}

} // namespace civic::services
