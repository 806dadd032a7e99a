#include <civic/contacts/Contacts.h>

#include <civic/Text.h>
#include <civic/Edits.h>
#include <civic/core/ConsoleStore.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <map>
#include <tuple>

namespace civic::contacts {

namespace {

std::int64_t Now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// The smallest string above every string starting with prefix, for index
// range scans: "abc" -> "abd".
std::string PrefixEnd(std::string prefix)
{
    while (!prefix.empty() && static_cast<unsigned char>(prefix.back()) == 0xFF)
        prefix.pop_back();
    if (!prefix.empty())
        prefix.back() = static_cast<char>(static_cast<unsigned char>(prefix.back()) + 1);
    return prefix;
}

template <class E, size_t N>
std::optional<E> FromTable(std::string_view s, const std::pair<E, const char*> (&table)[N])
{
    for (const auto& [e, name] : table)
        if (s == name)
            return e;
    return std::nullopt;
}

template <class E, size_t N>
const char* ToTable(E e, const std::pair<E, const char*> (&table)[N])
{
    for (const auto& [v, name] : table)
        if (v == e)
            return name;
    return "";
}

constexpr std::pair<ContactKind, const char*> kKinds[] = {{ContactKind::Person, "person"},
                                                          {ContactKind::Organization, "organization"}};
constexpr std::pair<IdKind, const char*> kIdKinds[] = {
    {IdKind::Phone, "phone"}, {IdKind::Email, "email"}, {IdKind::Social, "social"}, {IdKind::Address, "address"}};

// Levenshtein distance, stopping early above 1: "similar names" are one typo apart.
bool WithinOneEdit(std::string_view a, std::string_view b)
{
    if (a == b)
        return true;
    if (a.size() > b.size())
        std::swap(a, b);
    if (b.size() - a.size() > 1)
        return false;
    size_t i = 0;
    while (i < a.size() && a[i] == b[i])
        ++i;
    if (a.size() == b.size())
        return a.substr(i + 1) == b.substr(i + 1) ||
               (i + 1 < a.size() && a[i] == b[i + 1] && a[i + 1] == b[i] && a.substr(i + 2) == b.substr(i + 2));
    return a.substr(i) == b.substr(i + 1);
}

// Below this many matches for a name as typed, typo corrections are added.
constexpr int kFewMatches = 3;


} // namespace

const char* ToString(ContactKind k) { return ToTable(k, kKinds); }
const char* ToString(const Channel& c) { return c.Id().c_str(); }
const char* ToString(IdKind k) { return ToTable(k, kIdKinds); }
std::optional<ContactKind> ContactKindFromString(std::string_view s) { return FromTable(s, kKinds); }
std::optional<Channel> ChannelFromString(std::string_view s)
{
    if (auto info = FindChannel(s))
        return info->channel;
    return std::nullopt;
}
std::optional<IdKind> IdKindFromString(std::string_view s) { return FromTable(s, kIdKinds); }

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
    auto q = m_db.Prepare("SELECT id, kind, name, language, needs, notes, merged_into, created_at "
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

// ---- finding

Result<void> ContactStore::AddFound(std::vector<FoundContact>& out, std::int64_t id, const std::string& matched,
                                    bool fuzzy, int limit)
{
    if (static_cast<int>(out.size()) >= limit)
        return Ok();
    auto root = Root(id);
    if (!root)
        return root.Err();
    if (std::any_of(out.begin(), out.end(), [&](const FoundContact& f) { return f.id == root.Value(); }))
        return Ok();
    auto q = m_db.Prepare("SELECT kind, name FROM contact WHERE id = ?1");
    if (!q.Bind(1, root.Value()).Step().Value())
        return Ok();
    out.push_back({root.Value(), ContactKindFromString(q.Text(0)).value_or(ContactKind::Person), q.Text(1), matched,
                   fuzzy});
    return Ok();
}

Result<std::vector<FoundContact>> ContactStore::FindByIdentifier(IdKind kind, const std::string& prefix, int limit)
{
    std::vector<FoundContact> out;
    if (prefix.empty())
        return out;
    auto q = m_db.Prepare("SELECT contact, display FROM identifier WHERE kind = ?1 AND value >= ?2 AND value < ?3 "
                          "ORDER BY value LIMIT ?4");
    std::vector<std::pair<std::int64_t, std::string>> rows;
    auto r = q.BindAll(ToString(kind), prefix, PrefixEnd(prefix), limit * 2).ForEach([&](store::Query& row) {
        rows.emplace_back(row.Int(0), row.Text(1));
    });
    if (!r)
        return r.Err();
    for (const auto& [id, display] : rows)
        if (auto a = AddFound(out, id, display, false, limit); !a)
            return a.Err();
    return out;
}

Result<std::vector<FoundContact>> ContactStore::FindByRequest(std::string_view query, int limit)
{
    std::vector<FoundContact> out;
    auto q = m_db.Prepare("SELECT contact, on_behalf_of, request_id, service_name FROM service_request "
                          "WHERE request_id = ?1 AND contact IS NOT NULL");
    std::vector<std::pair<std::int64_t, std::string>> rows;
    auto r = q.Bind(1, Trim(query)).ForEach([&](store::Query& row) {
        const std::string what = "request " + row.Text(2) + " (" + row.Text(3) + ")";
        rows.emplace_back(row.Int(0), what);
        if (!row.IsNull(1))
            rows.emplace_back(row.Int(1), what);
    });
    if (!r)
        return r.Err();
    for (const auto& [id, what] : rows)
        if (auto a = AddFound(out, id, what, false, limit); !a)
            return a.Err();
    return out;
}

Result<std::vector<FoundContact>> ContactStore::FindByName(std::string_view query, int limit)
{
    std::vector<std::string> words = NameWords(query);
    std::vector<FoundContact> out;
    if (words.empty())
        return out;
    if (words.size() > 4)
        words.resize(4); // enough to tell people apart; keeps the query small
    // The longest word narrows most, so it drives the scan; each other word
    // must start some word of the same name (an EXISTS on the same index).
    std::stable_sort(words.begin(), words.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });

    auto scan = [&](const std::vector<std::string>& prefixes, bool fuzzy) -> Result<void> {
        std::string sql = "SELECT w.contact FROM contact_word w JOIN contact c ON c.id = w.contact "
                          "WHERE w.word >= ?1 AND w.word < ?2 AND c.merged_into IS NULL";
        for (size_t i = 1; i < prefixes.size(); ++i)
            sql += " AND EXISTS (SELECT 1 FROM contact_word o WHERE o.contact = w.contact AND o.word >= ?" +
                   std::to_string(2 * i + 1) + " AND o.word < ?" + std::to_string(2 * i + 2) + ")";
        sql += " LIMIT ?" + std::to_string(2 * prefixes.size() + 1);
        auto q = m_db.Prepare(sql);
        int n = 0;
        for (const auto& p : prefixes) {
            q.Bind(++n, p);
            q.Bind(++n, PrefixEnd(p));
        }
        q.Bind(++n, limit * 2);
        std::vector<std::int64_t> ids;
        auto r = q.ForEach([&](store::Query& row) { ids.push_back(row.Int(0)); });
        if (!r)
            return r;
        for (auto id : ids)
            if (auto x = AddFound(out, id, std::string(), fuzzy, limit); !x)
                return x;
        return Ok();
    };
    if (auto r = scan(words, false); !r)
        return r.Err();
    // One typo in one word: prefixes one edit away ("jonh" -> "john"), when the
    // name as typed finds (almost) nobody; with plenty of exact matches,
    // corrections would only push them down. Words under four letters are
    // too short to correct safely.
    if (static_cast<int>(out.size()) < std::min(limit, kFewMatches)) {
        for (size_t k = 0; k < words.size() && static_cast<int>(out.size()) < limit; ++k) {
            if (words[k].size() < 4)
                continue;
            for (const auto& e : Edits1(words[k])) {
                if (static_cast<int>(out.size()) >= limit)
                    break;
                if (e.size() < 3)
                    continue;
                std::vector<std::string> variant = words;
                variant[k] = e;
                std::swap(variant[0], variant[k]); // the corrected word drives the scan
                if (auto r = scan(variant, true); !r)
                    return r.Err();
            }
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const FoundContact& a, const FoundContact& b) {
        return !a.fuzzy && b.fuzzy;
    });
    return out;
}

Result<std::vector<FoundContact>> ContactStore::Find(std::string_view raw, int limit)
{
    std::string query = Trim(raw);
    if (query.empty())
        return std::vector<FoundContact>{};
    if (query.rfind("tel:", 0) == 0)
        query = query.substr(4);
    else if (query.rfind("mailto:", 0) == 0)
        query = query.substr(7);

    if (query[0] == '@')
        return FindByIdentifier(IdKind::Social, "@" + [&] {
            std::string s = query.substr(1);
            for (char& c : s)
                c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return s;
        }(), limit);
    if (query.find('@') != std::string::npos) {
        std::string folded = query;
        for (char& c : folded)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return FindByIdentifier(IdKind::Email, folded, limit);
    }
    std::vector<FoundContact> out;
    auto merge_in = [&](Result<std::vector<FoundContact>> more) -> Result<void> {
        if (!more)
            return more.Err();
        for (auto& f : more.Value())
            if (static_cast<int>(out.size()) < limit &&
                std::none_of(out.begin(), out.end(), [&](const FoundContact& o) { return o.id == f.id; }))
                out.push_back(std::move(f));
        return Ok();
    };
    // A request id: exact, whatever it looks like.
    if (auto r = merge_in(FindByRequest(query, limit)); !r)
        return r.Err();
    if (LooksLikePhone(query)) {
        if (auto full = m_phones.Normalize(query); full && !full->e164.empty()) {
            // A whole number: that number with or without an extension.
            if (auto r = merge_in(FindByIdentifier(IdKind::Phone, full->e164, limit)); !r)
                return r.Err();
        } else if (const std::string key = m_phones.PartialKey(query); !key.empty()) {
            if (auto r = merge_in(FindByIdentifier(IdKind::Phone, key, limit)); !r)
                return r.Err();
        }
        if (!out.empty())
            return out;
    }
    if (std::isdigit(static_cast<unsigned char>(query[0]))) {
        // "1234 N Broad": an address being typed. The last word may be half
        // typed, so it is not abbreviated ("Stre" must still find "ST").
        const std::string norm = NormalizeAddress(query);
        if (auto r = merge_in(FindByIdentifier(IdKind::Address, norm, limit)); !r)
            return r.Err();
        if (out.empty()) {
            std::string upper;
            for (char c : query)
                upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            const auto last_space = norm.rfind(' ');
            if (last_space != std::string::npos) {
                const auto typed_last = upper.substr(upper.find_last_of(' ') + 1);
                if (auto r = merge_in(FindByIdentifier(IdKind::Address, norm.substr(0, last_space + 1) + typed_last,
                                                       limit));
                    !r)
                    return r.Err();
            }
        }
        return out;
    }
    if (auto r = merge_in(FindByName(query, limit)); !r)
        return r.Err();
    return out;
}

Result<std::vector<std::int64_t>> ContactStore::FindByPhone(std::string_view number)
{
    auto p = m_phones.Normalize(number);
    if (!p)
        return p.Err();
    std::vector<std::int64_t> out;
    auto q = m_db.Prepare("SELECT contact FROM identifier WHERE kind = 'phone' AND (value = ?1 OR "
                          "(value >= ?2 AND value < ?3))");
    std::vector<std::int64_t> owners;
    auto r = q.BindAll(p->Key(), p->e164 + ";", PrefixEnd(p->e164 + ";")).ForEach([&](store::Query& row) {
        owners.push_back(row.Int(0));
    });
    if (!r)
        return r.Err();
    if (owners.empty() && !p->extension.empty()) {
        // Called from an extension we do not know: the main number's owner.
        auto main = m_db.Prepare("SELECT contact FROM identifier WHERE kind = 'phone' AND value = ?1");
        (void)main.Bind(1, p->e164).ForEach([&](store::Query& row) { owners.push_back(row.Int(0)); });
    }
    for (auto id : owners) {
        auto root = Root(id);
        if (root && std::find(out.begin(), out.end(), root.Value()) == out.end())
            out.push_back(root.Value());
    }
    return out;
}

Result<std::vector<std::int64_t>> ContactStore::FindByEmail(std::string_view email)
{
    auto e = NormalizeEmail(email);
    if (!e)
        return e.Err();
    std::vector<std::int64_t> owners, out;
    auto q = m_db.Prepare("SELECT contact FROM identifier WHERE kind = 'email' AND value = ?1");
    auto r = q.Bind(1, e.Value()).ForEach([&](store::Query& row) { owners.push_back(row.Int(0)); });
    if (!r)
        return r.Err();
    for (auto id : owners) {
        auto root = Root(id);
        if (root && std::find(out.begin(), out.end(), root.Value()) == out.end())
            out.push_back(root.Value());
    }
    return out;
}

// ---- interactions and requests

Result<std::int64_t> ContactStore::Record(Interaction i)
{
    if (i.at == 0)
        i.at = Now();
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    auto q = m_db.Prepare(
        "INSERT INTO interaction(contact, on_behalf_of, channel, at, agent, talk_s, wrap_s, summary, notes, "
        "disposition, answers, source, external_id) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) "
        "ON CONFLICT(source, external_id) WHERE external_id IS NOT NULL DO NOTHING");
    q.BindAll(i.contact, i.on_behalf_of, ToString(i.channel), i.at, i.agent, i.talk_s, i.wrap_s, i.summary, i.notes,
              i.disposition, i.answers, i.source,
              i.external_id.empty() ? std::optional<std::string>() : std::optional<std::string>(i.external_id));
    if (auto r = q.Run(); !r)
        return r.Err().kind == ErrorKind::Constraint
                   ? Error{ErrorKind::NotFound, "contact " + std::to_string(i.contact) + " does not exist"}
                   : r.Err();
    std::int64_t id = m_db.LastInsertRowId();
    if (m_db.Changes() == 0) {
        // Seen before (the CRM's history fetched again): the same row.
        auto old = m_db.Prepare("SELECT id FROM interaction WHERE source = ?1 AND external_id = ?2");
        if (!old.BindAll(i.source, i.external_id).Step().Value())
            return Error{ErrorKind::Corrupt, "interaction " + i.external_id + " vanished"};
        id = old.Int(0);
    }
    for (auto req : i.requests)
        if (auto r = LinkRequest(id, req); !r)
            return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return id;
}

Result<void> ContactStore::LinkRequest(std::int64_t interaction, std::int64_t request)
{
    auto q = m_db.Prepare("INSERT OR IGNORE INTO interaction_request(interaction, request) VALUES(?1, ?2)");
    return q.BindAll(interaction, request).Run();
}

Result<ServiceRequest> ContactStore::GetRequest(std::int64_t id)
{
    auto q = m_db.Prepare("SELECT id, request_id, contact, on_behalf_of, service_code, service_name, address, status, "
                          "status_notes, opened_at, updated_at FROM service_request WHERE id = ?1");
    auto row = q.Bind(1, id).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "service request " + std::to_string(id) + " does not exist"};
    ServiceRequest r;
    r.id = q.Int(0);
    r.request_id = q.OptText(1).value_or("");
    if (!q.IsNull(2))
        r.contact = q.Int(2);
    if (!q.IsNull(3))
        r.on_behalf_of = q.Int(3);
    r.service_code = q.Text(4);
    r.service_name = q.Text(5);
    r.address = q.Text(6);
    r.status = q.Text(7);
    r.status_notes = q.Text(8);
    r.opened_at = q.Int(9);
    r.updated_at = q.Int(10);
    return r;
}

Result<std::int64_t> ContactStore::UpsertRequest(const ServiceRequest& in)
{
    ServiceRequest r = in;
    if (r.opened_at == 0)
        r.opened_at = Now();
    if (r.updated_at == 0)
        r.updated_at = r.opened_at;
    store::JoinOrBegin tx(m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    std::optional<ServiceRequest> old;
    {
        auto q = m_db.Prepare(r.id ? "SELECT id FROM service_request WHERE id = ?1"
                                   : "SELECT id FROM service_request WHERE request_id = ?1");
        if (r.id)
            q.Bind(1, r.id);
        else
            q.Bind(1, r.request_id);
        if (!r.request_id.empty() || r.id) {
            if (auto row = q.Step(); row && row.Value()) {
                auto got = GetRequest(q.Int(0));
                if (got)
                    old = got.Value();
            }
        }
    }
    std::int64_t id = 0;
    if (old) {
        id = old->id;
        auto q = m_db.Prepare("UPDATE service_request SET request_id = COALESCE(?2, request_id), "
                              "service_code = ?3, service_name = ?4, address = ?5, status = ?6, status_notes = ?7, "
                              "updated_at = ?8, contact = COALESCE(contact, ?9), "
                              "on_behalf_of = COALESCE(on_behalf_of, ?10) WHERE id = ?1");
        q.BindAll(id, r.request_id.empty() ? std::optional<std::string>() : std::optional<std::string>(r.request_id),
                  r.service_code.empty() ? old->service_code : r.service_code,
                  r.service_name.empty() ? old->service_name : r.service_name,
                  r.address.empty() ? old->address : r.address, r.status, r.status_notes,
                  std::max(r.updated_at, old->updated_at), r.contact, r.on_behalf_of);
        if (auto x = q.Run(); !x)
            return x.Err();
    } else {
        auto q = m_db.Prepare("INSERT INTO service_request(request_id, contact, on_behalf_of, service_code, "
                              "service_name, address, status, status_notes, opened_at, updated_at) "
                              "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10)");
        q.BindAll(r.request_id.empty() ? std::optional<std::string>() : std::optional<std::string>(r.request_id),
                  r.contact, r.on_behalf_of, r.service_code, r.service_name, r.address, r.status, r.status_notes,
                  r.opened_at, r.updated_at);
        if (auto x = q.Run(); !x)
            return x.Err();
        id = m_db.LastInsertRowId();
    }
    // The status history: "opened" first, then every change the CRM reports.
    auto current = GetRequest(id);
    if (!current)
        return current.Err();
    auto event = [&](std::int64_t at, const std::string& status, const std::string& notes) -> Result<void> {
        auto q = m_db.Prepare("INSERT OR IGNORE INTO request_event(request, contact, on_behalf_of, at, status, notes) "
                              "VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        return q.BindAll(id, current->contact, current->on_behalf_of, at, status, notes).Run();
    };
    if (!old) {
        if (auto x = event(r.opened_at, "opened", r.status == "open" ? r.status_notes : ""); !x)
            return x.Err();
        if (r.status != "open")
            if (auto x = event(r.updated_at, r.status, r.status_notes); !x)
                return x.Err();
    } else if (old->status != r.status || (old->status_notes != r.status_notes && !r.status_notes.empty())) {
        if (auto x = event(std::max(r.updated_at, old->updated_at), r.status, r.status_notes); !x)
            return x.Err();
    }
    if (auto x = tx.Commit(); !x)
        return x.Err();
    return id;
}

// ---- timeline

Result<TimelinePage> ContactStore::Timeline(std::int64_t contact, const TimelineFilter& filter,
                                            const std::optional<TimelineCursor>& cursor, int page_size)
{
    auto head = Get(contact);
    if (!head)
        return head.Err();
    const bool org = head->kind == ContactKind::Organization;
    std::vector<std::int64_t> family{contact};
    family.insert(family.end(), head->merged.begin(), head->merged.end());

    // Each source is read newest first straight off its (contact, at, id)
    // index, page_size + 1 rows at most, and the streams are merged here: the
    // cost of a page does not grow with the length of the history.
    std::string where_i, where_e;
    if (!filter.channels.empty()) {
        where_i += " AND i.channel IN (";
        bool first = true;
        for (auto c : filter.channels) {
            where_i += std::string(first ? "" : ",") + "'" + ToString(c) + "'";
            first = false;
        }
        where_i += ")";
    }
    if (filter.from) {
        where_i += " AND i.at >= ?5";
        where_e += " AND e.at >= ?5";
    }
    if (filter.to) {
        where_i += " AND i.at < ?6";
        where_e += " AND e.at < ?6";
    }
    if (!filter.text.empty()) {
        where_i += " AND (i.summary LIKE ?7 OR i.notes LIKE ?7 OR i.disposition LIKE ?7)";
        where_e += " AND (e.notes LIKE ?7 OR e.status LIKE ?7 OR r.service_name LIKE ?7 OR r.request_id LIKE ?7)";
    }
    if (filter.open_requests_only) {
        where_i += " AND EXISTS (SELECT 1 FROM interaction_request ir JOIN service_request r2 ON r2.id = ir.request "
                   "WHERE ir.interaction = i.id AND r2.status = 'open')";
        where_e += " AND r.status = 'open'";
    }
    // Strictly older than the cursor in the order (at, type, id), newest first,
    // where a request event (type 1) sorts above an interaction at the same second.
    std::string after_i, after_e;
    if (cursor) {
        after_i = cursor->type == 0 ? " AND (i.at, i.id) < (?3, ?4)" : " AND i.at <= ?3 AND ?4 = ?4";
        after_e = cursor->type == 1 ? " AND (e.at, e.id) < (?3, ?4)" : " AND e.at < ?3 AND ?4 = ?4";
    }

    struct Row
    {
        TimelineCursor key;
        TimelineEntry entry;
    };
    std::vector<Row> rows;
    auto bind_common = [&](store::Query& q, std::int64_t who) {
        q.Bind(1, who).Bind(2, page_size + 1);
        if (cursor)
            q.Bind(3, cursor->at).Bind(4, cursor->id);
        if (filter.from)
            q.Bind(5, filter.from);
        if (filter.to)
            q.Bind(6, filter.to);
        if (!filter.text.empty())
            q.Bind(7, "%" + filter.text + "%");
    };
    auto read_interactions = [&](const std::string& column, std::int64_t who) -> Result<void> {
        auto q = m_db.Prepare(
            "SELECT i.id, i.at, i.channel, i.agent, i.talk_s, i.summary, i.notes, i.disposition, i.answers, "
            "c.name, o.name FROM interaction i JOIN contact c ON c.id = i.contact "
            "LEFT JOIN contact o ON o.id = i.on_behalf_of WHERE i." + column + " = ?1" + where_i + after_i +
            " ORDER BY i.at DESC, i.id DESC LIMIT ?2");
        bind_common(q, who);
        return q.ForEach([&](store::Query& r) {
            Row row;
            row.key = {r.Int(1), 0, r.Int(0)};
            auto& e = row.entry;
            e.type = TimelineEntry::Type::Interaction;
            e.id = r.Int(0);
            e.at = r.Int(1);
            e.channel = Channel(r.Text(2)); // as stored, registered or not
            e.agent = r.Text(3);
            if (!r.IsNull(4))
                e.talk_s = static_cast<int>(r.Int(4));
            e.summary = r.Text(5);
            e.notes = r.Text(6);
            e.disposition = r.Text(7);
            e.answers = r.Text(8);
            e.contact_name = r.Text(9);
            e.on_behalf_of_name = r.OptText(10).value_or("");
            rows.push_back(std::move(row));
        });
    };
    auto read_events = [&](const std::string& column, std::int64_t who) -> Result<void> {
        if (!filter.channels.empty() && filter.channels.size() < Channels().size())
            return Ok(); // a channel filter shows contacts on those channels only
        auto q = m_db.Prepare(
            "SELECT e.id, e.at, e.status, e.notes, r.id, r.request_id, r.service_name, r.status, c.name, o.name "
            "FROM request_event e JOIN service_request r ON r.id = e.request "
            "LEFT JOIN contact c ON c.id = r.contact LEFT JOIN contact o ON o.id = r.on_behalf_of "
            "WHERE e." + column + " = ?1" + where_e + after_e + " ORDER BY e.at DESC, e.id DESC LIMIT ?2");
        bind_common(q, who);
        return q.ForEach([&](store::Query& r) {
            Row row;
            row.key = {r.Int(1), 1, r.Int(0)};
            auto& e = row.entry;
            e.type = TimelineEntry::Type::RequestStatus;
            e.id = r.Int(0);
            e.at = r.Int(1);
            e.disposition = r.Text(2);
            e.notes = r.Text(3);
            const std::string sr = r.OptText(5).value_or("");
            e.summary = r.Text(6) + (sr.empty() ? "" : " (" + sr + ")") + ": " + r.Text(2);
            e.requests.push_back({r.Int(4), sr, r.Text(6), r.Text(7)});
            e.contact_name = r.OptText(8).value_or("");
            e.on_behalf_of_name = r.OptText(9).value_or("");
            rows.push_back(std::move(row));
        });
    };
    for (auto who : family) {
        if (auto r = read_interactions("contact", who); !r)
            return r.Err();
        if (auto r = read_events("contact", who); !r)
            return r.Err();
        if (org) {
            if (auto r = read_interactions("on_behalf_of", who); !r)
                return r.Err();
            if (auto r = read_events("on_behalf_of", who); !r)
                return r.Err();
        }
    }
    // Newest first; at the same second an event sorts above an interaction,
    // ties broken by id. The cursor comparison above uses the same order.
    auto newer = [](const TimelineCursor& a, const TimelineCursor& b) {
        return std::tie(a.at, a.type, a.id) > std::tie(b.at, b.type, b.id);
    };
    std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) { return newer(a.key, b.key); });
    rows.erase(std::unique(rows.begin(), rows.end(),
                           [](const Row& a, const Row& b) {
                               return a.key.at == b.key.at && a.key.type == b.key.type && a.key.id == b.key.id;
                           }),
               rows.end());
    TimelinePage page;
    const bool more = static_cast<int>(rows.size()) > page_size;
    if (more)
        rows.resize(static_cast<size_t>(page_size));
    for (auto& r : rows)
        page.entries.push_back(std::move(r.entry));
    if (more)
        page.next = rows.back().key;
    // Linked requests and their current status, for this page only.
    for (auto& e : page.entries) {
        if (e.type != TimelineEntry::Type::Interaction)
            continue;
        auto q = m_db.Prepare("SELECT r.id, r.request_id, r.service_name, r.status FROM interaction_request ir "
                              "JOIN service_request r ON r.id = ir.request WHERE ir.interaction = ?1 ORDER BY r.id");
        auto x = q.Bind(1, e.id).ForEach([&](store::Query& r) {
            e.requests.push_back({r.Int(0), r.OptText(1).value_or(""), r.Text(2), r.Text(3)});
        });
        if (!x)
            return x.Err();
    }
    return page;
}

// ---- duplicates, merge

Result<std::vector<DuplicateCandidate>> ContactStore::DuplicatesOf(std::int64_t contact)
{
    auto c = Get(contact);
    if (!c)
        return c.Err();
    std::vector<DuplicateCandidate> out;
    auto add = [&](std::int64_t other, const std::string& reason) {
        auto root = Root(other);
        if (!root || root.Value() == contact)
            return;
        if (std::any_of(out.begin(), out.end(), [&](const DuplicateCandidate& d) { return d.b == root.Value(); }))
            return;
        auto o = Get(root.Value());
        if (!o || o->kind != c->kind)
            return;
        out.push_back({contact, root.Value(), c->name, o->name, reason});
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
                add(other, std::string("same ") + (id.kind == IdKind::Phone ? "phone " : id.kind == IdKind::Email ? "e-mail " : "handle ") + id.display);
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
                    add(other, "similar name at " + id.display);
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

} // namespace civic::contacts
