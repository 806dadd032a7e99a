// Possible duplicates, merging them and undoing a merge.
#include <civic/contacts/Contacts.h>

#include "ContactsInternal.h"

#include <civic/Text.h>
#include <civic/Edits.h>
#include <civic/core/ConsoleStore.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <tuple>

namespace civic::contacts {

using namespace detail;

Result<std::vector<DuplicateCandidate>> ContactStore::DuplicatesOf(std::int64_t contact)
{
    auto c = Get(contact);
    if (!c)
        return c.Err();
    std::vector<DuplicateCandidate> out;
    using Why = DuplicateCandidate::Why;
    auto add = [&](std::int64_t other, Why why, const std::string& shared) {
        auto root = Root(other);
        if (!root || root.Value() == contact)
            return;
        // An agent said these are different people.
        auto distinct = m_db.Prepare("SELECT 1 FROM contact_distinct WHERE a = min(?1, ?2) AND b = max(?1, ?2)");
        if (distinct.BindAll(contact, root.Value()).Step().Value())
            return;
        if (std::any_of(out.begin(), out.end(), [&](const DuplicateCandidate& d) { return d.b == root.Value(); }))
            return;
        auto o = Get(root.Value());
        if (!o || o->kind != c->kind)
            return;
        static const char* const kSaid[] = {"same phone ", "same e-mail ", "same handle ", "similar name at "};
        out.push_back({contact, root.Value(), c->name, o->name, kSaid[static_cast<int>(why)] + shared, why, shared});
    };
    const auto my_words = NameWords(c->name);
    for (const auto& id : c->identifiers) {
        auto q = m_db.Prepare("SELECT contact FROM identifier WHERE kind = ?1 AND value = ?2 AND contact <> ?3");
        std::vector<std::int64_t> others;
        (void)q.BindAll(ToString(id.kind), id.value, id.contact).ForEach([&](store::Query& r) {
            others.push_back(r.Int(0));
        });
        for (auto other : others) {
            if (id.kind == IdKind::Phone || id.kind == IdKind::Email || id.kind == IdKind::Social) {
                add(other, id.kind == IdKind::Phone ? Why::SamePhone : id.kind == IdKind::Email ? Why::SameEmail : Why::SameHandle,
                    id.display);
            } else {
                // Many people share an address: only a similar name there counts.
                auto o = Get(other);
                if (!o)
                    continue;
                const auto their = NameWords(o->name);
                int close = 0;
                for (const auto& a : my_words)
                    for (const auto& b : their)
                        if ((a.size() >= 3 && WithinOneEdit(a, b)) ||
                            (std::min(a.size(), b.size()) == 1 && a[0] == b[0])) { // "M." for "Maria"
                            ++close;
                            break;
                        }
                if (!my_words.empty() && close >= std::min<int>(2, static_cast<int>(my_words.size())))
                    add(other, Why::SimilarNameAt, id.display);
            }
        }
    }
    return out;
}

Result<std::vector<DuplicateCandidate>> ContactStore::Duplicates(int limit)
{
    // Shared identifiers first (cheap, one index scan), then each contact's own check.
    std::vector<std::int64_t> suspects;
    auto q = m_db.Prepare("SELECT min(contact) FROM identifier i JOIN contact c ON c.id = i.contact "
                          "WHERE c.merged_into IS NULL GROUP BY i.kind, i.value HAVING count(DISTINCT i.contact) > 1 "
                          "LIMIT ?1");
    auto r = q.Bind(1, limit * 4).ForEach([&](store::Query& row) { suspects.push_back(row.Int(0)); });
    if (!r)
        return r.Err();
    std::vector<DuplicateCandidate> out;
    for (auto id : suspects) {
        auto d = DuplicatesOf(id);
        if (!d)
            return d.Err();
        for (auto& c : d.Value()) {
            const bool seen = std::any_of(out.begin(), out.end(), [&](const DuplicateCandidate& o) {
                return (o.a == c.a && o.b == c.b) || (o.a == c.b && o.b == c.a);
            });
            if (!seen && static_cast<int>(out.size()) < limit)
                out.push_back(std::move(c));
        }
    }
    return out;
}

Result<void> ContactStore::Merge(const std::string& agent, std::int64_t keep, std::int64_t merge)
{
    if (keep == merge)
        return Error{ErrorKind::Invalid, "a contact cannot be merged into itself"};
    auto a = Get(keep);
    if (!a)
        return a.Err();
    auto b = Get(merge);
    if (!b)
        return b.Err();
    if (a->merged_into)
        return Error{ErrorKind::Invalid, a->name + " was merged into another contact; merge into that one"};
    if (b->merged_into)
        return Error{ErrorKind::Invalid, b->name + " is already merged"};
    if (a->kind != b->kind)
        return Error{ErrorKind::Invalid, "a person and an organization cannot be merged"};
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit();
    auto q = m_db.Prepare("UPDATE contact SET merged_into = ?2, updated_at = ?3 WHERE id = ?1");
    if (auto r = q.BindAll(merge, keep, Now()).Run(); !r)
        return r;
    if (auto r = Audit(m_db, agent, "contact.merge", "contact:" + std::to_string(merge),
                       "merged '" + b->name + "' (" + std::to_string(merge) + ") into '" + a->name + "' (" +
                           std::to_string(keep) + ")");
        !r)
        return r;
    return tx.Commit();
}

Result<void> ContactStore::Unmerge(const std::string& agent, std::int64_t merged)
{
    auto b = Get(merged);
    if (!b)
        return b.Err();
    if (!b->merged_into)
        return Error{ErrorKind::Invalid, b->name + " is not merged into another contact"};
    auto a = Get(*b->merged_into);
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit();
    auto q = m_db.Prepare("UPDATE contact SET merged_into = NULL, updated_at = ?2 WHERE id = ?1");
    if (auto r = q.BindAll(merged, Now()).Run(); !r)
        return r;
    if (auto r = Audit(m_db, agent, "contact.unmerge", "contact:" + std::to_string(merged),
                       "separated '" + b->name + "' (" + std::to_string(merged) + ") from '" +
                           (a ? a->name : std::string("?")) + "' (" + std::to_string(*b->merged_into) + ")");
        !r)
        return r;
    return tx.Commit();
}

Result<void> ContactStore::MarkDistinct(const std::string& agent, std::int64_t a, std::int64_t b)
{
    auto ra = Root(a);
    if (!ra)
        return ra.Err();
    auto rb = Root(b);
    if (!rb)
        return rb.Err();
    if (ra.Value() == rb.Value())
        return Error{ErrorKind::Invalid, "these are one contact (merged); separate them first"};
    auto x = Get(ra.Value());
    if (!x)
        return x.Err();
    auto y = Get(rb.Value());
    if (!y)
        return y.Err();
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit();
    auto q = m_db.Prepare("INSERT OR IGNORE INTO contact_distinct(a, b, agent, at) VALUES(min(?1, ?2), max(?1, ?2), ?3, ?4)");
    if (auto r = q.BindAll(ra.Value(), rb.Value(), agent, Now()).Run(); !r)
        return r;
    if (m_db.Changes() == 0)
        return tx.Commit(); // said before: the log has it already
    if (auto r = Audit(m_db, agent, "contact.distinct", "contact:" + std::to_string(ra.Value()),
                       "'" + x->name + "' (" + std::to_string(ra.Value()) + ") and '" + y->name + "' (" +
                           std::to_string(rb.Value()) + ") are different people");
        !r)
        return r;
    return tx.Commit();
}

} // namespace civic::contacts
