// The registry of knowledge sources that plugins fill at start-up.
#include <civic/kb/KnowledgeSource.h>

#include <civic/Registry.h>

namespace civic::kb {
namespace {

Registry<KnowledgeSource, SourceConfig>& Sources()
{
    static Registry<KnowledgeSource, SourceConfig> registry;
    return registry;
}

} // namespace

void RegisterSource(const std::string& name, SourceFactory factory) { Sources().Register(name, std::move(factory)); }

std::unique_ptr<KnowledgeSource> MakeSource(const std::string& name, const SourceConfig& config)
{
    return Sources().Make(name, config);
}

} // namespace civic::kb
