// Part of the CivicDesk plugin SDK. A central knowledge store that consoles share: a collection of article
// files with entity tags, as any HTTP/WebDAV server or S3-compatible object
// store keeps them. Implementations live in plugins/ (plugins/webdav) and
// register a factory under their name ("webdav").
//
// Thread: blocking network calls — use from the network thread.
#pragma once

#include <civic/sdk/Result.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace civic::sdk {
class HttpClient;
}

namespace civic::kb {

struct RemoteEntry
{
    std::string name; // file name within the collection ("kb-….xml")
    std::string etag;
};

struct RemoteFile
{
    std::string body;
    std::string etag;
};

class KnowledgeSource
{
public:
    virtual ~KnowledgeSource() = default;

    // Every file in the collection with its entity tag.
    // Errors: Offline, Denied, Unavailable (the server's own text), Parse.
    virtual Result<std::vector<RemoteEntry>> List() = 0;

    // The file, or nullopt when it still has known_etag (nothing to download).
    // Errors: NotFound, Offline, Denied, Unavailable.
    virtual Result<std::optional<RemoteFile>> Fetch(const std::string& name,
                                                     const std::string& known_etag) = 0;

    // Writes the file only if it is as we last saw it: expected_etag empty
    // means "only if it does not exist yet". Returns the new entity tag (empty
    // when the server gives none). Errors: Conflict when someone else created
    // or changed it first — nothing was written; Offline; Denied; Rejected; Unavailable.
    virtual Result<std::string> Store(const std::string& name, const std::string& body,
                                      const std::string& expected_etag) = 0;
};

// Where a source is and who connects to it.
struct SourceConfig
{
    std::string url; // the collection
    std::string user;
    std::string password;
    long timeout_ms = 20000;
    sdk::HttpClient* http = nullptr; // the console's HTTP client (civic/sdk/Http.h)
};

using SourceFactory = std::function<std::unique_ptr<KnowledgeSource>(const SourceConfig&)>;

} // namespace civic::kb
