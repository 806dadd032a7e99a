// The knowledge import's XML reader and the shared-article reader (a file on
// the center's WebDAV store), on any file.
#include <civic/kb/KnowledgeBase.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    const std::string xml = fuzz::Text(data, size);
    static const kb::Actor manager{"Fuzz Manager", Role::KnowledgeManager};
    (void)kb::KnowledgeBase::CheckImportFile(fuzz::AsFile(xml, ".xml"), manager);
    if (auto shared = kb::KnowledgeBase::ParseShared(xml, "article.xml")) {
        // What is read back from what it writes is what was read.
        auto again = kb::KnowledgeBase::ParseShared(kb::KnowledgeBase::WriteShared(shared.Value()), "again.xml");
        fuzz::Check(again.IsOk());
        fuzz::Check(again->content.title == shared->content.title);
        fuzz::Check(again->content.body == shared->content.body);
    }
    return 0;
}
