#include "ui/OutboxDialog.h"
#include "ui/Utf8.h"

#include "ui/Async.h"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/datetime.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/textdlg.h>

namespace civic::ui {

namespace {


wxString When(std::int64_t t)
{
    if (!t)
        return wxString();
    const wxDateTime d(static_cast<time_t>(t));
    return d.IsSameDate(wxDateTime::Now()) ? d.Format("%H:%M:%S") : d.Format("%Y-%m-%d %H:%M");
}

wxString StateLabel(sync::State s)
{
    switch (s) {
    case sync::State::Pending: return _("pending");
    case sync::State::Sending: return _("sending");
    case sync::State::Delivered: return _("delivered");
    case sync::State::Attention: return _("needs attention");
    case sync::State::Discarded: return _("discarded");
    }
    return wxString();
}

// The filter's choices, in order.
std::vector<sync::State> FilterStates(int index)
{
    switch (index) {
    case 0: return {sync::State::Pending, sync::State::Sending, sync::State::Attention};
    case 1: return {sync::State::Attention};
    case 2: return {sync::State::Delivered};
    case 3: return {sync::State::Discarded};
    default: return {};
    }
}

wxString Location(const crm::NewRequest& r)
{
    if (!r.address.empty())
        return U(r.address);
    if (r.lat && r.lon)
        return wxString::Format("%.5f, %.5f", *r.lat, *r.lon);
    return wxString();
}

// Correcting what the CRM refused: most refusals are about the location or
// the description. The request's other answers stay as they were.
class EditDialog : public wxDialog
{
public:
    EditDialog(wxWindow* parent, const sync::Entry& e) : wxDialog(parent, wxID_ANY, _("Correct the request"))
    {
        auto* sizer = new wxBoxSizer(wxVERTICAL);
        if (!e.last_error.empty()) {
            auto* said = new wxStaticText(this, wxID_ANY, wxString::Format(_("The CRM said: %s"), U(e.last_error)));
            said->Wrap(FromDIP(460));
            sizer->Add(said, 0, wxALL, FromDIP(10));
        }
        auto* grid = new wxFlexGridSizer(2, FromDIP(6), FromDIP(8));
        grid->AddGrowableCol(1);
        grid->Add(new wxStaticText(this, wxID_ANY, _("&Location:")), 0, wxALIGN_CENTER_VERTICAL);
        m_location = new wxTextCtrl(this, wxID_ANY, Location(e.payload));
        m_location->SetHint(_("address, or lat, long"));
        grid->Add(m_location, 1, wxEXPAND);
        grid->Add(new wxStaticText(this, wxID_ANY, _("&Description:")), 0, wxALIGN_TOP);
        // The reference line the CRM is searched by stays; the agent edits the rest.
        std::string text = e.payload.description;
        const auto ref = text.rfind("Ref: CD-");
        if (ref != std::string::npos && (ref == 0 || text[ref - 1] == '\n'))
            text.erase(ref);
        while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
            text.pop_back();
        m_description = new wxTextCtrl(this, wxID_ANY, U(text), wxDefaultPosition, FromDIP(wxSize(420, 120)),
                                       wxTE_MULTILINE);
        grid->Add(m_description, 1, wxEXPAND);
        sizer->Add(grid, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
        sizer->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, FromDIP(10));
        SetSizerAndFit(sizer);
        m_location->SetFocus();
    }
    std::string LocationText() const { return m_location->GetValue().Strip(wxString::both).utf8_string(); }
    std::string Description() const { return m_description->GetValue().utf8_string(); }

private:
    wxTextCtrl* m_location;
    wxTextCtrl* m_description;
};

} // namespace

OutboxDialog::OutboxDialog(wxWindow* parent, services::ConsoleSession& session, std::function<void()> changed)
    : wxDialog(parent, wxID_ANY, _("Outbox"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_session(session),
      m_changed(std::move(changed))
{
    SetName("outbox_dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* top = new wxBoxSizer(wxHORIZONTAL);
    top->Add(new wxStaticText(this, wxID_ANY, _("&Show:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
    m_filter = new wxChoice(this, wxID_ANY);
    for (const wxString& f : {_("Waiting (pending, sending, needs attention)"), _("Needs attention"), _("Delivered"),
                              _("Discarded"), _("All")})
        m_filter->Append(f);
    m_filter->SetSelection(0);
    top->Add(m_filter, 0);
    m_message = new wxStaticText(this, wxID_ANY, wxEmptyString);
    top->Add(m_message, 1, wxALIGN_CENTER_VERTICAL | wxLEFT, FromDIP(12));
    sizer->Add(top, 0, wxEXPAND | wxALL, FromDIP(10));

    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(820, 260)),
                            wxLC_REPORT | wxLC_SINGLE_SEL);
    m_list->SetName("outbox_list");
    m_list->AppendColumn(_("Filed"), wxLIST_FORMAT_LEFT, FromDIP(110));
    m_list->AppendColumn(_("State"), wxLIST_FORMAT_LEFT, FromDIP(110));
    m_list->AppendColumn(_("Request"), wxLIST_FORMAT_LEFT, FromDIP(150));
    m_list->AppendColumn(_("Caller"), wxLIST_FORMAT_LEFT, FromDIP(130));
    m_list->AppendColumn(_("Location"), wxLIST_FORMAT_LEFT, FromDIP(170));
    m_list->AppendColumn(_("Tries"), wxLIST_FORMAT_RIGHT, FromDIP(50));
    m_list->AppendColumn(_("CRM id / next try"), wxLIST_FORMAT_LEFT, FromDIP(110));
    sizer->Add(m_list, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    m_detail = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(-1, 90)),
                              wxTE_MULTILINE | wxTE_READONLY);
    m_detail->SetName("outbox_detail");
    sizer->Add(m_detail, 0, wxEXPAND | wxALL, FromDIP(10));

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    m_retry = new wxButton(this, wxID_ANY, _("Send &now"));
    m_edit = new wxButton(this, wxID_ANY, _("&Correct..."));
    m_discard = new wxButton(this, wxID_ANY, _("&Discard..."));
    buttons->Add(m_retry, 0, wxRIGHT, FromDIP(6));
    buttons->Add(m_edit, 0, wxRIGHT, FromDIP(6));
    buttons->Add(m_discard, 0);
    buttons->AddStretchSpacer();
    // Not wxID_CLOSE: GTK would show its own stock label, translated only
    // where the system's locale is installed, instead of ours.
    auto* close = new wxButton(this, wxID_ANY, _("&Close"));
    close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(wxID_CLOSE); });
    buttons->Add(close, 0);
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(10));
    SetSizerAndFit(sizer);
    SetEscapeId(close->GetId()); // Escape: the Close button

    m_filter->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { Reload(); });
    m_list->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { ShowSelected(); });
    m_list->Bind(wxEVT_LIST_ITEM_DESELECTED, [this](wxListEvent&) { ShowSelected(); });
    m_retry->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { RetrySelected(); });
    m_edit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { AskEdit(); });
    m_discard->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { AskDiscard(); });
    ShowSelected();
    Reload();
    m_list->SetFocus();
}

void OutboxDialog::Reload()
{
    const auto states = FilterStates(m_filter->GetSelection());
    m_session.Outbox().List(states, OnWindow(this, [this](Result<std::vector<sync::Entry>> r) {
            if (!r) {
                m_message->SetLabel(U(r.Err().message));
                return;
            }
            // Newest first: the one just filed is what an agent looks for.
            m_entries.assign(r->rbegin(), r->rend());
            const long keep = m_list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
            m_list->DeleteAllItems();
            for (size_t i = 0; i < m_entries.size(); ++i) {
                const auto& e = m_entries[i];
                const long row = m_list->InsertItem(static_cast<long>(i), When(e.created_at));
                m_list->SetItem(row, 1, StateLabel(e.state) + (e.uncertain ? _(" (checking)") : wxString()));
                m_list->SetItem(row, 2, U(e.service_name.empty() ? e.payload.service_code : e.service_name));
                m_list->SetItem(row, 3, U(e.contact_name));
                m_list->SetItem(row, 4, Location(e.payload));
                m_list->SetItem(row, 5, wxString::Format("%d", e.attempts));
                m_list->SetItem(row, 6, !e.remote_id.empty()                  ? "#" + U(e.remote_id)
                                        : e.state == sync::State::Pending ? When(e.next_attempt_at)
                                                                          : wxString());
                if (e.state == sync::State::Attention)
                    m_list->SetItemTextColour(row, wxColour(0xb0, 0x00, 0x20));
            }
            m_message->SetLabel(m_entries.empty() ? _("Nothing here.")
                                                  : wxString::Format(wxPLURAL("%zu entry", "%zu entries",
                                                                              m_entries.size()),
                                                                     m_entries.size()));
            if (keep >= 0 && keep < m_list->GetItemCount())
                Select(static_cast<size_t>(keep));
            else if (!m_entries.empty())
                Select(0);
            ShowSelected();
        }));
}

void OutboxDialog::Select(size_t row)
{
    if (row < m_entries.size()) {
        m_list->SetItemState(static_cast<long>(row), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                             wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        m_list->EnsureVisible(static_cast<long>(row));
    }
    ShowSelected();
}

const sync::Entry* OutboxDialog::Selected() const
{
    const long row = m_list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    return row >= 0 && static_cast<size_t>(row) < m_entries.size() ? &m_entries[static_cast<size_t>(row)] : nullptr;
}

void OutboxDialog::ShowSelected()
{
    const auto* e = Selected();
    const bool waiting = e && (e->state == sync::State::Pending || e->state == sync::State::Attention);
    m_retry->Enable(waiting);
    m_edit->Enable(waiting);
    m_discard->Enable(waiting);
    if (!e) {
        m_detail->ChangeValue(wxString());
        return;
    }
    wxString text = wxString::Format(_("%s for %s, %s\n"), U(e->service_name.empty() ? e->payload.service_code
                                                                                      : e->service_name),
                                     U(e->contact_name), StateLabel(e->state));
    if (!e->last_error.empty())
        text += (e->state == sync::State::Attention ? _("The CRM refused it: ") : _("Last try: ")) + U(e->last_error) +
                "\n";
    if (e->uncertain)
        text += _("The last try got no answer: the CRM is checked for it before sending again.\n");
    text += U(e->payload.description);
    m_detail->ChangeValue(text);
}

void OutboxDialog::Done(Result<void> r)
{
    if (!r) {
        m_message->SetLabel(U(r.Err().message));
        wxMessageBox(U(r.Err().message), _("Outbox"), wxOK | wxICON_WARNING, this);
    } else if (m_changed) {
        m_changed();
    }
    Reload();
}

void OutboxDialog::RetrySelected()
{
    const auto* e = Selected();
    if (!e)
        return;
    m_session.Outbox().Retry(e->id, OnWindow(this, [this](Result<void> r) { Done(std::move(r)); }));
}

void OutboxDialog::EditSelected(const std::string& location, const std::string& description)
{
    const auto* e = Selected();
    if (!e)
        return;
    crm::NewRequest corrected = e->payload;
    corrected.description = description;
    double lat = 0, lon = 0;
    char extra = 0;
    if (std::sscanf(location.c_str(), "%lf , %lf %c", &lat, &lon, &extra) == 2) {
        corrected.lat = lat;
        corrected.lon = lon;
        corrected.address.clear();
    } else {
        corrected.address = location;
        corrected.lat.reset();
        corrected.lon.reset();
    }
    m_session.Outbox().Edit(e->id, corrected, OnWindow(this, [this](Result<void> r) { Done(std::move(r)); }));
}

void OutboxDialog::AskEdit()
{
    const auto* e = Selected();
    if (!e)
        return;
    EditDialog dialog(this, *e);
    while (dialog.ShowModal() == wxID_OK) {
        if (dialog.LocationText().empty()) {
            wxMessageBox(_("A request needs a location: an address, or lat, long."), _("Correct the request"),
                         wxOK | wxICON_INFORMATION, &dialog);
            continue;
        }
        EditSelected(dialog.LocationText(), dialog.Description());
        return;
    }
}

void OutboxDialog::DiscardSelected(const std::string& reason)
{
    const auto* e = Selected();
    if (!e)
        return;
    m_session.Outbox().Discard(e->id, reason, OnWindow(this, [this](Result<void> r) { Done(std::move(r)); }));
}

void OutboxDialog::AskDiscard()
{
    const auto* e = Selected();
    if (!e)
        return;
    wxTextEntryDialog ask(this,
                          wxString::Format(_("Discard the %s request for %s? It will never reach the CRM. The "
                                             "discard is recorded with your name and this reason:"),
                                           U(e->service_name), U(e->contact_name)),
                          _("Discard request"));
    while (ask.ShowModal() == wxID_OK) {
        const std::string reason = ask.GetValue().Strip(wxString::both).utf8_string();
        if (reason.empty()) {
            wxMessageBox(_("Say why it is discarded: the reason goes in the audit log."), _("Discard request"),
                         wxOK | wxICON_INFORMATION, &ask);
            continue;
        }
        DiscardSelected(reason);
        return;
    }
}

} // namespace civic::ui
