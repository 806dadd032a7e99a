// Start-up decisions shared by the console executable and its tests.
#pragma once

#include <civic/Result.h>

#include <wx/string.h>

namespace civic::ui {

// What the agent reads when the console cannot start on its database: what
// happened (naming the file), that nothing was changed, and what to do.
wxString StartupErrorMessage(const Error& error);

} // namespace civic::ui
