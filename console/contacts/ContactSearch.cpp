// Finding contacts as agents type: names, numbers, addresses, request ids.
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

namespace {
// Below this many matches for a name as typed, typo corrections are added.
constexpr int kFewMatches = 3;
constexpr std::size_t kMaxQueryBytes = 200;
} // namespace

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
    // Names, numbers, addresses and e-mail addresses are all far shorter; a
    // paste of a whole page is searched by its beginning.
    std::string query = Trim(TruncateUtf8(raw, kMaxQueryBytes));
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

} // namespace civic::contacts
