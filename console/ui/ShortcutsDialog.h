// Help > Keyboard shortcuts: lists every menu command that has an accelerator,
// read from the menu bar itself so the list can never drift from the menus.
#pragma once

#include <wx/dialog.h>

class wxMenuBar;
class wxListCtrl;

namespace civic::ui {

class ShortcutsDialog : public wxDialog
{
public:
    ShortcutsDialog(wxWindow* parent, wxMenuBar* menus);
    wxListCtrl* List() { return m_list; }

private:
    wxListCtrl* m_list;
};

} // namespace civic::ui
