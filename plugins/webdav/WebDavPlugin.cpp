// The webdav plugin: the shared knowledge base on a WebDAV collection, as a
// module the console loads (civicdesk-plugin-webdav.so).
#include <civic/core/Version.h>
#include <civic/sdk/Plugin.h>
#include <civic/webdav/WebDavSource.h>

#include <memory>

CIVICDESK_DECLARE_PLUGIN("webdav", civic::kVersion,
                         "Shared knowledge base on a WebDAV collection (Apache mod_dav, nginx, Nextcloud, SharePoint)")

extern "C" CIVICDESK_PLUGIN_EXPORT bool civicdesk_plugin_load(civic::sdk::Host& host)
{
    host.AddKnowledgeSource("webdav", "WebDAV collection",
                            [](const civic::kb::SourceConfig& c) -> std::unique_ptr<civic::kb::KnowledgeSource> {
                                return std::make_unique<civic::webdav::WebDavSource>(
                                    civic::webdav::Options{c.url, c.user, c.password, c.timeout_ms});
                            });
    return true;
}
