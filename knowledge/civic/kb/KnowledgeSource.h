// A shared knowledge store: the interface is the plugin SDK's
// (civic/sdk/KnowledgeSource.h); here the registry sources are picked from.
#pragma once

#include <civic/sdk/KnowledgeSource.h>

#include <memory>
#include <string>

namespace civic::kb {

// Sources by name ("webdav"). Plugins register at start-up. Thread-safe.
void RegisterSource(const std::string& name, SourceFactory factory);
// nullptr when no source of that name is registered.
std::unique_ptr<KnowledgeSource> MakeSource(const std::string& name, const SourceConfig& config);

} // namespace civic::kb
