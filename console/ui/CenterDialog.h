// File > Center...: joining this console to the center store (its address,
// the agent's password, the seat's name) and, once joined, where the link
// stands (what waits to be sent, the last round, how far behind) with a
// round on demand. The work is CenterService's, on its own thread.
#pragma once

#include <civic/services/Session.h>

#include <wx/dialog.h>
#include <wx/timer.h>

class wxButton;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {

class CenterDialog : public wxDialog
{
public:
    CenterDialog(wxWindow* parent, services::ConsoleSession& session);

private:
    void Refresh();
    void Show(const center::Status& s);
    void OnJoin();

    services::ConsoleSession& m_session;
    wxStaticText* m_state = nullptr;
    wxTextCtrl* m_url = nullptr;
    wxTextCtrl* m_password = nullptr;
    wxTextCtrl* m_seat = nullptr;
    wxButton* m_join = nullptr;
    wxButton* m_sync = nullptr;
    wxStaticText* m_error = nullptr;
    wxTimer m_later; // the status again, once a round asked for has run
};

} // namespace civic::ui
