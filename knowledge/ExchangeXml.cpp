// The knowledge base XML format: import, export and the shared-store article file.
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

namespace {

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
    auto read = ReadImportFile(file);
    if (!read)
        return read.Err();
    const std::string& buffer = read.Value();
    const std::string name = file.string();
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

} // namespace civic::kb
