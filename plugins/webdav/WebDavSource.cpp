#include <civic/webdav/WebDavSource.h>

#include <civic/net/HttpClient.h>

#include <pugixml.hpp>

#include <cctype>
#include <cstring>

namespace civic::webdav {
namespace {

// "D:href" and "lp1:getetag" alike: servers choose their own prefixes.
bool Is(const pugi::xml_node& n, const char* local)
{
    const char* name = n.name();
    const char* colon = std::strchr(name, ':');
    return std::strcmp(colon ? colon + 1 : name, local) == 0;
}

pugi::xml_node Child(const pugi::xml_node& n, const char* local)
{
    for (auto c : n.children())
        if (Is(c, local))
            return c;
    return {};
}

std::string PercentDecode(const std::string& s)
{
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        // "%41" is 'A'; a '%' not followed by two hex digits is itself (a
        // server's href is outside input: it once threw from std::stoi).
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
            i += 2;
        } else {
            out += s[i];
        }
    }
    return out;
}

Error HttpError(const std::string& what, const net::Response& r)
{
    std::string text = r.body.substr(0, 300);
    return net::StatusError(r, what + ": the server answered " + std::to_string(r.status) +
                                   (text.empty() ? std::string() : " (" + text + ")"));
}

} // namespace

Result<std::vector<kb::RemoteEntry>> ParseMultistatus(const std::string& xml)
{
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size());
    if (!parsed)
        return Error{ErrorKind::Parse,
                     std::string("the file list from the server is not XML: ") + parsed.description()};
    const auto root = doc.document_element();
    if (!Is(root, "multistatus"))
        return Error{ErrorKind::Parse, std::string("the server sent <") + root.name() +
                                           ">, not a WebDAV multistatus file list"};
    std::vector<kb::RemoteEntry> entries;
    for (auto response : root.children()) {
        if (!Is(response, "response"))
            continue;
        std::string href = Child(response, "href").text().as_string();
        if (href.empty() || href.back() == '/')
            continue; // the collection itself, or a sub-collection
        kb::RemoteEntry e;
        e.name = PercentDecode(href.substr(href.rfind('/') + 1));
        for (auto propstat : response.children()) {
            if (!Is(propstat, "propstat"))
                continue;
            const std::string status = Child(propstat, "status").text().as_string();
            if (status.find(" 200") == std::string::npos)
                continue;
            const auto etag = Child(Child(propstat, "prop"), "getetag");
            if (etag)
                e.etag = etag.text().as_string();
        }
        entries.push_back(std::move(e));
    }
    return entries;
}

WebDavSource::WebDavSource(Options options) : m_options(std::move(options))
{
    if (m_options.collection_url.empty() || m_options.collection_url.back() != '/')
        m_options.collection_url += '/';
}

Result<std::vector<kb::RemoteEntry>> WebDavSource::List()
{
    net::Request req;
    req.method = "PROPFIND";
    req.url = m_options.collection_url;
    req.user = m_options.user;
    req.password = m_options.password;
    req.timeout_ms = m_options.timeout_ms;
    req.headers = {{"Depth", "1"}, {"Content-Type", "application/xml; charset=utf-8"}};
    req.body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
               "<D:propfind xmlns:D=\"DAV:\"><D:prop><D:getetag/></D:prop></D:propfind>";
    auto r = net::Perform(req);
    if (!r)
        return r.Err();
    if (r->status != 207)
        return HttpError("listing " + req.url, r.Value());
    return ParseMultistatus(r->body);
}

Result<std::optional<kb::RemoteFile>> WebDavSource::Fetch(const std::string& name,
                                                          const std::string& known_etag)
{
    net::Request req;
    req.url = m_options.collection_url + name;
    req.user = m_options.user;
    req.password = m_options.password;
    req.timeout_ms = m_options.timeout_ms;
    if (!known_etag.empty())
        req.headers.push_back({"If-None-Match", known_etag});
    auto r = net::Perform(req);
    if (!r)
        return r.Err();
    if (r->status == 304)
        return std::optional<kb::RemoteFile>();
    if (r->status != 200)
        return HttpError("reading " + req.url, r.Value());
    return std::optional<kb::RemoteFile>(kb::RemoteFile{std::move(r->body), r->Header("etag")});
}

Result<std::string> WebDavSource::Store(const std::string& name, const std::string& body,
                                        const std::string& expected_etag)
{
    net::Request req;
    req.method = "PUT";
    req.url = m_options.collection_url + name;
    req.user = m_options.user;
    req.password = m_options.password;
    req.timeout_ms = m_options.timeout_ms;
    req.body = body;
    req.headers = {{"Content-Type", "application/xml; charset=utf-8"}};
    if (expected_etag.empty())
        req.headers.push_back({"If-None-Match", "*"});
    else
        req.headers.push_back({"If-Match", expected_etag});
    auto r = net::Perform(req);
    if (!r)
        return r.Err();
    if (r->status == 412)
        return Error{ErrorKind::Conflict,
                     name + (expected_etag.empty() ? " already exists on the server"
                                                   : " was changed on the server by someone else")};
    if (r->status != 200 && r->status != 201 && r->status != 204)
        return HttpError("writing " + req.url, r.Value());
    std::string etag = r->Header("etag");
    if (etag.empty()) {
        // Not every server answers a PUT with the new tag: ask for it.
        net::Request head;
        head.method = "HEAD";
        head.url = req.url;
        head.user = m_options.user;
        head.password = m_options.password;
        auto h = net::Perform(head);
        if (h && h->status == 200)
            etag = h->Header("etag");
    }
    return etag;
}

} // namespace civic::webdav
