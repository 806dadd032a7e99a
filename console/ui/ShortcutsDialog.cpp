#include "ui/ShortcutsDialog.h"

#include <wx/accel.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/sizer.h>

#include <memory>

namespace civic::ui {
namespace {

void AddMenu(wxListCtrl* list, wxMenu* menu)
{
    for (wxMenuItem* item : menu->GetMenuItems()) {
        if (item->GetSubMenu()) {
            AddMenu(list, item->GetSubMenu());
            continue;
        }
        std::unique_ptr<wxAcceleratorEntry> accel(item->GetAccel());
        if (!accel)
            continue;
        const long row = list->InsertItem(list->GetItemCount(), accel->ToString());
        list->SetItem(row, 1, item->GetItemLabelText());
    }
}

} // namespace

ShortcutsDialog::ShortcutsDialog(wxWindow* parent, wxMenuBar* menus)
    : wxDialog(parent, wxID_ANY, _("Keyboard shortcuts"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER)
{
    SetName("shortcuts_dialog");
    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(420, 320)),
                            wxLC_REPORT | wxLC_SINGLE_SEL);
    m_list->AppendColumn(_("Keys"), wxLIST_FORMAT_LEFT, FromDIP(130));
    m_list->AppendColumn(_("Command"), wxLIST_FORMAT_LEFT, FromDIP(260));
    for (size_t i = 0; i < menus->GetMenuCount(); ++i)
        AddMenu(m_list, menus->GetMenu(i));
    // Keys that work inside panes rather than from a menu.
    const std::pair<wxString, wxString> in_panes[] = {
        {"Tab / Shift+Tab", _("Next / previous field")},
        {"Down", _("From a search box into its results")},
        {"Enter", _("Open the top result, or the one selected")},
        {"Alt+N", _("New contact from the caller search (walk-in: new visitor)")},
        {"Escape", _("Clear a search box; close a dialog without saving")},
    };
    for (const auto& [keys, what] : in_panes) {
        const long row = m_list->InsertItem(m_list->GetItemCount(), keys);
        m_list->SetItem(row, 1, what);
    }

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(m_list, 1, wxEXPAND | wxALL, FromDIP(10));
    top->Add(CreateStdDialogButtonSizer(wxCLOSE), 0, wxEXPAND | wxALL, FromDIP(8));
    SetSizerAndFit(top);
    SetEscapeId(wxID_CLOSE);
    SetAffirmativeId(wxID_CLOSE);
    m_list->SetFocus();
}

} // namespace civic::ui
