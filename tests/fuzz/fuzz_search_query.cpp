// The knowledge search's query builder and the search itself, on any text an
// agent could type or paste, in a small knowledge base with synonyms.
#include <civic/kb/KnowledgeBase.h>

#include "FuzzInput.h"

namespace {

civic::kb::KnowledgeBase& Kb()
{
    using namespace civic;
    static std::unique_ptr<kb::KnowledgeBase> kb = [] {
        kb::KnowledgeOptions o;
        const std::filesystem::path res = CIVICDESK_FUZZ_RESOURCES "/knowledge";
        o.stop_word_files = {res / "stopwords-en.txt", res / "stopwords-es.txt"};
        auto opened = kb::KnowledgeBase::Open(":memory:", o).Value();
        const kb::Actor manager{"Fuzz Manager", Role::KnowledgeManager};
        const kb::Actor reviewer{"Fuzz Reviewer", Role::KnowledgeManager};
        const std::pair<const char*, const char*> articles[] = {
            {"Potholes", "Street crews repair holes in the road within three days."},
            {"Missed trash collection", "If garbage was not collected on the scheduled day, file a request."},
            {"Recogida de basura", "Si no se recogi\xC3\xB3 la basura, registre una solicitud."},
            {"Graffiti removal", "Paint on walls is removed for free with the owner's consent."},
        };
        for (const auto& [title, body] : articles) {
            kb::Content c;
            c.title = title;
            c.body = std::string("<p>") + body + "</p>";
            c.language = "en";
            c.category = "General";
            const auto id = opened->CreateDraft(manager, c).Value();
            (void)opened->Submit(manager, id);
            (void)opened->Approve(reviewer, id);
        }
        (void)opened->AddSynonyms(manager, {"trash", "garbage", "refuse"});
        (void)opened->AddSynonyms(manager, {"pothole", "pot hole"});
        return opened;
    }();
    return *kb;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    const std::string text = civic::fuzz::Text(data, size);
    (void)Kb().BuildMatch(text, false);
    (void)Kb().BuildMatch(text, true);
    kb::SearchQuery q;
    q.text = text;
    (void)Kb().Search(q);
    (void)Kb().Suggest(text, "", 5);
    return 0;
}
