// Opening the console's knowledge base the same way everywhere: knowledge.db in
// the data folder, stop words from resources/knowledge, and the starter
// knowledge base loaded on first run.
#pragma once

#include <civic/core/Paths.h>
#include <civic/kb/KnowledgeBase.h>

namespace civic::kb {

KnowledgeOptions OptionsFor(const Paths& paths);

// Errors: as KnowledgeBase::Open, and Parse/Io when the seed cannot be read.
Result<std::unique_ptr<KnowledgeBase>> OpenForConsole(const Paths& paths);

} // namespace civic::kb
