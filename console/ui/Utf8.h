// U(text): the core's UTF-8 strings as wxString, for every window.
#pragma once

#include <wx/string.h>

#include <string>

namespace civic::ui {

inline wxString U(const std::string& s) { return wxString::FromUTF8(s); }

} // namespace civic::ui
