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
    case ErrorKind::Denied:
        what = _("CivicDesk cannot start: this user may not write in its data folder.");
        break;
    case ErrorKind::Io:
        what = _("CivicDesk cannot start: the system refused to read or write its local database.");
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
    else if (error.kind == ErrorKind::Denied)
        advice = _("The file has not been changed. Ask for write access to the folder, or start "
                   "CivicDesk with another --data-dir.");
    else if (error.kind == ErrorKind::Io)
        advice = _("The file has not been changed. If the disk is full, free some space and start "
                   "CivicDesk again.");
    else
        advice = _("The file has not been changed.");
    return what + "\n\n" + wxString::FromUTF8(error.message) + "\n\n" + advice;
}

} // namespace civic::ui
