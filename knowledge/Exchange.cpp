// Exchange with files: the knowledge base XML format (lossless: articles,
// translations, revisions, attachments, synonyms), CSV from managers'
// spreadsheets, and the starter knowledge base. Every import is all or nothing:
// the whole file is parsed and checked before one transaction writes it.
// This file: the multi-file import, Apply (the one writer), the starter knowledge base, and what the readers share.
#include <civic/Files.h>
#include <civic/Csv.h>
#include <civic/kb/Html.h>
#include <civic/kb/KnowledgeBase.h>

#include "ExchangeInternal.h"
#include <civic/kb/StemFilter.h>

#include <pugixml.hpp>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <fstream>
#include <sstream>

namespace civic::kb {

using namespace detail;

namespace detail {

Result<std::string> ReadImportFile(const std::filesystem::path& file)
{
    return ReadWholeFile(file, 256u * 1024 * 1024);
}

int LineAt(const std::string& buffer, std::ptrdiff_t offset)
{
    if (offset < 0)
        return 0;
    const auto end = buffer.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(buffer.size()));
    return 1 + static_cast<int>(std::count(buffer.begin(), end, '\n'));
}

} // namespace detail

// Half of an import needs no database: sanitising each body, converting it
// to text and splitting that into index terms with their stems. A second
// thread does it, a bounded number of articles ahead of the thread writing
// them, and counts the terms as the index would (into its own WordUses).
class KnowledgeBase::Preparer
{
public:
    Preparer(const ImportBatch& batch, std::unique_ptr<store::Tokenizer> tokenizer,
             std::shared_ptr<WordUses> uses)
        : m_batch(batch), m_tokenizer(std::move(tokenizer)), m_uses(std::move(uses)),
          m_ring(std::min(kAhead, batch.items.size()))
    {
        if (!m_ring.empty())
            m_thread = std::thread([this] { Run(); });
    }

    ~Preparer() { Stop(); }

    // Item k, once made; k counts up from 0. Errors: what stopped the thread.
    Result<const Prepared*> Get(size_t k)
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [&] { return m_made > k || m_error; });
        if (m_made <= k)
            return Error{ErrorKind::Invalid, "preparing the articles failed: " + *m_error};
        return &m_ring[k % m_ring.size()];
    }

    // Item k is written: its slot may be reused.
    void Done(size_t k)
    {
        {
            std::lock_guard lock(m_mutex);
            m_used = k + 1;
        }
        m_changed.notify_all();
    }

    // After the last item: the thread's counts, minus those of the items
    // that were not indexed after all (unchanged by the import).
    std::shared_ptr<WordUses> Counts(const std::vector<size_t>& not_indexed)
    {
        Stop();
        Prepared scratch;
        for (size_t k : not_indexed)
            Make(k, scratch, true);
        return m_uses;
    }

private:
    static constexpr size_t kAhead = 64;

    void Run()
    {
        try {
            for (size_t k = 0; k < m_batch.items.size(); ++k) {
                {
                    std::unique_lock lock(m_mutex);
                    m_changed.wait(lock, [&] { return m_stop || k < m_used + m_ring.size(); });
                    if (m_stop)
                        return;
                }
                Make(k, m_ring[k % m_ring.size()], false);
                {
                    std::lock_guard lock(m_mutex);
                    m_made = k + 1;
                }
                m_changed.notify_all();
            }
        } catch (const std::exception& e) {
            std::lock_guard lock(m_mutex);
            m_error = e.what();
            m_changed.notify_all();
        }
    }

    void Make(size_t k, Prepared& p, bool undo)
    {
        const auto& item = m_batch.items[k];
        p.content = item.content;
        p.content.body = SanitizeHtml(p.content.body);
        p.text = HtmlToText(p.content.body);
        // Article numbers only tell articles apart for counting; taking an
        // article's counts back must not look like the same article again.
        m_uses->article = undo ? m_batch.items.size() + k + 1 : k + 1;
        m_uses->direction = undo ? -1 : 1;
        m_uses->undo = undo;
        p.streams.resize(4);
        p.stream_count = 0;
        for (const std::string* text : {&p.content.title, &p.content.keywords, &p.content.summary, &p.text})
            if (!text->empty())
                m_tokenizer->Tokenize(*text, p.streams[p.stream_count++]);
        m_uses->direction = 0;
        m_uses->undo = false;
    }

    void Stop()
    {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_changed.notify_all();
        if (m_thread.joinable())
            m_thread.join();
    }

    const ImportBatch& m_batch;
    std::unique_ptr<store::Tokenizer> m_tokenizer;
    std::shared_ptr<WordUses> m_uses;
    std::vector<Prepared> m_ring;
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    size_t m_made = 0; // items made
    size_t m_used = 0; // items written
    bool m_stop = false;
    std::optional<std::string> m_error;
};

Result<int> KnowledgeBase::CheckImportFile(const std::filesystem::path& file, const Actor& actor)
{
    auto batch = file.extension() == ".csv" ? ReadCsv(file, actor) : ReadXml(file);
    if (!batch)
        return batch.Err();
    return static_cast<int>(batch->items.size());
}

Result<int> KnowledgeBase::Import(const std::vector<std::filesystem::path>& files, const Actor& actor,
                                  std::vector<int>* imported)
{
    // An index merged into one segment is searched fastest, and FTS5
    // merging a growing index again after every file costs more than merging
    // once after the load, so merging is off meanwhile: automerge, and the
    // "crisis" merge FTS5 does anyway once 16 segments pile up (at 80,000
    // articles it took 12 s of a 72 s load, then the index was merged again).
    // Open switches both back if the load was cut short.
    // A few articles are left to FTS5's own merging.
    constexpr int kMergeAfter = 1000;
    if (auto r = Require(actor, true); !r)
        return r.Err();
    if (auto r = m_db->Exec("INSERT INTO article_fts(article_fts, rank) VALUES('automerge', 0);"
                            "INSERT INTO article_fts(article_fts, rank) VALUES('crisismerge', 1000)");
        !r)
        return r.Err();
    // Reading a file needs no database: the next file is read while this
    // one is written.
    auto read = [&actor](const std::filesystem::path& file) {
        return file.extension() == ".csv" ? ReadCsv(file, actor) : ReadXml(file);
    };
    std::future<Result<ImportBatch>> next;
    if (!files.empty())
        next = std::async(std::launch::async, read, files.front());
    int total = 0;
    std::optional<Error> failed;
    for (size_t i = 0; i < files.size(); ++i) {
        const auto& file = files[i];
        auto batch = next.get();
        if (i + 1 < files.size())
            next = std::async(std::launch::async, read, files[i + 1]);
        auto r = batch ? Apply(batch.Value(), actor) : Result<int>(batch.Err());
        if (!r) {
            failed = Error{r.Err().kind, file.filename().string() + ": " + r.Err().message};
            break;
        }
        total += r.Value();
        if (imported)
            imported->push_back(r.Value());
    }
    auto merged = m_db->Exec(kMergeAsUsual);
    if (merged && total >= kMergeAfter) {
        merged = m_db->Exec("INSERT INTO article_titles(article_titles) VALUES('optimize')");
        if (merged)
            merged = m_db->Exec("INSERT INTO article_fts(article_fts) VALUES('optimize')");
    }
    if (!merged && !failed)
        return merged.Err();
    if (failed)
        return *failed;
    return total;
}

Result<int> KnowledgeBase::Apply(const ImportBatch& batch, const Actor& actor)
{
    // Check everything before writing anything.
    for (const auto& item : batch.items)
        if (item.content.title.empty())
            return Error{ErrorKind::Invalid, item.where + ": an article needs a <title>"};
    auto counts = std::make_shared<WordUses>();
    auto tokenizer = m_db->NewTokenizer(std::make_unique<StemFilter>(m_stop_words, m_options.stem_languages, counts));
    if (!tokenizer)
        return tokenizer.Err();
    store::Transaction tx(*m_db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    Preparer preparer(batch, std::move(tokenizer).Value(), counts);
    std::vector<size_t> not_indexed;
    int count = 0;
    m_importing = true;
    auto fail = [&](const std::string& where, const Error& e) -> Result<int> {
        m_importing = false;
        m_prepared = nullptr;
        ForgetNewWords();
        (void)LoadCaches(); // the rolled-back words must not stay in memory
        return Error{e.kind, where + ": " + e.message};
    };
    for (size_t k = 0; k < batch.items.size(); ++k) {
        const auto& item = batch.items[k];
        auto prepared = preparer.Get(k);
        if (!prepared)
            return fail(item.where, prepared.Err());
        const Content& c = prepared.Value()->content;
        m_prepared = prepared.Value();
        m_prepared_used = false;
        const std::string uid = item.uid.empty() ? NewUid() : item.uid;
        const std::string group = item.group.empty() ? uid : item.group;
        auto existing = GetByUid(uid);
        int max_existing = 0;
        if (existing) {
            auto h = History(uid);
            if (h && !h->empty())
                max_existing = h->front().number;
        }
        int latest = max_existing;
        for (const auto& rev : item.revisions) {
            if (rev.info.number <= max_existing)
                continue; // already here: importing the same file twice changes nothing
            Content rc = rev.content;
            rc.body = SanitizeHtml(rc.body);
            auto q = m_db->Prepare(
                "INSERT INTO revision(uid, number, status, author, at, note, title, summary, body, "
                "keywords, category, service_codes, language, audience, owner, review_by) "
                "VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16)");
            q.BindAll(uid, rev.info.number, ToString(rev.info.status), rev.info.author, rev.info.at,
                      rev.info.note, rc.title, rc.summary, rc.body, rc.keywords, rc.category,
                      rc.service_codes, rc.language, ToString(rc.audience), rc.owner, rc.review_by);
            if (auto r = q.Run(); !r)
                return fail(item.where, r.Err());
            latest = std::max(latest, rev.info.number);
        }
        const bool unchanged = existing && existing->content == c && existing->status == item.status;
        if (item.revisions.empty() && !unchanged) {
            auto rev = AddRevision(uid, c, item.status, actor.name, "imported");
            if (!rev)
                return fail(item.where, rev.Err());
            latest = rev.Value();
        }
        if (existing) {
            if (auto r = WriteContent(existing->id, c, item.status, std::max(latest, existing->revision)); !r)
                return fail(item.where, r.Err());
        } else {
            auto id = InsertArticle(uid, group, c, item.status, std::max(latest, 1), std::nullopt, Now());
            if (!id)
                return fail(item.where, id.Err());
        }
        m_prepared = nullptr;
        if (!m_prepared_used)
            not_indexed.push_back(k);
        preparer.Done(k);
        auto del = m_db->Prepare("DELETE FROM attachment WHERE uid = ?1");
        (void)del.Bind(1, uid).Run();
        for (const auto& att : item.attachments) {
            auto q = m_db->Prepare("INSERT INTO attachment(uid, name, path) VALUES(?1, ?2, ?3)");
            if (auto r = q.BindAll(uid, att.name, att.path).Run(); !r)
                return fail(item.where, r.Err());
        }
        ++count;
    }
    for (const auto& group : batch.synonyms) {
        std::vector<std::string> folded;
        for (const auto& t : group) {
            std::string f;
            for (const auto& tok : m_db->FoldTokens(t))
                f += (f.empty() ? "" : " ") + tok.text;
            if (!f.empty())
                folded.push_back(f);
        }
        // A group whose terms are all known already is not added twice.
        bool known = true;
        for (const auto& f : folded) {
            auto q = m_db->Prepare("SELECT 1 FROM synonym WHERE term = ?1");
            known = known && q.Bind(1, f).Step().Value();
        }
        if (known)
            continue;
        auto next = m_db->Prepare("SELECT coalesce(max(group_id), 0) + 1 FROM synonym");
        (void)next.Step();
        const std::int64_t id = next.Int(0);
        for (const auto& f : folded) {
            auto q = m_db->Prepare("INSERT OR IGNORE INTO synonym(group_id, term) VALUES(?1, ?2)");
            if (auto r = q.BindAll(id, f).Run(); !r)
                return fail("synonyms", r.Err());
        }
    }
    // The second thread counted the terms of the articles it prepared.
    const auto made = preparer.Counts(not_indexed);
    for (const auto& [word, n] : made->delta)
        m_uses->delta[word] += n;
    for (const auto& [term, d] : made->docs)
        m_uses->docs[term].delta += d.delta;
    m_importing = false;
    LearnNewWords();
    if (auto r = tx.Commit(); !r)
        return fail("commit", r.Err());
    if (auto r = LoadCaches(); !r)
        return r.Err();
    return count;
}

Result<int> KnowledgeBase::SeedIfEmpty(const std::filesystem::path& seed_xml)
{
    auto q = m_db->Prepare("SELECT count(*) FROM article");
    if (auto r = q.Step(); !r)
        return r.Err();
    if (q.Int(0) > 0)
        return 0;
    return ImportXml(seed_xml, Actor{"CivicDesk starter knowledge base", Role::Supervisor});
}

} // namespace civic::kb
