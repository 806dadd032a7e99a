#include <civic/Csv.h>
#include <civic/contacts/Contacts.h>

#include <civic/Files.h>
#include <civic/Text.h>
#include <algorithm>
#include <fstream>
#include <map>
#include <sstream>

namespace civic::contacts {

namespace {

// Column -> the identifier it holds and its label.
struct IdColumn
{
    IdKind kind;
    const char* label;
};
const std::map<std::string, IdColumn, std::less<>> kIdColumns = {
    {"phone", {IdKind::Phone, ""}},      {"phone2", {IdKind::Phone, ""}},
    {"mobile", {IdKind::Phone, "mobile"}}, {"home_phone", {IdKind::Phone, "home"}},
    {"work_phone", {IdKind::Phone, "work"}}, {"email", {IdKind::Email, ""}},
    {"email2", {IdKind::Email, ""}},     {"address", {IdKind::Address, ""}},
    {"social", {IdKind::Social, ""}},
};
const char* const kOtherColumns[] = {"name", "kind", "language", "needs", "notes", "notify", "organization", "role"};

std::string Trim(const std::string& s)
{
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// The same person's name as exports spell it: case, accents, word order and
// initials aside ("LOPEZ, María" and "M. Lopez" are "Maria Lopez"; "Luis
// Lopez" is not). A row or a contact without a name matches any: a number
// alone says nothing against it.
bool SameName(store::Database& db, const std::string& a, const std::string& b)
{
    auto words = [&db](const std::string& name) {
        std::vector<std::string> w;
        for (auto& t : db.FoldTokens(name))
            w.push_back(std::move(t.text));
        return w;
    };
    const auto x = words(a), y = words(b);
    if (x.empty() || y.empty())
        return true;
    auto matches = [](const std::string& p, const std::string& q) {
        return p == q || (p.size() == 1 && q.front() == p.front()) || (q.size() == 1 && p.front() == q.front());
    };
    // Every word of the shorter name is in the longer one.
    const auto& shorter = x.size() <= y.size() ? x : y;
    const auto& longer = x.size() <= y.size() ? y : x;
    return std::all_of(shorter.begin(), shorter.end(), [&](const std::string& w) {
        return std::any_of(longer.begin(), longer.end(), [&](const std::string& o) { return matches(w, o); });
    });
}

} // namespace

Result<CsvImportReport> ImportContactsCsv(ContactStore& store, store::Database& db, const std::filesystem::path& file)
{
    const std::string name = file.filename().string();
    // A CRM's export of a whole city's contacts fits (256 MB is some two
    // million rows); a larger file is split.
    auto text = ReadWholeFile(file, 256u * 1024 * 1024);
    if (!text)
        return text.Err();
    auto parsed = ParseCsv(text.Value(), name);
    if (!parsed)
        return parsed.Err();
    auto& rows = parsed.Value();
    if (rows.empty())
        return Error{ErrorKind::Invalid, name + ": the file is empty"};

    std::vector<std::string> header;
    for (const auto& h : rows.front().second)
        header.push_back(Lower(Trim(h)));
    for (const auto& h : header) {
        const bool known = kIdColumns.count(h) ||
                           std::find(std::begin(kOtherColumns), std::end(kOtherColumns), h) != std::end(kOtherColumns);
        if (!known) {
            std::string all;
            for (const auto& c : kOtherColumns)
                all += std::string(all.empty() ? "" : ", ") + c;
            for (const auto& [c, _] : kIdColumns)
                all += ", " + c;
            return Error{ErrorKind::Invalid, name + ": line 1: unknown column '" + h + "' (known: " + all + ")"};
        }
    }

    // Check every row before writing anything.
    struct Row
    {
        int line;
        NewContact contact;
        std::string organization, role;
    };
    std::vector<Row> todo;
    for (size_t r = 1; r < rows.size(); ++r) {
        const auto& [line, cells] = rows[r];
        const std::string where = name + ": line " + std::to_string(line);
        Row row{line, {}, {}, {}};
        std::string notify;
        for (size_t c = 0; c < header.size() && c < cells.size(); ++c) {
            const std::string v = Trim(cells[c]);
            const std::string& h = header[c];
            if (v.empty())
                continue;
            if (h == "name")
                row.contact.name = v;
            else if (h == "kind") {
                auto k = ContactKindFromString(Lower(v));
                if (!k)
                    return Error{ErrorKind::Invalid, where + ", kind: '" + v + "' is not person or organization"};
                row.contact.kind = *k;
            } else if (h == "language")
                row.contact.language = v;
            else if (h == "needs")
                row.contact.needs = v;
            else if (h == "notes")
                row.contact.notes = v;
            else if (h == "notify")
                notify = Lower(v);
            else if (h == "organization")
                row.organization = v;
            else if (h == "role")
                row.role = Lower(v);
            else if (auto it = kIdColumns.find(h); it != kIdColumns.end())
                row.contact.identifiers.push_back({it->second.kind, v, it->second.label, false});
        }
        if (cells.size() > header.size())
            return Error{ErrorKind::Invalid, where + ": more cells than the header has columns"};
        if (row.contact.name.empty() && row.contact.identifiers.empty())
            return Error{ErrorKind::Invalid, where + ": a contact needs a name, a phone number or an e-mail address"};
        // notify: the channels the contact agreed to be told on ("phone; email").
        for (auto& id : row.contact.identifiers)
            id.notify = (id.kind == IdKind::Phone && (notify.find("phone") != std::string::npos ||
                                                      notify.find("sms") != std::string::npos)) ||
                        (id.kind == IdKind::Email && notify.find("email") != std::string::npos) ||
                        (id.kind == IdKind::Social && notify.find("social") != std::string::npos);
        // Normalising now reports a bad number with its line, before any write.
        for (const auto& id : row.contact.identifiers) {
            Result<void> ok = Ok();
            if (id.kind == IdKind::Phone) {
                if (auto p = store.Phones().Normalize(id.text); !p)
                    ok = Error{ErrorKind::Invalid, p.Err().message};
            } else if (id.kind == IdKind::Email) {
                if (auto e = NormalizeEmail(id.text); !e)
                    ok = Error{ErrorKind::Invalid, e.Err().message};
            } else if (id.kind == IdKind::Social) {
                if (auto s = NormalizeSocial(id.text); !s)
                    ok = Error{ErrorKind::Invalid, s.Err().message};
            }
            if (!ok)
                return Error{ErrorKind::Invalid, where + ", " + ToString(id.kind) + ": " + ok.Err().message};
        }
        if (row.contact.kind == ContactKind::Organization && row.contact.name.empty())
            return Error{ErrorKind::Invalid, where + ": an organization needs a name"};
        todo.push_back(std::move(row));
    }

    CsvImportReport report;
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    std::map<std::string, std::int64_t> organizations;
    auto organization = [&](const std::string& org_name) -> Result<std::int64_t> {
        if (auto it = organizations.find(org_name); it != organizations.end())
            return it->second;
        auto q = db.Prepare("SELECT id FROM contact WHERE kind = 'organization' AND name = ?1 AND merged_into IS NULL "
                            "ORDER BY id LIMIT 1");
        std::int64_t id = 0;
        if (q.Bind(1, org_name).Step().Value()) {
            id = q.Int(0);
        } else {
            NewContact c;
            c.kind = ContactKind::Organization;
            c.name = org_name;
            auto made = store.Create(c);
            if (!made)
                return made;
            id = made.Value();
            ++report.created;
        }
        organizations[org_name] = id;
        return id;
    };
    for (const auto& row : todo) {
        const std::string where = name + ": line " + std::to_string(row.line);
        ++report.rows;
        // Known by a phone number or e-mail already, under the same name (or
        // a row without one): the same contact. A different name on a shared
        // number is another member of the household: a contact of their own.
        std::optional<std::int64_t> existing;
        bool shares = false;
        for (const auto& id : row.contact.identifiers) {
            Result<std::vector<std::int64_t>> owners = std::vector<std::int64_t>{};
            if (id.kind == IdKind::Phone)
                owners = store.FindByPhone(id.text);
            else if (id.kind == IdKind::Email)
                owners = store.FindByEmail(id.text);
            if (!owners)
                continue;
            for (auto owner : owners.Value()) {
                auto known = db.Prepare("SELECT name, kind FROM contact WHERE id = ?1");
                if (!known.Bind(1, owner).Step().Value())
                    continue;
                if (known.Text(1) == ToString(row.contact.kind) && SameName(db, known.Text(0), row.contact.name)) {
                    existing = owner;
                    break;
                }
                shares = true;
            }
            if (existing)
                break;
        }
        if (shares && !existing)
            ++report.shared;
        std::int64_t contact = 0;
        if (row.contact.kind == ContactKind::Organization && !existing) {
            auto id = organization(row.contact.name);
            if (!id)
                return Error{id.Err().kind, where + ": " + id.Err().message};
            contact = id.Value();
            for (const auto& i : row.contact.identifiers)
                if (auto r = store.AddIdentifier(contact, i); !r)
                    return Error{r.Err().kind, where + ": " + r.Err().message};
        } else if (existing) {
            contact = *existing;
            ++report.matched;
            for (const auto& i : row.contact.identifiers)
                if (auto r = store.AddIdentifier(contact, i); !r)
                    return Error{r.Err().kind, where + ": " + r.Err().message};
        } else {
            auto id = store.Create(row.contact);
            if (!id)
                return Error{id.Err().kind, where + ": " + id.Err().message};
            contact = id.Value();
            ++report.created;
        }
        if (!row.organization.empty() && row.contact.kind == ContactKind::Person) {
            auto org = organization(row.organization);
            if (!org)
                return Error{org.Err().kind, where + ": " + org.Err().message};
            if (auto r = store.Link(org.Value(), contact, row.role.empty() ? "liaison" : row.role); !r)
                return Error{r.Err().kind, where + ": " + r.Err().message};
            ++report.linked;
        }
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return report;
}

} // namespace civic::contacts
