// What agents tell the knowledge base: feedback and flags, autosaved drafts, synonyms.
#include <civic/kb/KnowledgeBase.h>

#include "KnowledgeBaseInternal.h"

#include <civic/Text.h>

#include <civic/kb/Html.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>

namespace civic::kb {

using namespace detail;

// ---- feedback ---------------------------------------------------------------

Result<void> KnowledgeBase::AddFlag(const Actor& actor, std::int64_t id, FlagKind kind,
                                    const std::string& comment)
{
    if (auto r = Require(actor, false); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if ((kind == FlagKind::Wrong || kind == FlagKind::Outdated) && Trim(comment).empty())
        return Error{ErrorKind::Invalid, "say what is wrong or outdated, so a manager can fix it"};
    auto q = m_db->Prepare("INSERT INTO flag(uid, kind, comment, agent, at) VALUES(?1,?2,?3,?4,?5)");
    return q.BindAll(a->uid, ToString(kind), Trim(comment), actor.name, Now()).Run();
}

Result<void> KnowledgeBase::ResolveFlags(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    auto q = m_db->Prepare("UPDATE flag SET resolved_at = ?2 WHERE uid = ?1 AND resolved_at IS NULL");
    return q.BindAll(a->uid, Now()).Run();
}

Result<ReviewQueue> KnowledgeBase::Queue(const Actor& actor, const std::string& today)
{
    ReviewQueue queue;
    auto fill = [&](const char* sql, auto bind, std::vector<QueueEntry>& into) -> Result<void> {
        auto q = m_db->Prepare(sql);
        bind(q);
        return q.ForEach([&](store::Query& row) {
            QueueEntry e;
            e.id = row.Int(0);
            e.title = row.Text(1);
            e.language = row.Text(2);
            e.status = StatusFromString(row.Text(3)).value_or(Status::Draft);
            e.owner = row.Text(4);
            e.submitted_by = row.Text(5);
            e.review_by = row.Text(6);
            e.outdated = static_cast<int>(row.Int(7));
            e.wrong = static_cast<int>(row.Int(8));
            e.helpful = static_cast<int>(row.Int(9));
            e.not_helpful = static_cast<int>(row.Int(10));
            into.push_back(std::move(e));
        });
    };
#define CIVIC_QUEUE_COLUMNS                                                                         \
    "SELECT a.id, a.title, a.language, a.status, a.owner, a.submitted_by, a.review_by, "           \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='outdated'), " \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='wrong'), " \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='helpful'), " \
    "(SELECT count(*) FROM flag f WHERE f.uid=a.uid AND f.resolved_at IS NULL AND f.kind='not-helpful') " \
    "FROM article a "
    if (CanWrite(actor.role)) {
        if (auto r = fill(CIVIC_QUEUE_COLUMNS "WHERE a.status='review' AND a.submitted_by != ?1 "
                                              "ORDER BY a.updated_at",
                          [&](store::Query& q) { q.Bind(1, actor.name); }, queue.awaiting_review);
            !r)
            return r.Err();
        if (auto r = fill(CIVIC_QUEUE_COLUMNS
                          "WHERE a.working_copy_of IS NULL AND EXISTS (SELECT 1 FROM flag f WHERE "
                          "f.uid=a.uid AND f.resolved_at IS NULL AND f.kind IN "
                          "('outdated','wrong','not-helpful')) ORDER BY a.title",
                          [](store::Query&) {}, queue.flagged);
            !r)
            return r.Err();
        std::stable_sort(queue.flagged.begin(), queue.flagged.end(), [](const auto& x, const auto& y) {
            return x.outdated + x.wrong + x.not_helpful > y.outdated + y.wrong + y.not_helpful;
        });
        for (auto& e : queue.flagged) {
            auto c = m_db->Prepare("SELECT f.kind || ': ' || f.comment || ' (' || f.agent || ')' "
                                   "FROM flag f JOIN article a ON a.uid = f.uid WHERE a.id = ?1 "
                                   "AND f.resolved_at IS NULL AND f.comment != '' ORDER BY f.at DESC");
            c.Bind(1, e.id);
            while (c.Step().Value())
                e.comments.push_back(c.Text(0));
        }
        if (auto r = fill(CIVIC_QUEUE_COLUMNS "WHERE a.status='draft' AND a.review_comment != '' "
                                              "AND a.submitted_by = ?1 ORDER BY a.updated_at DESC",
                          [&](store::Query& q) { q.Bind(1, actor.name); }, queue.sent_back);
            !r)
            return r.Err();
    }
    if (auto r = fill(CIVIC_QUEUE_COLUMNS "WHERE a.owner = ?1 AND a.review_by != '' AND "
                                          "a.review_by < ?2 AND a.status = 'published' "
                                          "AND a.working_copy_of IS NULL ORDER BY a.review_by",
                      [&](store::Query& q) { q.BindAll(actor.name, today); }, queue.overdue);
        !r)
        return r.Err();
#undef CIVIC_QUEUE_COLUMNS
    return queue;
}

// ---- autosave ---------------------------------------------------------------

Result<void> KnowledgeBase::SaveAutosave(const Actor& actor, const Autosave& d)
{
    const Content& c = d.content;
    auto q = m_db->Prepare(
        "INSERT OR REPLACE INTO autosave(agent, key, article_id, base_revision, saved_at, title, "
        "summary, body, keywords, category, service_codes, language, audience, owner, review_by) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15)");
    return q.BindAll(actor.name, d.key, d.article_id, d.base_revision, Now(), c.title, c.summary,
                     c.body, c.keywords, c.category, c.service_codes, c.language,
                     ToString(c.audience), c.owner, c.review_by)
        .Run();
}

Result<std::vector<Autosave>> KnowledgeBase::Autosaves(const Actor& actor)
{
    std::vector<Autosave> out;
    auto q = m_db->Prepare(
        "SELECT key, article_id, base_revision, saved_at, title, summary, body, keywords, "
        "category, service_codes, language, audience, owner, review_by FROM autosave "
        "WHERE agent = ?1 ORDER BY saved_at");
    q.Bind(1, actor.name);
    auto each = q.ForEach([&](store::Query& row) {
        Autosave d;
        d.key = row.Text(0);
        d.article_id = row.Int(1);
        d.base_revision = static_cast<int>(row.Int(2));
        d.saved_at = row.Int(3);
        d.content = {row.Text(4), row.Text(5), row.Text(6), row.Text(7), row.Text(8), row.Text(9), row.Text(10),
                     AudienceFromString(row.Text(11)).value_or(Audience::Agent), row.Text(12), row.Text(13)};
        out.push_back(std::move(d));
    });
    if (!each)
        return each.Err();
    return out;
}

Result<void> KnowledgeBase::DropAutosave(const Actor& actor, const std::string& key)
{
    auto q = m_db->Prepare("DELETE FROM autosave WHERE agent = ?1 AND key = ?2");
    return q.BindAll(actor.name, key).Run();
}

// ---- synonyms ---------------------------------------------------------------

Result<std::int64_t> KnowledgeBase::AddSynonyms(const Actor& actor, const std::vector<std::string>& terms)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    std::vector<std::string> clean;
    for (const auto& t : terms) {
        std::string folded;
        for (const auto& tok : m_db->FoldTokens(t))
            folded += (folded.empty() ? "" : " ") + tok.text;
        if (!folded.empty() && std::find(clean.begin(), clean.end(), folded) == clean.end())
            clean.push_back(folded);
    }
    if (clean.size() < 2)
        return Error{ErrorKind::Invalid, "a synonym group needs at least two different terms"};
    store::Transaction tx(*m_db);
    auto next = m_db->Prepare("SELECT coalesce(max(group_id), 0) + 1 FROM synonym");
    if (auto r = next.Step(); !r)
        return r.Err();
    const std::int64_t group = next.Int(0);
    for (const auto& t : clean) {
        auto q = m_db->Prepare("INSERT INTO synonym(group_id, term) VALUES(?1, ?2)");
        if (auto r = q.BindAll(group, t).Run(); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    if (auto r = LoadCaches(); !r)
        return r.Err();
    return group;
}

Result<void> KnowledgeBase::RemoveSynonyms(const Actor& actor, std::int64_t group)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto q = m_db->Prepare("DELETE FROM synonym WHERE group_id = ?1");
    if (auto r = q.Bind(1, group).Run(); !r)
        return r;
    return LoadCaches();
}

Result<std::map<std::int64_t, std::vector<std::string>>> KnowledgeBase::Synonyms()
{
    std::map<std::int64_t, std::vector<std::string>> out;
    auto q = m_db->Prepare("SELECT group_id, term FROM synonym ORDER BY group_id, term");
    auto r = q.ForEach([&](store::Query& row) { out[row.Int(0)].push_back(row.Text(1)); });
    if (!r)
        return r.Err();
    return out;
}

} // namespace civic::kb
