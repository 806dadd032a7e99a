#include "ui/CenterDialog.h"

#include "ui/Async.h"
#include "ui/Utf8.h"

#include <wx/button.h>
#include <wx/datetime.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <wx/settings.h>

#include <unistd.h>

#include <cctype>
#include <cstdio>

namespace civic::ui {

namespace {

wxString When(std::int64_t at)
{
    if (at == 0)
        return _("never");
    return wxDateTime(static_cast<time_t>(at)).Format("%Y-%m-%d %H:%M:%S");
}

// The address as typed with the password the agent gave put in: what Join takes.
std::string WithPassword(const wxString& url, const wxString& password)
{
    std::string u = url.Strip(wxString::both).utf8_string();
    const std::string p = password.utf8_string();
    const auto scheme = u.find("://");
    if (p.empty() || scheme == std::string::npos)
        return u;
    const auto at = u.find('@', scheme + 3);
    const auto end = u.find_first_of("/?", scheme + 3);
    if (at == std::string::npos || (end != std::string::npos && at > end))
        return u; // no user in the URL: libpq's own (~/.pgpass)
    std::string encoded; // percent-encoded, as a URL carries it
    for (unsigned char c : p) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            encoded += static_cast<char>(c);
        } else {
            char buf[4];
            std::snprintf(buf, sizeof buf, "%%%02X", c);
            encoded += buf;
        }
    }
    const std::string user = u.substr(scheme + 3, at - scheme - 3);
    return u.substr(0, scheme + 3) + user.substr(0, user.find(':')) + ":" + encoded + u.substr(at);
}

} // namespace

CenterDialog::CenterDialog(wxWindow* parent, services::ConsoleSession& session)
    : wxDialog(parent, wxID_ANY, _("Center"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_session(session)
{
    SetName("center_dialog");
    auto* top = new wxBoxSizer(wxVERTICAL);
    m_state = new wxStaticText(this, wxID_ANY, _("Asking the store..."));
    m_state->SetName("center_state");
    top->Add(m_state, 0, wxEXPAND | wxALL, FromDIP(12));

    auto* grid = new wxFlexGridSizer(2, FromDIP(wxSize(10, 8)));
    grid->AddGrowableCol(1);
    auto add = [&](const wxString& label, wxWindow* control) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(control, 1, wxEXPAND);
    };
    m_url = new wxTextCtrl(this, wxID_ANY);
    m_url->SetName("center_url");
    m_url->SetHint("postgresql://agent@center.city.gov/civic");
    m_url->SetMinSize(FromDIP(wxSize(420, -1)));
    add(_("Center &address:"), m_url);
    m_password = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, wxTE_PASSWORD);
    m_password->SetName("center_password");
    m_password->SetHint(_("your center password"));
    add(_("&Password:"), m_password);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    m_seat = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(host));
    m_seat->SetName("center_seat");
    add(_("This &seat's name:"), m_seat);
    top->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));

    m_error = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_error->SetName("center_error");
    m_error->SetForegroundColour(*wxRED);
    top->Add(m_error, 0, wxEXPAND | wxALL, FromDIP(12));

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    m_join = new wxButton(this, wxID_ANY, _("&Join"));
    m_sync = new wxButton(this, wxID_ANY, _("S&ync now"));
    buttons->Add(m_join, 0, wxRIGHT, FromDIP(8));
    buttons->Add(m_sync, 0, wxRIGHT, FromDIP(8));
    buttons->AddStretchSpacer();
    // Not wxID_CLOSE: GTK would show its own stock label, translated only
    // where the system's locale is installed, instead of ours.
    auto* close = new wxButton(this, wxID_ANY, _("&Close"));
    close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); });
    buttons->Add(close);
    top->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(12));
    SetSizerAndFit(top);
    SetEscapeId(close->GetId()); // Escape: the Close button

    m_join->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { OnJoin(); });
    m_sync->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        m_session.Center().SyncNow();
        m_later.StartOnce(1000);
    });
    m_later.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { Refresh(); }, m_later.GetId());
    m_sync->Hide();
    Refresh();
    m_url->SetFocus();
}

void CenterDialog::Refresh()
{
    m_session.Center().GetStatus(OnWindow(this, [this](Result<center::Status> s) {
        if (!s) {
            m_state->SetLabel(U(s.Err().message));
            return;
        }
        Show(s.Value());
    }));
}

void CenterDialog::Show(const center::Status& s)
{
    const bool joined = s.joined;
    for (wxWindow* w : {static_cast<wxWindow*>(m_url), static_cast<wxWindow*>(m_password),
                        static_cast<wxWindow*>(m_seat), static_cast<wxWindow*>(m_join)})
        w->Enable(!joined);
    m_sync->Show(joined);
    if (!joined) {
        m_state->SetLabel(_("This console is not joined to a center: its history is its own. Joined, every seat of "
                            "the center sees the calls the others record, and this one keeps working when the center "
                            "cannot be reached."));
    } else {
        m_url->ChangeValue(U(s.url));
        wxString text = wxString::Format(_("Joined to %s as seat %s."), U(s.url), U(s.seat)) + "\n" +
                        wxString::Format(wxPLURAL("%lld change recorded here waits to be sent.",
                                                  "%lld changes recorded here wait to be sent.", s.queued),
                                         static_cast<long long>(s.queued)) +
                        "\n" + wxString::Format(_("Last round: %s"), When(s.last_round_at));
        if (!s.last_error.empty())
            text += "\n" + wxString::Format(_("It failed: %s"), U(s.last_error));
        if (s.behind >= 0)
            text += "\n" + wxString::Format(wxPLURAL("%lld change of other seats not applied here yet.",
                                                     "%lld changes of other seats not applied here yet.", s.behind),
                                            static_cast<long long>(s.behind));
        m_state->SetLabel(text);
    }
    m_state->Wrap(FromDIP(520));
    Layout();
    Fit();
}

void CenterDialog::OnJoin()
{
    if (m_url->GetValue().Strip(wxString::both).IsEmpty()) {
        m_error->SetLabel(_("Give the center's address, as the center's administrator wrote it down."));
        m_url->SetFocus();
        return;
    }
    m_error->SetLabel(wxString());
    m_join->Disable();
    m_state->SetLabel(_("Joining..."));
    m_session.Center().Join(WithPassword(m_url->GetValue(), m_password->GetValue()),
                            m_seat->GetValue().Strip(wxString::both).utf8_string(),
                            OnWindow(this, [this](Result<center::JoinReport> r) {
                                if (!r) {
                                    m_join->Enable();
                                    m_error->SetLabel(U(r.Err().message));
                                    m_error->Wrap(FromDIP(520));
                                    Refresh();
                                    return;
                                }
                                m_password->Clear();
                                m_error->SetLabel(wxString::Format(
                                    wxPLURAL("Joined. %lld record of this console goes to the center now.",
                                             "Joined. %lld records of this console go to the center now.",
                                             r->uploaded),
                                    static_cast<long long>(r->uploaded)));
                                m_error->SetForegroundColour(
                                    wxSystemSettings::GetColour(wxSYS_COLOUR_WINDOWTEXT));
                                Refresh();
                            }));
}

} // namespace civic::ui
