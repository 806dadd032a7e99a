// A contact's timeline: interactions and request events, newest first, a page at a time.
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

} // namespace civic::contacts
