#include <civic/kb/Open.h>

namespace civic::kb {

KnowledgeOptions OptionsFor(const Paths& paths)
{
    KnowledgeOptions o;
    const auto dir = paths.resources_dir / "knowledge";
    for (const char* f : {"stopwords-en.txt", "stopwords-es.txt"})
        if (std::filesystem::exists(dir / f))
            o.stop_word_files.push_back(dir / f);
    return o;
}

Result<std::unique_ptr<KnowledgeBase>> OpenForConsole(const Paths& paths)
{
    auto kb = KnowledgeBase::Open(paths.KnowledgeDb(), OptionsFor(paths));
    if (!kb)
        return kb.Err();
    const auto seed = paths.resources_dir / "knowledge" / "seed.xml";
    if (std::filesystem::exists(seed)) {
        if (auto r = kb.Value()->SeedIfEmpty(seed); !r)
            return r.Err();
    }
    return kb;
}

} // namespace civic::kb
