// The knowledge import's CSV reader (a spreadsheet export), on any file.
#include <civic/kb/KnowledgeBase.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    static const kb::Actor manager{"Fuzz Manager", Role::KnowledgeManager};
    (void)kb::KnowledgeBase::CheckImportFile(fuzz::AsFile(fuzz::Text(data, size), ".csv"), manager);
    return 0;
}
