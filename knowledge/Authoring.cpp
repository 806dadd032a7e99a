// Writing articles — saving, the review workflow, publishing — and their history.
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

// ---- writing ----------------------------------------------------------------

Result<void> KnowledgeBase::Require(const Actor& actor, bool write) const
{
    if (write && !CanWrite(actor.role))
        return Denied("only knowledge managers and supervisors can change articles");
    if (actor.name.empty())
        return Denied("set the agent name (Settings) before changing the knowledge base");
    return Ok();
}

Result<int> KnowledgeBase::AddRevision(const std::string& uid, const Content& c, Status status,
                                       const std::string& author, const std::string& note)
{
    auto last = m_db->Prepare("SELECT coalesce(max(number), 0) FROM revision WHERE uid = ?1");
    last.Bind(1, uid);
    if (auto r = last.Step(); !r)
        return r.Err();
    const int number = static_cast<int>(last.Int(0)) + 1;
    auto q = m_db->Prepare(
        "INSERT INTO revision(uid, number, status, author, at, note, title, summary, body, "
        "keywords, category, service_codes, language, audience, owner, review_by) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
    q.BindAll(uid, number, ToString(status), author, Now(), note, c.title, c.summary, c.body,
              c.keywords, c.category, c.service_codes, c.language, ToString(c.audience), c.owner,
              c.review_by);
    if (auto r = q.Run(); !r)
        return r.Err();
    return number;
}

Result<std::int64_t> KnowledgeBase::InsertArticle(const std::string& uid, const std::string& group,
                                                  const Content& c, Status status, int revision,
                                                  std::optional<std::int64_t> working_copy_of,
                                                  std::int64_t created_at)
{
    auto q = m_db->Prepare(
        "INSERT INTO article(uid, translation_group, language, title, summary, body, keywords, "
        "category, service_codes, audience, status, owner, review_by, revision, created_at, "
        "updated_at, working_copy_of) "
        "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17)");
    q.BindAll(uid, group, c.language, c.title, c.summary, c.body, c.keywords, c.category,
              c.service_codes, ToString(c.audience), ToString(status), c.owner, c.review_by,
              revision, created_at, Now(), working_copy_of);
    if (auto r = q.Run(); !r) {
        if (r.Err().kind == ErrorKind::Constraint)
            return Error{ErrorKind::Constraint,
                         "an article in language '" + c.language +
                             "' already exists in this translation group"};
        return r.Err();
    }
    const auto id = m_db->LastInsertRowId();
    if (auto r = Index(id, c, true); !r)
        return r.Err();
    LearnNewWords();
    return id;
}

Result<void> KnowledgeBase::Index(std::int64_t id, const Content& c, bool add)
{
    // A 'delete' must pass exactly the values that were indexed.
    auto q = m_db->Prepare(add ? "INSERT INTO article_fts(rowid, title, keywords, summary, body) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5)"
                               : "INSERT INTO article_fts(article_fts, rowid, title, keywords, "
                                 "summary, body) VALUES('delete', ?1, ?2, ?3, ?4, ?5)");
    // An import made this row's terms, and counted them, on its second thread.
    const bool replay = add && m_prepared && m_prepared->content == c;
    Result<void> r = Ok();
    if (replay) {
        m_uses->prepared = std::span(m_prepared->streams.data(), m_prepared->stream_count);
        m_uses->next_prepared = 0;
        r = q.BindAll(id, c.title, c.keywords, c.summary, m_prepared->text).Run();
        const bool all_used = m_uses->next_prepared == m_uses->prepared.size();
        m_uses->prepared = {};
        if (r && !all_used)
            return Error{ErrorKind::Invalid, "the index did not take the terms prepared for it"};
        m_prepared_used = true;
    } else {
        // The tokenizer counts the articles holding each term as it indexes.
        ++m_uses->article;
        m_uses->direction = add ? 1 : -1;
        r = q.BindAll(id, c.title, c.keywords, c.summary, HtmlToText(c.body)).Run();
        m_uses->direction = 0;
    }
    if (!r)
        return r;
    auto t = m_db->Prepare(add ? "INSERT INTO article_titles(rowid, title, keywords) VALUES(?1, ?2, ?3)"
                               : "INSERT INTO article_titles(article_titles, rowid, title, keywords) "
                                 "VALUES('delete', ?1, ?2, ?3)");
    return t.BindAll(id, c.title, c.keywords).Run();
}

Result<void> KnowledgeBase::DeleteArticle(std::int64_t id)
{
    auto old = Get(id);
    if (!old)
        return old.Err();
    if (auto r = Index(id, old->content, false); !r)
        return r;
    auto del = m_db->Prepare("DELETE FROM article WHERE id = ?1");
    return del.Bind(1, id).Run();
}

Result<void> KnowledgeBase::WriteContent(std::int64_t id, const Content& c, Status status,
                                         int revision)
{
    auto old = Get(id);
    if (!old)
        return old.Err();
    const bool text_changed = old->content.title != c.title || old->content.keywords != c.keywords ||
                              old->content.summary != c.summary || old->content.body != c.body;
    if (text_changed) {
        if (auto r = Index(id, old->content, false); !r)
            return r;
    }
    auto q = m_db->Prepare(
        "UPDATE article SET language=?2, title=?3, summary=?4, body=?5, keywords=?6, "
        "category=?7, service_codes=?8, audience=?9, status=?10, owner=?11, review_by=?12, "
        "revision=?13, updated_at=?14 WHERE id = ?1");
    q.BindAll(id, c.language, c.title, c.summary, c.body, c.keywords, c.category, c.service_codes,
              ToString(c.audience), ToString(status), c.owner, c.review_by, revision, Now());
    if (auto r = q.Run(); !r)
        return r;
    if (text_changed) {
        if (auto r = Index(id, c, true); !r)
            return r;
    }
    LearnNewWords();
    return Ok();
}

Result<void> KnowledgeBase::SetStatus(std::int64_t id, Status status,
                                      const std::string& submitted_by, const std::string& comment)
{
    auto q = m_db->Prepare("UPDATE article SET status=?2, submitted_by=?3, review_comment=?4, "
                           "updated_at=?5 WHERE id = ?1");
    return q.BindAll(id, ToString(status), submitted_by, comment, Now()).Run();
}

Result<std::int64_t> KnowledgeBase::CreateDraft(const Actor& actor, Content content,
                                                const std::string& translation_group)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    if (content.owner.empty())
        content.owner = actor.name;
    auto clean = Clean(std::move(content));
    if (!clean)
        return clean.Err();
    const std::string uid = NewUid();
    const std::string group = translation_group.empty() ? uid : translation_group;
    store::Transaction tx(*m_db);
    auto rev = AddRevision(uid, clean.Value(), Status::Draft, actor.name, "created");
    if (!rev)
        return rev.Err();
    auto id = InsertArticle(uid, group, clean.Value(), Status::Draft, rev.Value(), std::nullopt, Now());
    if (!id)
        return id.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return id.Value();
}

Result<std::int64_t> KnowledgeBase::StartEdit(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->working_copy_of || a->status == Status::Draft)
        return id; // already editable
    if (a->status == Status::Review)
        return Error{ErrorKind::Invalid,
                     "the article is waiting for review: approve it or send it back first"};
    auto existing = m_db->Prepare("SELECT id FROM article WHERE working_copy_of = ?1");
    existing.Bind(1, id);
    if (existing.Step().Value())
        return existing.Int(0);
    if (a->status == Status::Archived) {
        // Reviving an archived article: it becomes a draft again, no copy needed.
        store::Transaction tx(*m_db);
        if (auto r = SetStatus(id, Status::Draft, "", ""); !r)
            return r.Err();
        if (auto r = tx.Commit(); !r)
            return r.Err();
        return id;
    }
    store::Transaction tx(*m_db);
    auto copy = InsertArticle(a->uid, a->translation_group, a->content, Status::Draft, a->revision,
                              id, a->created_at);
    if (!copy)
        return copy.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return copy.Value();
}

Result<void> KnowledgeBase::SaveDraft(const Actor& actor, std::int64_t id, Content content,
                                      int expected_revision)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Draft)
        return Error{ErrorKind::Invalid, "only drafts can be edited; this article is " +
                                             std::string(ToString(a->status))};
    if (a->revision != expected_revision)
        return Error{ErrorKind::Conflict,
                     "someone saved this article (revision " + std::to_string(a->revision) +
                         ") after you opened revision " + std::to_string(expected_revision)};
    auto clean = Clean(std::move(content));
    if (!clean)
        return clean.Err();
    if (clean.Value() == a->content)
        return Ok(); // nothing changed: no empty revision
    store::Transaction tx(*m_db);
    auto rev = AddRevision(a->uid, clean.Value(), Status::Draft, actor.name, "saved");
    if (!rev)
        return rev.Err();
    if (auto r = WriteContent(id, clean.Value(), Status::Draft, rev.Value()); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::Submit(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Draft)
        return Error{ErrorKind::Invalid, "only a draft can be submitted for review"};
    store::Transaction tx(*m_db);
    if (auto r = SetStatus(id, Status::Review, actor.name, ""); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::Approve(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Review)
        return Error{ErrorKind::Invalid, "only an article in review can be approved"};
    if (a->submitted_by == actor.name)
        return Denied("another knowledge manager must approve what you submitted");
    store::Transaction tx(*m_db);
    auto rev = AddRevision(a->uid, a->content, Status::Published, actor.name,
                           "approved (submitted by " + a->submitted_by + ")");
    if (!rev)
        return rev.Err();
    std::int64_t live = id;
    if (a->working_copy_of) {
        // The approved copy replaces what agents read, in place: same id, so
        // links and flags keep pointing at it.
        live = *a->working_copy_of;
        if (auto r = DeleteArticle(id); !r)
            return r;
    }
    if (auto r = WriteContent(live, a->content, Status::Published, rev.Value()); !r)
        return r;
    if (auto r = SetStatus(live, Status::Published, "", ""); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::SendBack(const Actor& actor, std::int64_t id, const std::string& comment)
{
    if (auto r = Require(actor, true); !r)
        return r;
    if (Trim(comment).empty())
        return Error{ErrorKind::Invalid, "say what needs changing when sending an article back"};
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->status != Status::Review)
        return Error{ErrorKind::Invalid, "only an article in review can be sent back"};
    store::Transaction tx(*m_db);
    if (auto r = AddRevision(a->uid, a->content, Status::Draft, actor.name, "sent back: " + comment); !r)
        return r.Err();
    auto q = m_db->Prepare("UPDATE article SET status='draft', review_comment=?2, updated_at=?3, "
                           "revision=(SELECT max(number) FROM revision WHERE uid=?4) WHERE id=?1");
    if (auto r = q.BindAll(id, comment, Now(), a->uid).Run(); !r)
        return r;
    return tx.Commit();
}

Result<void> KnowledgeBase::Archive(const Actor& actor, std::int64_t id)
{
    if (auto r = Require(actor, true); !r)
        return r;
    auto a = Get(id);
    if (!a)
        return a.Err();
    if (a->working_copy_of)
        return Error{ErrorKind::Invalid, "archive the published article, not a working copy"};
    store::Transaction tx(*m_db);
    auto rev = AddRevision(a->uid, a->content, Status::Archived, actor.name, "archived");
    if (!rev)
        return rev.Err();
    // The revision number moves too: the sync shares an archiving like an edit.
    if (auto r = WriteContent(id, a->content, Status::Archived, rev.Value()); !r)
        return r;
    return tx.Commit();
}

// ---- history ----------------------------------------------------------------

Result<std::vector<RevisionInfo>> KnowledgeBase::History(const std::string& uid)
{
    std::vector<RevisionInfo> out;
    auto q = m_db->Prepare("SELECT number, status, author, at, note FROM revision WHERE uid = ?1 "
                           "ORDER BY number DESC");
    auto r = q.Bind(1, uid).ForEach([&](store::Query& row) {
        out.push_back({static_cast<int>(row.Int(0)),
                       StatusFromString(row.Text(1)).value_or(Status::Draft), row.Text(2), row.Int(3),
                       row.Text(4)});
    });
    if (!r)
        return r.Err();
    return out;
}

Result<Revision> KnowledgeBase::GetRevision(const std::string& uid, int number)
{
    auto q = m_db->Prepare(
        "SELECT number, status, author, at, note, title, summary, body, keywords, category, "
        "service_codes, language, audience, owner, review_by FROM revision "
        "WHERE uid = ?1 AND number = ?2");
    q.BindAll(uid, number);
    auto row = q.Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "revision " + std::to_string(number) + " of " + uid +
                                              " does not exist"};
    Revision r;
    r.info = {static_cast<int>(q.Int(0)), StatusFromString(q.Text(1)).value_or(Status::Draft),
              q.Text(2), q.Int(3), q.Text(4)};
    r.content = {q.Text(5), q.Text(6), q.Text(7), q.Text(8), q.Text(9), q.Text(10), q.Text(11),
                 AudienceFromString(q.Text(12)).value_or(Audience::Agent), q.Text(13), q.Text(14)};
    return r;
}

Result<std::int64_t> KnowledgeBase::Restore(const Actor& actor, std::int64_t id, int number)
{
    auto a = Get(id);
    if (!a)
        return a.Err();
    auto rev = GetRevision(a->uid, number);
    if (!rev)
        return rev.Err();
    auto target = StartEdit(actor, id);
    if (!target)
        return target.Err();
    auto t = Get(target.Value());
    if (!t)
        return t.Err();
    store::Transaction tx(*m_db);
    auto added = AddRevision(t->uid, rev->content, Status::Draft, actor.name,
                             "restored revision " + std::to_string(number));
    if (!added)
        return added.Err();
    if (auto r = WriteContent(t->id, rev->content, Status::Draft, added.Value()); !r)
        return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return t->id;
}

} // namespace civic::kb
