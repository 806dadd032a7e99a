// Contacts, their identifiers and organizations: the records themselves.
#include <civic/contacts/Contacts.h>

#include "ContactsInternal.h"

#include <civic/Text.h>
#include <civic/Edits.h>
#include <civic/EnumNames.h>
#include <civic/core/ConsoleStore.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <tuple>

namespace civic::contacts {

using namespace detail;

namespace {

constexpr std::pair<ContactKind, const char*> kKinds[] = {{ContactKind::Person, "person"},
                                                          {ContactKind::Organization, "organization"}};
constexpr std::pair<IdKind, const char*> kIdKinds[] = {
    {IdKind::Phone, "phone"}, {IdKind::Email, "email"}, {IdKind::Social, "social"}, {IdKind::Address, "address"}};

} // namespace

const char* ToString(ContactKind k) { return NameOf(k, kKinds); }
const char* ToString(const Channel& c) { return c.Id().c_str(); }
const char* ToString(IdKind k) { return NameOf(k, kIdKinds); }
std::optional<ContactKind> ContactKindFromString(std::string_view s) { return FromName(s, kKinds); }
std::optional<Channel> ChannelFromString(std::string_view s)
{
    if (auto info = FindChannel(s))
        return info->channel;
    return std::nullopt;
}
std::optional<IdKind> IdKindFromString(std::string_view s) { return FromName(s, kIdKinds); }

std::string Contact::Phone() const
{
    for (const auto& i : identifiers)
        if (i.kind == IdKind::Phone)
            return i.display;
    return {};
}

ContactStore::ContactStore(store::Database& db, std::string region) : m_db(db), m_phones(std::move(region)) {}

Result<Identifier> ContactStore::MakeIdentifier(const NewIdentifier& n) const
{
    Identifier id;
    id.kind = n.kind;
    id.label = Trim(n.label);
    id.notify = n.notify;
    switch (n.kind) {
    case IdKind::Phone: {
        auto p = m_phones.Normalize(n.text);
        if (!p)
            return Error{ErrorKind::Invalid, "Phone: " + p.Err().message};
        id.value = p->Key();
        id.display = m_phones.Display(p.Value());
        break;
    }
    case IdKind::Email: {
        auto e = NormalizeEmail(n.text);
        if (!e)
            return Error{ErrorKind::Invalid, "E-mail: " + e.Err().message};
        id.value = id.display = e.Value();
        break;
    }
    case IdKind::Social: {
        auto s = NormalizeSocial(n.text);
        if (!s)
            return Error{ErrorKind::Invalid, "Social: " + s.Err().message};
        id.value = s.Value();
        id.display = Trim(n.text);
        break;
    }
    case IdKind::Address:
        id.value = NormalizeAddress(n.text);
        if (id.value.empty())
            return Error{ErrorKind::Invalid, "Address: the address is empty"};
        id.display = Trim(n.text);
        break;
    }
    return id;
}

std::vector<std::string> ContactStore::NameWords(std::string_view name)
{
    std::vector<std::string> words;
    for (auto& t : m_db.FoldTokens(name))
        if (std::find(words.begin(), words.end(), t.text) == words.end())
            words.push_back(std::move(t.text));
    return words;
}

Result<void> ContactStore::IndexName(std::int64_t id, const std::string& name)
{
    auto del = m_db.Prepare("DELETE FROM contact_word WHERE contact = ?1");
    if (auto r = del.Bind(1, id).Run(); !r)
        return r;
    for (const auto& w : NameWords(name)) {
        auto q = m_db.Prepare("INSERT OR IGNORE INTO contact_word(word, contact) VALUES(?1, ?2)");
        if (auto r = q.BindAll(w, id).Run(); !r)
            return r;
    }
    return Ok();
}

Result<void> ContactStore::Reindex(std::int64_t id)
{
    auto q = m_db.Prepare("SELECT name FROM contact WHERE id = ?1");
    auto row = q.Bind(1, id).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "no contact " + std::to_string(id)};
    return IndexName(id, q.Text(0));
}

Result<std::int64_t> ContactStore::Create(const NewContact& c)
{
    const std::string name = Trim(c.name);
    if (c.kind == ContactKind::Organization && name.empty())
        return Error{ErrorKind::Invalid, "Name: an organization needs a name"};
    std::vector<Identifier> ids;
    for (const auto& n : c.identifiers) {
        if (Trim(n.text).empty())
            continue;
        auto id = MakeIdentifier(n);
        if (!id)
            return id.Err();
        ids.push_back(std::move(id).Value());
    }
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    auto q = m_db.Prepare("INSERT INTO contact(kind, name, language, needs, notes, created_at, updated_at) "
                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?6)");
    if (auto r = q.BindAll(ToString(c.kind), name, Trim(c.language), Trim(c.needs), c.notes, Now()).Run(); !r)
        return r.Err();
    const std::int64_t id = m_db.LastInsertRowId();
    if (auto r = IndexName(id, name); !r)
        return r.Err();
    for (const auto& i : ids) {
        auto ins = m_db.Prepare("INSERT OR IGNORE INTO identifier(contact, kind, value, display, label, notify) "
                                "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        if (auto r = ins.BindAll(id, ToString(i.kind), i.value, i.display, i.label, i.notify ? 1 : 0).Run(); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return id;
}

Result<std::int64_t> ContactStore::AnonymousVisitor()
{
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    auto q = m_db.Prepare("SELECT id FROM contact WHERE anonymous = 1");
    auto row = q.Step();
    if (!row)
        return row.Err();
    std::int64_t id = 0;
    if (row.Value()) {
        id = q.Int(0);
    } else {
        auto made = Create(NewContact{});
        if (!made)
            return made.Err();
        id = made.Value();
        if (auto r = m_db.Prepare("UPDATE contact SET anonymous = 1 WHERE id = ?1").Bind(1, id).Run(); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return id;
}

Result<void> ContactStore::Update(std::int64_t id, const NewContact& f)
{
    const std::string name = Trim(f.name);
    auto old = Get(id);
    if (!old)
        return old.Err();
    if (old->kind == ContactKind::Organization && name.empty())
        return Error{ErrorKind::Invalid, "Name: an organization needs a name"};
    store::JoinOrBegin tx(m_db);
    auto q = m_db.Prepare("UPDATE contact SET name = ?2, language = ?3, needs = ?4, notes = ?5, updated_at = ?6 "
                          "WHERE id = ?1");
    if (auto r = q.BindAll(id, name, Trim(f.language), Trim(f.needs), f.notes, Now()).Run(); !r)
        return r;
    if (auto r = IndexName(id, name); !r)
        return r;
    return tx.Commit();
}

Result<Identifier> ContactStore::AddIdentifier(std::int64_t contact, const NewIdentifier& n)
{
    auto id = MakeIdentifier(n);
    if (!id)
        return id.Err();
    auto q = m_db.Prepare("INSERT INTO identifier(contact, kind, value, display, label, notify) "
                          "VALUES(?1, ?2, ?3, ?4, ?5, ?6) "
                          "ON CONFLICT(contact, kind, value) DO UPDATE SET "
                          "label = CASE WHEN excluded.label <> '' THEN excluded.label ELSE label END, "
                          "notify = notify OR excluded.notify"); // consent is withdrawn with SetConsent
    if (auto r = q.BindAll(contact, ToString(id->kind), id->value, id->display, id->label, id->notify ? 1 : 0).Run();
        !r)
        return r.Err().kind == ErrorKind::Constraint ? Error{ErrorKind::NotFound, "contact " + std::to_string(contact) +
                                                                                      " does not exist"}
                                                     : r.Err();
    id->contact = contact;
    auto back = m_db.Prepare("SELECT id FROM identifier WHERE contact = ?1 AND kind = ?2 AND value = ?3");
    if (back.BindAll(contact, ToString(id->kind), id->value).Step().Value())
        id->id = back.Int(0);
    return id;
}

Result<void> ContactStore::SetConsent(std::int64_t identifier, bool notify)
{
    auto q = m_db.Prepare("UPDATE identifier SET notify = ?2 WHERE id = ?1");
    return q.BindAll(identifier, notify ? 1 : 0).Run();
}

Result<void> ContactStore::RemoveIdentifier(std::int64_t identifier)
{
    auto q = m_db.Prepare("DELETE FROM identifier WHERE id = ?1");
    return q.Bind(1, identifier).Run();
}

Result<std::int64_t> ContactStore::Root(std::int64_t id)
{
    // Merges can chain (b into a, then a into z); a cycle is refused at merge.
    for (int hops = 0; hops < 64; ++hops) {
        auto q = m_db.Prepare("SELECT merged_into FROM contact WHERE id = ?1");
        auto row = q.Bind(1, id).Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            return Error{ErrorKind::NotFound, "contact " + std::to_string(id) + " does not exist"};
        if (q.IsNull(0))
            return id;
        id = q.Int(0);
    }
    return Error{ErrorKind::Corrupt, "contact " + std::to_string(id) + ": merges form a loop"};
}

Result<std::vector<std::int64_t>> ContactStore::Family(std::int64_t root)
{
    std::vector<std::int64_t> out{root};
    for (size_t i = 0; i < out.size(); ++i) {
        auto q = m_db.Prepare("SELECT id FROM contact WHERE merged_into = ?1");
        auto r = q.Bind(1, out[i]).ForEach([&](store::Query& row) { out.push_back(row.Int(0)); });
        if (!r)
            return r.Err();
    }
    return out;
}

Result<Contact> ContactStore::Get(std::int64_t id)
{
    auto q = m_db.Prepare("SELECT id, kind, name, language, needs, notes, merged_into, created_at, anonymous "
                          "FROM contact WHERE id = ?1");
    auto row = q.Bind(1, id).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "contact " + std::to_string(id) + " does not exist"};
    Contact c;
    c.id = q.Int(0);
    c.kind = ContactKindFromString(q.Text(1)).value_or(ContactKind::Person);
    c.name = q.Text(2);
    c.language = q.Text(3);
    c.needs = q.Text(4);
    c.notes = q.Text(5);
    if (!q.IsNull(6))
        c.merged_into = q.Int(6);
    c.created_at = q.Int(7);
    c.anonymous = q.Int(8) != 0;
    auto family = Family(id);
    if (!family)
        return family.Err();
    c.merged.assign(family->begin() + 1, family->end());
    for (auto member : family.Value()) {
        auto ids = m_db.Prepare("SELECT id, kind, value, display, label, notify, contact FROM identifier "
                                "WHERE contact = ?1 ORDER BY id");
        auto r = ids.Bind(1, member).ForEach([&](store::Query& rec) {
            Identifier i;
            i.id = rec.Int(0);
            i.kind = IdKindFromString(rec.Text(1)).value_or(IdKind::Phone);
            i.value = rec.Text(2);
            i.display = rec.Text(3);
            i.label = rec.Text(4);
            i.notify = rec.Int(5) != 0;
            i.contact = rec.Int(6);
            const bool dup = std::any_of(c.identifiers.begin(), c.identifiers.end(), [&](const Identifier& o) {
                return o.kind == i.kind && o.value == i.value;
            });
            if (!dup)
                c.identifiers.push_back(std::move(i));
        });
        if (!r)
            return r.Err();
    }
    auto m = m_db.Prepare(c.kind == ContactKind::Organization
                              ? "SELECT m.organization, m.person, o.name, p.name, m.role FROM membership m "
                                "JOIN contact o ON o.id = m.organization JOIN contact p ON p.id = m.person "
                                "WHERE m.organization = ?1 ORDER BY p.name"
                              : "SELECT m.organization, m.person, o.name, p.name, m.role FROM membership m "
                                "JOIN contact o ON o.id = m.organization JOIN contact p ON p.id = m.person "
                                "WHERE m.person = ?1 ORDER BY o.name");
    auto r = m.Bind(1, id).ForEach([&](store::Query& rec) {
        c.memberships.push_back({rec.Int(0), rec.Int(1), rec.Text(2), rec.Text(3), rec.Text(4)});
    });
    if (!r)
        return r.Err();
    return c;
}

Result<void> ContactStore::Link(std::int64_t organization, std::int64_t person, const std::string& role)
{
    auto org = Get(organization);
    if (!org)
        return org.Err();
    auto who = Get(person);
    if (!who)
        return who.Err();
    if (org->kind != ContactKind::Organization)
        return Error{ErrorKind::Invalid, org->name + " is not an organization"};
    if (who->kind != ContactKind::Person)
        return Error{ErrorKind::Invalid, who->name + " is not a person"};
    auto q = m_db.Prepare("INSERT INTO membership(organization, person, role) VALUES(?1, ?2, ?3) "
                          "ON CONFLICT(organization, person) DO UPDATE SET role = excluded.role");
    return q.BindAll(organization, person, role.empty() ? std::string("liaison") : role).Run();
}

Result<void> ContactStore::Unlink(std::int64_t organization, std::int64_t person)
{
    auto q = m_db.Prepare("DELETE FROM membership WHERE organization = ?1 AND person = ?2");
    return q.BindAll(organization, person).Run();
}

Result<std::vector<FoundContact>> ContactStore::Organizations(int limit)
{
    std::vector<FoundContact> out;
    auto q = m_db.Prepare("SELECT id, name FROM contact WHERE kind = 'organization' AND merged_into IS NULL "
                          "ORDER BY name LIMIT ?1");
    auto r = q.Bind(1, limit).ForEach([&](store::Query& row) {
        out.push_back({row.Int(0), ContactKind::Organization, row.Text(1), std::string(), false});
    });
    if (!r)
        return r.Err();
    return out;
}

} // namespace civic::contacts
