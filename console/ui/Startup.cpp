#include "ui/Startup.h"

#include <wx/intl.h>

namespace civic::ui {

wxString StartupErrorMessage(const Error& error)
{
    wxString what;
    switch (error.kind) {
    case ErrorKind::Corrupt:
        what = _("CivicDesk cannot start: its local database is damaged.");
        break;
    case ErrorKind::TooNew:
        what = _("CivicDesk cannot start: its local database belongs to a newer version.");
        break;
    case ErrorKind::Busy:
        what = _("CivicDesk cannot start: its local database is locked by another program.");
        break;
    default:
        what = _("CivicDesk cannot start: its local database cannot be opened.");
        break;
    }
    wxString advice;
    if (error.kind == ErrorKind::Corrupt)
        advice = _("The file has not been changed. Run \"civicdesk-cli db check\" for details, "
                   "then restore it from a backup or move it aside to start with an empty "
                   "store.");
    else if (error.kind == ErrorKind::TooNew)
        advice = _("The file has not been changed. Install the newer version of CivicDesk "
                   "again, or start this one with another --data-dir.");
    else
        advice = _("The file has not been changed.");
    return what + "\n\n" + wxString::FromUTF8(error.message) + "\n\n" + advice;
}

} // namespace civic::ui
