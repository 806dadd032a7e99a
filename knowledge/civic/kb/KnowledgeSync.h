// KnowledgeSync: keeps the local knowledge base and a shared knowledge source
// (KnowledgeSource.h; a WebDAV collection in plugins/webdav) in step.
//
// One file per article uid ("<uid>.xml", a <shared-article>). A round:
//   pull  list the collection; fetch only files whose entity tag changed
//         since the last round (conditional GET); apply each, unless this
//         console has an unpushed change of its own to the same article —
//         then, if the two differ, keep the shared version aside as a
//         conflict and touch neither.
//   push  every published or archived article changed here since the last
//         agreement is written with If-Match on the tag last seen (or
//         If-None-Match: * when new). A 412 means someone else wrote first:
//         the file is read again; if it is still the version we agreed on (a
//         weak tag, not a change) the push is retried next round, otherwise
//         it becomes a conflict.
// Drafts and reviews never leave the console; only approved work is shared.
// A conflict is resolved by a manager: keep this console's version, take the
// shared one, or publish a merge. Both versions stay in the history.
//
// Thread: blocking network calls. Run it on a thread of its own with its own
// KnowledgeBase connection; the console's knowledge thread then Refresh()es.
#pragma once

#include <civic/Result.h>
#include <civic/kb/KnowledgeBase.h>
#include <civic/kb/KnowledgeSource.h>

#include <string>
#include <vector>

namespace civic::kb {

struct SyncReport
{
    int listed = 0;      // files in the shared collection
    int fetched = 0;     // files downloaded (changed since the last round)
    int pulled = 0;      // shared versions applied here
    int pushed = 0;      // local versions written to the collection
    int conflicts = 0;   // new conflicts found this round
    int retry_later = 0; // pushes held back by a weak entity tag
    std::vector<std::string> problems; // files that could not be read or applied

    bool Changed() const { return pulled > 0; }
};

struct SyncConflict
{
    std::string uid;
    Article local;        // what this console has (and agents read now)
    SharedArticle shared; // what the shared collection has
    std::int64_t found_at = 0;
};

class KnowledgeSync
{
public:
    explicit KnowledgeSync(KnowledgeBase& kb) : m_kb(kb) {}

    // One pull and push round. Errors only when the collection cannot be
    // listed (Offline, Http, Parse); per-file problems are in the report, and
    // what was done before a failure stays done.
    Result<SyncReport> Run(KnowledgeSource& source);

    // Published or archived articles changed here and not yet shared.
    Result<int> PendingCount();

    Result<std::vector<SyncConflict>> Conflicts();
    // Resolutions (knowledge managers and supervisors). Errors: Denied,
    // NotFound (no such conflict), Invalid.
    Result<void> KeepMine(const Actor& actor, const std::string& uid);
    Result<void> TakeShared(const Actor& actor, const std::string& uid);
    Result<void> Merge(const Actor& actor, const std::string& uid, const Content& merged);

private:
    struct State
    {
        std::string etag;
        std::string stamp;
        int revision = 0;
        bool known = false;
    };
    State GetState(const std::string& uid);
    Result<void> SetState(const std::string& uid, const std::string& etag, const std::string& stamp,
                          int revision);
    Result<void> SaveConflict(const std::string& uid, const std::string& etag, const std::string& body);
    Result<void> Pull(KnowledgeSource& source, const RemoteEntry& entry, SyncReport& report);
    // Agree on a shared version: apply it here unless we have our own change.
    Result<void> Receive(const std::string& etag, const std::string& body, const SharedArticle& shared,
                         SyncReport& report);
    Result<void> Push(KnowledgeSource& source, const std::string& uid, SyncReport& report);
    Result<SyncConflict> LoadConflict(const std::string& uid, std::string* etag);
    Result<void> Resolve(const Actor& actor, const std::string& uid, const Content* publish);

    KnowledgeBase& m_kb;
};

// "<uid>.xml" and back; empty when the name is not an article file.
std::string SharedFileName(const std::string& uid);
std::string UidFromSharedFile(const std::string& name);

} // namespace civic::kb
