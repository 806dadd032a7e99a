// A text field with suggestions to pick from (a location, a call reason, an
// organization). wxOwnerDrawnComboBox rather than wxComboBox: GTK's combo
// box with an entry is two Tab stops, the entry and its arrow button; this
// one draws its arrow and takes the keyboard once. Alt+Down opens the list.
#pragma once

#include <wx/odcombo.h>

namespace civic::ui {

using SuggestBox = wxOwnerDrawnComboBox;

} // namespace civic::ui
