// Exchange with files: the knowledge base XML format (lossless: articles,
// translations, revisions, attachments, synonyms), CSV from managers'
// spreadsheets, and the starter knowledge base. Every import is all or nothing:
// the whole file is parsed and checked before one transaction writes it.
#include <civic/Csv.h>
#include <civic/kb/Html.h>
#include <civic/kb/KnowledgeBase.h>
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

struct KnowledgeBase::ImportBatch
{
    struct Item
    {
        std::string uid;
        std::string group;
        Content content;
        Status status = Status::Draft;
        std::vector<Revision> revisions; // empty: one "imported" revision is made
        std::vector<Attachment> attachments;
        std::string where; // "line 12, <article>" for messages
    };
    std::vector<Item> items;
    std::vector<std::vector<std::string>> synonyms;
};

namespace {

std::string ReadAll(const std::filesystem::path& file, bool& ok)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    ok = static_cast<bool>(in);
    if (!ok)
        return {};
    std::string data(static_cast<size_t>(in.tellg()), '\0');
    in.seekg(0);
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    ok = static_cast<bool>(in);
    return data;
}

int LineAt(const std::string& buffer, std::ptrdiff_t offset)
{
    if (offset < 0)
        return 0;
    const auto end = buffer.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(buffer.size()));
    return 1 + static_cast<int>(std::count(buffer.begin(), end, '\n'));
}

// Names where a node stands ("kb.xml: line 12, <article>"). Nodes are asked
// for in document order, so lines are counted once through the file, not from
// the start for every node.
class Locator
{
public:
    Locator(const std::string& file, const std::string& buffer) : m_file(file), m_buffer(buffer) {}

    std::string Where(const pugi::xml_node& node)
    {
        const std::ptrdiff_t offset = node.offset_debug();
        if (offset < m_offset) {
            m_offset = 0;
            m_line = 1;
        }
        const auto end = std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(m_buffer.size()));
        m_line += static_cast<int>(std::count(m_buffer.begin() + m_offset, m_buffer.begin() + end, '\n'));
        m_offset = end;
        return m_file + ": line " + std::to_string(m_line) + ", <" + node.name() + ">";
    }

private:
    const std::string& m_file;
    const std::string& m_buffer;
    std::ptrdiff_t m_offset = 0;
    int m_line = 1;
};

void ReadContent(const pugi::xml_node& n, Content& c)
{
    c.title = n.child_value("title");
    c.summary = n.child_value("summary");
    c.body = n.child_value("body");
    c.keywords = n.child_value("keywords");
    c.category = n.child_value("category");
    c.service_codes = n.child_value("service-codes");
    c.owner = n.child_value("owner");
    c.review_by = n.child_value("review-by");
}

void WriteXmlContent(pugi::xml_node n, const Content& c)
{
    auto text = [&](const char* name, const std::string& v) {
        if (!v.empty())
            n.append_child(name).text().set(v.c_str());
    };
    text("title", c.title);
    text("summary", c.summary);
    text("keywords", c.keywords);
    text("category", c.category);
    text("service-codes", c.service_codes);
    text("owner", c.owner);
    text("review-by", c.review_by);
    text("body", c.body);
}

// Plain text from a spreadsheet cell becomes paragraphs; HTML stays HTML.
std::string BodyFromCell(const std::string& cell)
{
    if (cell.find('<') != std::string::npos && cell.find('>') != std::string::npos)
        return cell;
    std::string html, para;
    std::istringstream in(cell);
    std::string line;
    auto flush = [&] {
        if (!para.empty())
            html += "<p>" + EscapeHtml(para) + "</p>";
        para.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            flush();
        else
            para += (para.empty() ? "" : " ") + line;
    }
    flush();
    return html;
}

} // namespace

Result<int> KnowledgeBase::ImportXml(const std::filesystem::path& file, const Actor& actor)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    auto batch = ReadXml(file);
    if (!batch)
        return batch.Err();
    return Apply(batch.Value(), actor);
}

Result<KnowledgeBase::ImportBatch> KnowledgeBase::ReadXml(const std::filesystem::path& file)
{
    bool readable = false;
    const std::string buffer = ReadAll(file, readable);
    const std::string name = file.string();
    if (!readable)
        return Error{ErrorKind::Io, name + ": cannot be read"};
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(buffer.data(), buffer.size());
    if (!parsed)
        return Error{ErrorKind::Parse, name + ": line " + std::to_string(LineAt(buffer, parsed.offset)) +
                                           ": " + parsed.description()};
    Locator locate(name, buffer);
    const auto root = doc.child("knowledge-base");
    if (!root)
        return Error{ErrorKind::Parse, name + ": the root element must be <knowledge-base>"};
    if (std::string_view(root.attribute("version").as_string("1")) != "1")
        return Error{ErrorKind::Parse, locate.Where(root) + ": version " +
                                           root.attribute("version").as_string() +
                                           " is newer than this CivicDesk reads"};
    ImportBatch batch;
    for (auto g : root.child("synonyms").children("group")) {
        std::vector<std::string> terms;
        for (auto t : g.children("term"))
            terms.emplace_back(t.text().as_string());
        if (terms.size() < 2)
            return Error{ErrorKind::Invalid, locate.Where(g) + ": a group needs two terms"};
        batch.synonyms.push_back(std::move(terms));
    }
    for (auto a : root.children("article")) {
        ImportBatch::Item item;
        item.where = locate.Where(a);
        item.uid = a.attribute("uid").as_string();
        item.group = a.attribute("translation-group").as_string(item.uid.c_str());
        item.content.language = a.attribute("language").as_string("en");
        ReadContent(a, item.content);
        const auto status = StatusFromString(a.attribute("status").as_string("draft"));
        const auto audience = AudienceFromString(a.attribute("audience").as_string("agent"));
        if (!status)
            return Error{ErrorKind::Invalid, item.where + ": status '" +
                                                 a.attribute("status").as_string() +
                                                 "' is not draft, review, published or archived"};
        if (!audience)
            return Error{ErrorKind::Invalid, item.where + ": audience must be agent or public"};
        item.status = *status;
        item.content.audience = *audience;
        for (auto r : a.child("revisions").children("revision")) {
            Revision rev;
            rev.info.number = r.attribute("number").as_int(0);
            rev.info.status = StatusFromString(r.attribute("status").as_string()).value_or(Status::Draft);
            rev.info.author = r.attribute("author").as_string();
            rev.info.at = r.attribute("at").as_llong(0);
            rev.info.note = r.attribute("note").as_string();
            rev.content.language = r.attribute("language").as_string(item.content.language.c_str());
            rev.content.audience = AudienceFromString(r.attribute("audience").as_string("agent")).value_or(Audience::Agent);
            ReadContent(r, rev.content);
            if (rev.info.number <= 0)
                return Error{ErrorKind::Invalid, locate.Where(r) + ": number must be 1 or more"};
            item.revisions.push_back(std::move(rev));
        }
        for (auto at : a.child("attachments").children("attachment"))
            item.attachments.push_back({at.attribute("name").as_string(), at.attribute("path").as_string()});
        batch.items.push_back(std::move(item));
    }
    return batch;
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

Result<int> KnowledgeBase::ImportCsv(const std::filesystem::path& file, const Actor& actor)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    auto batch = ReadCsv(file, actor);
    if (!batch)
        return batch.Err();
    return Apply(batch.Value(), actor);
}

Result<KnowledgeBase::ImportBatch> KnowledgeBase::ReadCsv(const std::filesystem::path& file,
                                                          const Actor& actor)
{
    bool readable = false;
    const std::string text = ReadAll(file, readable);
    const std::string name = file.string();
    if (!readable)
        return Error{ErrorKind::Io, name + ": cannot be read"};
    auto rows = ParseCsv(text, name);
    if (!rows)
        return rows.Err();
    if (rows->empty())
        return Error{ErrorKind::Parse, name + ": the file is empty"};
    const auto& header = rows->front().second;
    std::map<std::string, size_t> col;
    static const std::vector<std::string> kKnown = {
        "uid", "translation_group", "title", "summary", "body", "keywords", "category",
        "service_codes", "language", "audience", "status", "owner", "review_by"};
    for (size_t i = 0; i < header.size(); ++i) {
        std::string h;
        for (char c : header[i])
            h += c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::find(kKnown.begin(), kKnown.end(), h) == kKnown.end())
            return Error{ErrorKind::Parse, name + ": line 1: unknown column '" + header[i] + "'"};
        col[h] = i;
    }
    if (!col.count("title") || !col.count("body"))
        return Error{ErrorKind::Parse, name + ": line 1: the columns title and body are required"};
    ImportBatch batch;
    for (size_t r = 1; r < rows->size(); ++r) {
        const auto& [line, cells] = rows.Value()[r];
        auto cell = [&](const char* c) -> std::string {
            auto it = col.find(c);
            return it != col.end() && it->second < cells.size() ? cells[it->second] : std::string();
        };
        if (cells.size() != header.size())
            return Error{ErrorKind::Parse, name + ": line " + std::to_string(line) + ": " +
                                               std::to_string(cells.size()) + " columns, the header has " +
                                               std::to_string(header.size())};
        ImportBatch::Item item;
        item.where = name + ": line " + std::to_string(line);
        item.uid = cell("uid");
        item.group = cell("translation_group");
        item.content.title = cell("title");
        item.content.summary = cell("summary");
        item.content.body = BodyFromCell(cell("body"));
        item.content.keywords = cell("keywords");
        item.content.category = cell("category");
        item.content.service_codes = cell("service_codes");
        item.content.language = cell("language").empty() ? "en" : cell("language");
        item.content.owner = cell("owner").empty() ? actor.name : cell("owner");
        item.content.review_by = cell("review_by");
        const std::string status = cell("status").empty() ? "draft" : cell("status");
        const std::string audience = cell("audience").empty() ? "agent" : cell("audience");
        if (!StatusFromString(status))
            return Error{ErrorKind::Invalid, item.where + ": status '" + status + "' is not draft, review, published or archived"};
        if (!AudienceFromString(audience))
            return Error{ErrorKind::Invalid, item.where + ": audience must be agent or public"};
        item.status = *StatusFromString(status);
        item.content.audience = *AudienceFromString(audience);
        batch.items.push_back(std::move(item));
    }
    return batch;
}

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

Result<int> KnowledgeBase::ExportXml(const std::filesystem::path& file)
{
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto root = doc.append_child("knowledge-base");
    root.append_attribute("version") = "1";

    auto syn = Synonyms();
    if (!syn)
        return syn.Err();
    if (!syn->empty()) {
        auto sn = root.append_child("synonyms");
        for (const auto& [id, terms] : syn.Value()) {
            auto g = sn.append_child("group");
            for (const auto& t : terms)
                g.append_child("term").text().set(t.c_str());
        }
    }
    int count = 0;
    auto q = m_db->Prepare("SELECT id FROM article WHERE working_copy_of IS NULL "
                           "ORDER BY translation_group, language");
    std::vector<std::int64_t> ids;
    while (q.Step().Value())
        ids.push_back(q.Int(0));
    for (auto id : ids) {
        auto a = Get(id);
        if (!a)
            return a.Err();
        auto n = root.append_child("article");
        n.append_attribute("uid") = a->uid.c_str();
        n.append_attribute("translation-group") = a->translation_group.c_str();
        n.append_attribute("language") = a->content.language.c_str();
        n.append_attribute("status") = std::string(ToString(a->status)).c_str();
        n.append_attribute("audience") = std::string(ToString(a->content.audience)).c_str();
        WriteXmlContent(n, a->content);
        if (!a->attachments.empty()) {
            auto atts = n.append_child("attachments");
            for (const auto& at : a->attachments) {
                auto x = atts.append_child("attachment");
                x.append_attribute("name") = at.name.c_str();
                x.append_attribute("path") = at.path.c_str();
            }
        }
        auto history = History(a->uid);
        if (!history)
            return history.Err();
        auto revs = n.append_child("revisions");
        for (auto it = history->rbegin(); it != history->rend(); ++it) {
            auto rev = GetRevision(a->uid, it->number);
            if (!rev)
                return rev.Err();
            auto r = revs.append_child("revision");
            r.append_attribute("number") = rev->info.number;
            r.append_attribute("status") = std::string(ToString(rev->info.status)).c_str();
            r.append_attribute("author") = rev->info.author.c_str();
            r.append_attribute("at") = static_cast<long long>(rev->info.at);
            r.append_attribute("note") = rev->info.note.c_str();
            r.append_attribute("language") = rev->content.language.c_str();
            r.append_attribute("audience") = std::string(ToString(rev->content.audience)).c_str();
            WriteXmlContent(r, rev->content);
        }
        ++count;
    }
    // Written beside the target and renamed: a failed export never leaves half a file.
    const auto tmp = file.string() + ".tmp";
    if (!doc.save_file(tmp.c_str(), "  ", pugi::format_default, pugi::encoding_utf8))
        return Error{ErrorKind::Io, tmp + ": cannot be written"};
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec)
        return Error{ErrorKind::Io, file.string() + ": " + ec.message()};
    return count;
}

std::string KnowledgeBase::WriteShared(const SharedArticle& a)
{
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "UTF-8";
    auto n = doc.append_child("shared-article");
    n.append_attribute("version") = "1";
    n.append_attribute("uid") = a.uid.c_str();
    n.append_attribute("translation-group") = a.translation_group.c_str();
    n.append_attribute("language") = a.content.language.c_str();
    n.append_attribute("status") = std::string(ToString(a.status)).c_str();
    n.append_attribute("audience") = std::string(ToString(a.content.audience)).c_str();
    n.append_attribute("author") = a.author.c_str();
    n.append_attribute("at") = static_cast<long long>(a.at);
    n.append_attribute("stamp") = a.stamp.c_str();
    if (!a.based_on.empty())
        n.append_attribute("based-on") = a.based_on.c_str();
    WriteXmlContent(n, a.content);
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return out.str();
}

Result<SharedArticle> KnowledgeBase::ParseShared(const std::string& xml, const std::string& name)
{
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size());
    if (!parsed)
        return Error{ErrorKind::Parse, name + ": line " + std::to_string(LineAt(xml, parsed.offset)) +
                                           ": " + parsed.description()};
    Locator locate(name, xml);
    const auto n = doc.child("shared-article");
    if (!n)
        return Error{ErrorKind::Parse, name + ": the root element must be <shared-article>"};
    if (std::string_view(n.attribute("version").as_string("1")) != "1")
        return Error{ErrorKind::Parse, locate.Where(n) + ": version " + n.attribute("version").as_string() +
                                           " is newer than this CivicDesk reads"};
    SharedArticle a;
    a.uid = n.attribute("uid").as_string();
    a.translation_group = n.attribute("translation-group").as_string(a.uid.c_str());
    a.content.language = n.attribute("language").as_string("en");
    a.author = n.attribute("author").as_string();
    a.at = n.attribute("at").as_llong(0);
    a.stamp = n.attribute("stamp").as_string();
    a.based_on = n.attribute("based-on").as_string();
    ReadContent(n, a.content);
    const auto status = StatusFromString(n.attribute("status").as_string("published"));
    const auto audience = AudienceFromString(n.attribute("audience").as_string("agent"));
    if (a.uid.empty() || a.stamp.empty())
        return Error{ErrorKind::Parse, locate.Where(n) + ": uid and stamp are required"};
    if (a.content.title.empty())
        return Error{ErrorKind::Parse, locate.Where(n) + ": an article needs a <title>"};
    if (!status || (*status != Status::Published && *status != Status::Archived))
        return Error{ErrorKind::Parse, locate.Where(n) + ": status must be published or archived"};
    if (!audience)
        return Error{ErrorKind::Parse, locate.Where(n) + ": audience must be agent or public"};
    a.status = *status;
    a.content.audience = *audience;
    a.content.body = SanitizeHtml(a.content.body);
    return a;
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
