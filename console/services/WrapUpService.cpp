#include <civic/services/WrapUpService.h>

#include "OnStore.h"

#include <civic/sync/RequestCheck.h>

namespace civic::services {

using detail::OnStore;

void WrapUpService::Services(Reply<Result<std::vector<crm::Service>>> reply)
{
    OnStore(m_console, [](store::Database& db) { return sync::CachedServices(db); }, std::move(reply));
}

void WrapUpService::Definition(std::string code, Reply<Result<std::optional<crm::ServiceDefinition>>> reply)
{
    OnStore(m_console, [code = std::move(code)](store::Database& db) { return sync::CachedDefinition(db, code); },
            std::move(reply));
}

void WrapUpService::NearbyOpen(crm::NewRequest request, Reply<Result<std::vector<sync::Nearby>>> reply)
{
    OnStore(m_console, [request = std::move(request)](store::Database& db) { return sync::NearbyOpen(db, request); },
            std::move(reply));
}

void WrapUpService::Submit(sync::WrapUp w, Reply<Result<sync::Submitted>> reply)
{
    OnStore(m_console,
            [w = std::move(w), region = m_console.GetSettings().phone_region,
             name_caller = m_console.GetSettings().name_caller_to_crm](store::Database& db) mutable
            -> Result<sync::Submitted> {
                w.name_caller = name_caller;
                // The form's rules, here too: a script files nothing the form refuses.
                if (w.request)
                    if (auto checked = sync::CheckAgainstCatalog(db, *w.request); !checked)
                        return checked.Err();
                return sync::Submit(db, w, region);
            },
            std::move(reply));
}

void WrapUpService::SaveDraft(sync::Draft draft, Reply<Result<void>> reply)
{
    OnStore(m_console,
            [draft = std::move(draft), agent = m_console.GetSettings().agent_name](store::Database& db) {
                return sync::SaveDraft(db, agent, draft);
            },
            std::move(reply));
}

void WrapUpService::LoadDrafts(Reply<Result<std::vector<sync::Draft>>> reply)
{
    OnStore(m_console,
            [agent = m_console.GetSettings().agent_name](store::Database& db) { return sync::LoadDrafts(db, agent); },
            std::move(reply));
}

void WrapUpService::HoldDraft(std::int64_t contact, std::int64_t started_at, bool held, Reply<Result<void>> reply)
{
    OnStore(m_console,
            [agent = m_console.GetSettings().agent_name, contact, started_at, held](store::Database& db) {
                return sync::HoldDraft(db, agent, contact, started_at, held);
            },
            std::move(reply));
}

void WrapUpService::DiscardDraft(std::int64_t contact, std::int64_t started_at, Reply<Result<void>> reply)
{
    OnStore(m_console,
            [agent = m_console.GetSettings().agent_name, contact, started_at](store::Database& db) {
                return sync::ClearDraft(db, agent, contact, started_at);
            },
            std::move(reply));
}

} // namespace civic::services
