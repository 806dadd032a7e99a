// KnowledgeSource over a WebDAV collection.
//
// The protocol, as CivicDesk uses it:
//   list    PROPFIND <collection>/ with Depth: 1, asking for getetag
//   read    GET <collection>/<name> with If-None-Match: <etag>  (304 = unchanged)
//   create  PUT with If-None-Match: *                           (412 = exists)
//   update  PUT with If-Match: <etag>                           (412 = changed)
// Servers give files modified within the current second a weak tag (W/"…"),
// which If-Match never matches: such an update reports Conflict, and the sync
// re-reads the file and retries (see the knowledge sync).
#pragma once

#include <civic/sdk/KnowledgeSource.h>

#include <string>

namespace civic::webdav {

struct Options
{
    std::string collection_url; // e.g. https://dav.city.gov/kb/ (a trailing / is added)
    std::string user;
    std::string password;
    long timeout_ms = 20000;
};

class WebDavSource : public kb::KnowledgeSource
{
public:
    explicit WebDavSource(Options options);

    Result<std::vector<kb::RemoteEntry>> List() override;
    Result<std::optional<kb::RemoteFile>> Fetch(const std::string& name,
                                                const std::string& known_etag) override;
    Result<std::string> Store(const std::string& name, const std::string& body,
                              const std::string& expected_etag) override;

private:
    Options m_options;
};

// Parses a DAV:multistatus reply into the files it lists (not the collection
// itself). Any namespace prefix is accepted. Errors: Parse.
Result<std::vector<kb::RemoteEntry>> ParseMultistatus(const std::string& xml);

} // namespace civic::webdav
