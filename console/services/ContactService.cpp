#include <civic/services/ContactService.h>

#include "OnStore.h"

namespace civic::services {

using contacts::ContactStore;
using contacts::FoundContact;

template <class F, class R>
void ContactService::OnStore(F f, Reply<R> reply)
{
    detail::OnStore(
        m_console,
        [f = std::move(f), region = m_console.GetSettings().phone_region](store::Database& db) mutable {
            ContactStore cs(db, region);
            return f(cs, db);
        },
        std::move(reply));
}

void ContactService::Create(contacts::NewContact c, Reply<Result<std::int64_t>> reply)
{
    OnStore([c = std::move(c)](ContactStore& cs, store::Database&) { return cs.Create(c); }, std::move(reply));
}

void ContactService::AnonymousVisitor(Reply<Result<std::int64_t>> reply)
{
    OnStore([](ContactStore& cs, store::Database&) { return cs.AnonymousVisitor(); }, std::move(reply));
}

void ContactService::Find(std::string text, int limit, Reply<Result<std::vector<FoundContact>>> reply)
{
    OnStore([text = std::move(text), limit](ContactStore& cs, store::Database&) { return cs.Find(text, limit); },
            std::move(reply));
}

void ContactService::FindCaller(std::string identifier, bool email, Reply<Result<std::vector<FoundContact>>> reply)
{
    OnStore(
        [identifier = std::move(identifier), email](ContactStore& cs,
                                                    store::Database&) -> Result<std::vector<FoundContact>> {
            auto ids = email ? cs.FindByEmail(identifier) : cs.FindByPhone(identifier);
            if (!ids)
                return ids.Err();
            std::vector<FoundContact> out;
            for (auto id : ids.Value())
                if (auto c = cs.Get(id))
                    out.push_back({id, c->kind, c->name, identifier, false});
            return out;
        },
        std::move(reply));
}

void ContactService::Card(std::int64_t id, Reply<Result<ContactCard>> reply)
{
    OnStore(
        [id](ContactStore& cs, store::Database&) -> Result<ContactCard> {
            auto root = cs.Root(id);
            if (!root)
                return root.Err();
            auto c = cs.Get(root.Value());
            if (!c)
                return c.Err();
            auto dups = cs.DuplicatesOf(root.Value());
            return ContactCard{std::move(c).Value(), dups ? static_cast<int>(dups->size()) : 0};
        },
        std::move(reply));
}

void ContactService::Timeline(std::int64_t id, contacts::TimelineFilter filter,
                              std::optional<contacts::TimelineCursor> cursor, int page_size,
                              Reply<Result<contacts::TimelinePage>> reply)
{
    OnStore([id, filter = std::move(filter), cursor, page_size](ContactStore& cs, store::Database&) {
        return cs.Timeline(id, filter, cursor, page_size);
    },
            std::move(reply));
}

void ContactService::Duplicates(std::int64_t id, Reply<Result<std::vector<contacts::DuplicateCandidate>>> reply)
{
    OnStore([id](ContactStore& cs, store::Database&) { return cs.DuplicatesOf(id); }, std::move(reply));
}

void ContactService::Merge(std::int64_t keep, std::int64_t other, Reply<Result<void>> reply)
{
    OnStore([keep, other, agent = m_console.GetSettings().agent_name](
                ContactStore& cs, store::Database&) { return cs.Merge(agent, keep, other); },
            std::move(reply));
}

void ContactService::Audit(AuditFilter filter, Reply<Result<std::vector<AuditEntry>>> reply)
{
    OnStore([filter](ContactStore&, store::Database& db) { return ListAudit(db, filter); }, std::move(reply));
}

void ContactService::Names(std::vector<std::int64_t> ids, Reply<Result<std::vector<std::string>>> reply)
{
    OnStore([ids = std::move(ids)](ContactStore& cs, store::Database&) -> Result<std::vector<std::string>> {
        std::vector<std::string> out;
        for (auto id : ids) {
            auto c = cs.Get(id);
            if (!c)
                return c.Err();
            out.push_back(c->name);
        }
        return out;
    },
            std::move(reply));
}

void ContactService::MarkDistinct(std::int64_t a, std::int64_t b, Reply<Result<void>> reply)
{
    OnStore([a, b, agent = m_console.GetSettings().agent_name](ContactStore& cs, store::Database&) {
        return cs.MarkDistinct(agent, a, b);
    },
            std::move(reply));
}

void ContactService::Unmerge(std::int64_t merged, Reply<Result<void>> reply)
{
    OnStore([merged, agent = m_console.GetSettings().agent_name](ContactStore& cs, store::Database&) {
        return cs.Unmerge(agent, merged);
    },
            std::move(reply));
}

void ContactService::Organizations(Reply<Result<std::vector<FoundContact>>> reply)
{
    OnStore([](ContactStore& cs, store::Database&) { return cs.Organizations(); }, std::move(reply));
}

void ContactService::Save(ContactEdits e, Reply<Result<void>> reply)
{
    OnStore(
        [e = std::move(e)](ContactStore& cs, store::Database& db) -> Result<void> {
            store::Transaction tx(db); // all of it, or nothing
            if (!tx.IsActive())
                return tx.Commit();
            if (auto r = cs.Update(e.contact, e.fields); !r)
                return r;
            for (const auto& [identifier, notify] : e.consent)
                if (auto r = cs.SetConsent(identifier, notify); !r)
                    return r;
            if (e.added)
                if (auto r = cs.AddIdentifier(e.contact, *e.added); !r)
                    return r.Err();
            std::optional<std::int64_t> org = e.organization_id;
            if (!org && !e.new_organization.empty()) {
                contacts::NewContact o;
                o.kind = contacts::ContactKind::Organization;
                o.name = e.new_organization;
                auto made = cs.Create(o);
                if (!made)
                    return made.Err();
                org = made.Value();
            }
            if (org)
                if (auto r = cs.Link(*org, e.contact); !r)
                    return r;
            return tx.Commit();
        },
        std::move(reply));
}

} // namespace civic::services
