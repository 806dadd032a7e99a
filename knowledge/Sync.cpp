// The shared knowledge base: the engine (KnowledgeSync.h) and the two
// KnowledgeBase members it needs to read and write live articles.
#include <civic/kb/Html.h>
#include <civic/kb/KnowledgeSync.h>

#include <random>

namespace civic::kb {

namespace {

constexpr std::string_view kSuffix = ".xml";

std::string NewStamp()
{
    static thread_local std::mt19937_64 rng{std::random_device{}()};
    char buf[40];
    std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(rng()),
                  static_cast<unsigned long long>(rng()));
    return buf;
}

bool IsWeak(const std::string& etag) { return etag.starts_with("W/"); }

bool Shareable(Status s) { return s == Status::Published || s == Status::Archived; }

Result<void> RequireManager(const Actor& actor)
{
    if (!MayEditKnowledge(actor.role))
        return Error{ErrorKind::Denied, "only knowledge managers and supervisors resolve sync conflicts"};
    if (actor.name.empty())
        return Error{ErrorKind::Denied, "set the agent name (Settings) before changing the knowledge base"};
    return Ok();
}

} // namespace

std::string SharedFileName(const std::string& uid) { return uid + std::string(kSuffix); }

std::string UidFromSharedFile(const std::string& name)
{
    if (name.size() <= kSuffix.size() || !name.ends_with(kSuffix) || name.front() == '.')
        return {};
    return name.substr(0, name.size() - kSuffix.size());
}

// ---- KnowledgeBase members --------------------------------------------------

Result<SharedArticle> KnowledgeBase::SharedFromLive(const std::string& uid)
{
    auto a = GetByUid(uid);
    if (!a)
        return a.Err();
    SharedArticle s;
    s.uid = a->uid;
    s.translation_group = a->translation_group;
    s.content = a->content;
    s.status = a->status;
    s.at = a->updated_at;
    auto history = History(uid);
    if (history && !history->empty())
        s.author = history->front().author;
    return s;
}

Result<int> KnowledgeBase::ApplyShared(const SharedArticle& a, const std::string& note)
{
    Content c = a.content;
    c.body = SanitizeHtml(c.body);
    auto rev = AddRevision(a.uid, c, a.status, a.author.empty() ? "shared knowledge base" : a.author, note);
    if (!rev)
        return rev.Err();
    auto live = GetByUid(a.uid);
    if (live) {
        if (auto r = WriteContent(live->id, c, a.status, rev.Value()); !r)
            return r.Err();
        if (auto r = SetStatus(live->id, a.status, "", ""); !r)
            return r.Err();
    } else if (live.Err().kind == ErrorKind::NotFound) {
        auto id = InsertArticle(a.uid, a.translation_group.empty() ? a.uid : a.translation_group, c,
                                a.status, rev.Value(), std::nullopt, a.at ? a.at : Now());
        if (!id)
            return id.Err();
    } else {
        return live.Err();
    }
    return rev;
}

// ---- the engine -------------------------------------------------------------

KnowledgeSync::State KnowledgeSync::GetState(const std::string& uid)
{
    State st;
    auto q = m_kb.Db().Prepare("SELECT etag, stamp, revision FROM sync_state WHERE uid = ?1");
    if (q.Bind(1, uid).Step().Value()) {
        st = {q.Text(0), q.Text(1), static_cast<int>(q.Int(2)), true};
    }
    return st;
}

Result<void> KnowledgeSync::SetState(const std::string& uid, const std::string& etag,
                                     const std::string& stamp, int revision)
{
    auto q = m_kb.Db().Prepare("INSERT OR REPLACE INTO sync_state(uid, etag, stamp, revision) "
                               "VALUES(?1, ?2, ?3, ?4)");
    return q.BindAll(uid, etag, stamp, revision).Run();
}

Result<void> KnowledgeSync::SaveConflict(const std::string& uid, const std::string& etag,
                                         const std::string& body)
{
    auto q = m_kb.Db().Prepare("INSERT OR REPLACE INTO sync_conflict(uid, etag, body, found_at) "
                               "VALUES(?1, ?2, ?3, ?4)");
    return q.BindAll(uid, etag, body, m_kb.Now()).Run();
}

Result<SyncReport> KnowledgeSync::Run(KnowledgeSource& source)
{
    SyncReport report;
    auto listed = source.List();
    if (!listed)
        return listed.Err();
    for (const auto& entry : listed.Value()) {
        if (UidFromSharedFile(entry.name).empty())
            continue; // not an article file (a README, a lock file)
        ++report.listed;
        if (auto r = Pull(source, entry, report); !r)
            return r.Err();
    }
    std::vector<std::string> pending;
    auto q = m_kb.Db().Prepare(
        "SELECT a.uid FROM article a LEFT JOIN sync_state s ON s.uid = a.uid "
        "WHERE a.working_copy_of IS NULL AND a.status IN ('published', 'archived') "
        "AND (s.uid IS NULL OR a.revision > s.revision) "
        "AND a.uid NOT IN (SELECT uid FROM sync_conflict) ORDER BY a.uid");
    if (auto r = q.ForEach([&](store::Query& row) { pending.push_back(row.Text(0)); }); !r)
        return r.Err();
    for (const auto& uid : pending)
        if (auto r = Push(source, uid, report); !r)
            return r.Err();
    return report;
}

Result<void> KnowledgeSync::Pull(KnowledgeSource& source, const RemoteEntry& entry, SyncReport& report)
{
    const std::string uid = UidFromSharedFile(entry.name);
    const State st = GetState(uid);
    if (st.known && !entry.etag.empty() && st.etag == entry.etag)
        return Ok();
    {
        // A conflict already waiting on this very version needs nothing new.
        auto c = m_kb.Db().Prepare("SELECT 1 FROM sync_conflict WHERE uid = ?1 AND etag = ?2");
        if (!entry.etag.empty() && c.BindAll(uid, entry.etag).Step().Value())
            return Ok();
    }
    // A weak tag would match the file's strong tag once its second has passed
    // (If-None-Match compares weakly): fetch it whole and let the stamp tell.
    const bool ask_if_changed = st.known && !IsWeak(st.etag);
    auto fetched = source.Fetch(entry.name, ask_if_changed ? st.etag : std::string());
    if (!fetched) {
        if (fetched.Err().kind == ErrorKind::Offline)
            return fetched.Err();
        report.problems.push_back(entry.name + ": " + fetched.Err().message);
        return Ok();
    }
    if (!fetched->has_value())
        return Ok(); // 304: as we last saw it
    ++report.fetched;
    const RemoteFile& file = *fetched.Value();
    auto shared = KnowledgeBase::ParseShared(file.body, entry.name);
    if (!shared) {
        report.problems.push_back(shared.Err().message);
        return Ok();
    }
    if (shared->uid != uid) {
        report.problems.push_back(entry.name + ": holds article " + shared->uid + ", not " + uid);
        return Ok();
    }
    return Receive(file.etag.empty() ? entry.etag : file.etag, file.body, shared.Value(), report);
}

Result<void> KnowledgeSync::Receive(const std::string& etag, const std::string& body,
                                    const SharedArticle& shared, SyncReport& report)
{
    store::Transaction tx(m_kb.Db());
    const State st = GetState(shared.uid);
    if (st.known && shared.stamp == st.stamp) {
        // The version we agreed on, under a new tag (a weak tag turned strong).
        if (auto r = SetState(shared.uid, etag, st.stamp, st.revision); !r)
            return r;
        return tx.Commit();
    }
    auto local = m_kb.GetByUid(shared.uid);
    if (!local && local.Err().kind != ErrorKind::NotFound)
        return local.Err();
    const bool ours_changed =
        local && Shareable(local->status) && (!st.known || local->revision > st.revision);
    if (ours_changed) {
        if (shared.SameAs(local.Value())) {
            if (auto r = SetState(shared.uid, etag, shared.stamp, local->revision); !r)
                return r;
        } else {
            if (auto r = SaveConflict(shared.uid, etag, body); !r)
                return r;
            ++report.conflicts;
        }
        return tx.Commit();
    }
    auto rev = m_kb.ApplyShared(shared, "from the shared knowledge base");
    if (!rev) {
        report.problems.push_back(SharedFileName(shared.uid) + ": " + rev.Err().message);
        return Ok(); // rolled back; the next round tries again
    }
    if (auto r = SetState(shared.uid, etag, shared.stamp, rev.Value()); !r)
        return r;
    if (auto r = tx.Commit(); !r)
        return r;
    ++report.pulled;
    return Ok();
}

Result<void> KnowledgeSync::Push(KnowledgeSource& source, const std::string& uid, SyncReport& report)
{
    const State st = GetState(uid);
    auto live = m_kb.GetByUid(uid);
    auto shared = m_kb.SharedFromLive(uid);
    if (!live || !shared)
        return Ok(); // gone since the query
    shared->stamp = NewStamp();
    shared->based_on = st.stamp;
    const std::string name = SharedFileName(uid);
    auto stored = source.Store(name, KnowledgeBase::WriteShared(shared.Value()), st.known ? st.etag : "");
    if (stored) {
        if (auto r = SetState(uid, stored.Value(), shared->stamp, live->revision); !r)
            return r;
        ++report.pushed;
        return Ok();
    }
    if (stored.Err().kind == ErrorKind::Offline)
        return stored.Err();
    if (stored.Err().kind != ErrorKind::Conflict) {
        report.problems.push_back(name + ": " + stored.Err().message);
        return Ok();
    }
    // Someone wrote first — or a weak tag hid that nobody did. Look.
    auto fetched = source.Fetch(name, "");
    if (!fetched) {
        if (fetched.Err().kind == ErrorKind::Offline)
            return fetched.Err();
        report.problems.push_back(name + ": " + fetched.Err().message);
        return Ok();
    }
    if (!fetched->has_value())
        return Ok();
    const RemoteFile& file = *fetched.Value();
    auto theirs = KnowledgeBase::ParseShared(file.body, name);
    if (!theirs) {
        report.problems.push_back(theirs.Err().message);
        return Ok();
    }
    if (st.known && theirs->stamp == st.stamp) {
        // Nobody else wrote: our tag was weak. Try once more with the tag just
        // read if it is strong; a weak one only turns strong a second later.
        if (auto r = SetState(uid, file.etag, st.stamp, st.revision); !r)
            return r;
        if (!IsWeak(file.etag)) {
            stored = source.Store(name, KnowledgeBase::WriteShared(shared.Value()), file.etag);
            if (stored) {
                if (auto r = SetState(uid, stored.Value(), shared->stamp, live->revision); !r)
                    return r;
                ++report.pushed;
                return Ok();
            }
            if (stored.Err().kind == ErrorKind::Offline)
                return stored.Err();
        }
        ++report.retry_later;
        return Ok();
    }
    return Receive(file.etag, file.body, theirs.Value(), report);
}

Result<int> KnowledgeSync::PendingCount()
{
    auto q = m_kb.Db().Prepare(
        "SELECT count(*) FROM article a LEFT JOIN sync_state s ON s.uid = a.uid "
        "WHERE a.working_copy_of IS NULL AND a.status IN ('published', 'archived') "
        "AND (s.uid IS NULL OR a.revision > s.revision)");
    if (auto r = q.Step(); !r)
        return r.Err();
    return static_cast<int>(q.Int(0));
}

Result<SyncConflict> KnowledgeSync::LoadConflict(const std::string& uid, std::string* etag)
{
    auto q = m_kb.Db().Prepare("SELECT etag, body, found_at FROM sync_conflict WHERE uid = ?1");
    auto row = q.Bind(1, uid).Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "article " + uid + " has no sync conflict"};
    SyncConflict c;
    c.uid = uid;
    c.found_at = q.Int(2);
    if (etag)
        *etag = q.Text(0);
    auto shared = KnowledgeBase::ParseShared(q.Text(1), SharedFileName(uid));
    if (!shared)
        return shared.Err();
    c.shared = std::move(shared).Value();
    auto local = m_kb.GetByUid(uid);
    if (!local)
        return local.Err();
    c.local = std::move(local).Value();
    return c;
}

Result<std::vector<SyncConflict>> KnowledgeSync::Conflicts()
{
    std::vector<std::string> uids;
    auto q = m_kb.Db().Prepare("SELECT uid FROM sync_conflict ORDER BY found_at, uid");
    if (auto r = q.ForEach([&](store::Query& row) { uids.push_back(row.Text(0)); }); !r)
        return r.Err();
    std::vector<SyncConflict> out;
    for (const auto& uid : uids) {
        auto c = LoadConflict(uid, nullptr);
        if (!c)
            return c.Err();
        out.push_back(std::move(c).Value());
    }
    return out;
}

// Both versions end up in the history, whichever wins: the shared one first,
// then (unless it is taken as is) the one to publish. The agreement is set to
// the shared version's tag, so the next push overwrites exactly that version.
Result<void> KnowledgeSync::Resolve(const Actor& actor, const std::string& uid, const Content* publish)
{
    if (auto r = RequireManager(actor); !r)
        return r;
    std::string etag;
    auto c = LoadConflict(uid, &etag);
    if (!c)
        return c.Err();
    store::Transaction tx(m_kb.Db());
    auto theirs = m_kb.ApplyShared(c->shared, publish ? "shared version by " + c->shared.author +
                                                            ", set aside in a sync conflict"
                                                      : "taken from the shared knowledge base in a sync conflict");
    if (!theirs)
        return theirs.Err();
    if (publish) {
        SharedArticle mine;
        mine.uid = uid;
        mine.translation_group = c->local.translation_group;
        mine.content = *publish;
        mine.status = c->local.status;
        mine.author = actor.name;
        auto r = m_kb.ApplyShared(mine, "chosen over the shared version in a sync conflict");
        if (!r)
            return r.Err();
    }
    if (auto r = SetState(uid, etag, c->shared.stamp, theirs.Value()); !r)
        return r;
    auto del = m_kb.Db().Prepare("DELETE FROM sync_conflict WHERE uid = ?1");
    if (auto r = del.Bind(1, uid).Run(); !r)
        return r;
    if (auto r = tx.Commit(); !r)
        return r;
    return m_kb.Refresh();
}

Result<void> KnowledgeSync::KeepMine(const Actor& actor, const std::string& uid)
{
    auto c = LoadConflict(uid, nullptr);
    if (!c)
        return c.Err();
    return Resolve(actor, uid, &c->local.content);
}

Result<void> KnowledgeSync::TakeShared(const Actor& actor, const std::string& uid)
{
    return Resolve(actor, uid, nullptr);
}

Result<void> KnowledgeSync::Merge(const Actor& actor, const std::string& uid, const Content& merged)
{
    if (merged.title.empty())
        return Error{ErrorKind::Invalid, "the merged article needs a title"};
    return Resolve(actor, uid, &merged);
}

} // namespace civic::kb
