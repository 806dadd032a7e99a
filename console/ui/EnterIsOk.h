// Enter on a choice in a dialog means OK, as it does in the dialog's text
// fields. GTK would open the choice's list again instead: an agent who picked
// a value and pressed Enter saw the list come back rather than the dialog
// close.
#pragma once

#include <wx/choice.h>
#include <wx/dialog.h>

namespace civic::ui {

inline void EnterOnChoiceIsOk(wxDialog* dialog)
{
    dialog->Bind(wxEVT_CHAR_HOOK, [dialog](wxKeyEvent& e) {
        const int key = e.GetKeyCode();
        if ((key == WXK_RETURN || key == WXK_NUMPAD_ENTER) && !e.HasAnyModifiers()) {
            if (dynamic_cast<wxChoice*>(wxWindow::FindFocus())) {
                wxCommandEvent ok(wxEVT_BUTTON, dialog->GetAffirmativeId());
                ok.SetEventObject(dialog);
                dialog->ProcessWindowEvent(ok);
                return;
            }
        }
        e.Skip();
    });
}

} // namespace civic::ui
