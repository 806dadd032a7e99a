#include "ui/Panes.h"
#include "ui/Utf8.h"

#include "ui/Async.h"
#include "ui/CenterFields.h"
#include "ui/RequestForm.h"

#include <wx/button.h>
#include <wx/scrolwin.h>
#include <wx/dialog.h>
#include <wx/datetime.h>
#include <wx/choice.h>
#include <wx/font.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/listbox.h>
#include <wx/textctrl.h>

#include <algorithm>

namespace civic::ui {

namespace {

std::int64_t NowS()
{
    return static_cast<std::int64_t>(wxDateTime::Now().GetTicks());
}

wxString Duration(std::int64_t s)
{
    if (s < 0)
        s = 0;
    return s >= 3600 ? wxString::Format("%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                                        static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60))
                     : wxString::Format("%lld:%02lld", static_cast<long long>(s / 60), static_cast<long long>(s % 60));
}


// The open requests near where a new one would be filed: add the caller to
// one of them, or file anyway.
int AskAboutNearby(wxWindow* parent, const std::vector<sync::Nearby>& nearby)
{
    wxArrayString rows;
    for (const auto& n : nearby) {
        const auto& r = n.state;
        wxString where = U(r.address);
        if (n.distance_m >= 0)
            where = wxString::Format(_("%s, %.0f m away"), where.empty() ? _("a point") : where, n.distance_m);
        const wxString when = r.requested_at ? wxDateTime(static_cast<time_t>(r.requested_at)).Format("%Y-%m-%d")
                                             : wxString();
        const wxString id = r.request_id.empty() ? _("(not yet delivered)") : "#" + U(r.request_id);
        wxString row = wxString::Format(L"%s \u2014 %s \u2014 %s, %s", id, where, U(r.status), when);
        if (!r.description.empty())
            row += L" \u2014 " + U(r.description.substr(0, 80));
        rows.Add(row);
    }
    wxDialog dialog(parent, wxID_ANY, _("Possible duplicate"), wxDefaultPosition, wxDefaultSize,
                    wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER);
    dialog.SetName("nearby_dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* text = new wxStaticText(&dialog, wxID_ANY,
                                  _("Already reported: open requests for the same service near this location. Add "
                                    "the caller to one of them instead of filing a duplicate?"));
    text->Wrap(dialog.FromDIP(560));
    sizer->Add(text, 0, wxALL, dialog.FromDIP(12));
    auto* list = new wxListBox(&dialog, wxID_ANY, wxDefaultPosition, dialog.FromDIP(wxSize(620, 120)), rows);
    list->SetSelection(0);
    sizer->Add(list, 1, wxEXPAND | wxLEFT | wxRIGHT, dialog.FromDIP(12));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* link = new wxButton(&dialog, wxID_OK, _("&Add the caller to this request"));
    auto* file_new = new wxButton(&dialog, wxID_NO, _("&File a new request"));
    buttons->Add(link, 0, wxRIGHT, dialog.FromDIP(6));
    buttons->Add(file_new, 0);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(&dialog, wxID_CANCEL, _("Back to the form")), 0);
    sizer->Add(buttons, 0, wxEXPAND | wxALL, dialog.FromDIP(12));
    dialog.SetSizerAndFit(sizer);
    link->SetDefault();
    list->SetFocus();
    file_new->Bind(wxEVT_BUTTON, [&dialog](wxCommandEvent&) { dialog.EndModal(wxID_NO); });
    list->Bind(wxEVT_LISTBOX_DCLICK, [&dialog](wxCommandEvent&) { dialog.EndModal(wxID_OK); });
    const int answer = dialog.ShowModal();
    if (answer == wxID_OK)
        return std::max(0, list->GetSelection());
    return answer == wxID_NO ? WrapUpPane::kFileNew : WrapUpPane::kCancel;
}

} // namespace

WrapUpPane::WrapUpPane(wxWindow* parent, services::ConsoleSession& session, kb::KnowledgeService& service, sync::CenterForm form,
                       OpenFn open_article)
    : wxPanel(parent, wxID_ANY),
      m_session(session),
      m_service(service),
      m_open(std::move(open_article)),
      m_typing(this),
      m_autosave(this),
      m_ticker(this)
{
    SetName("wrapup_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    // Calls set aside by a pop in the middle of their wrap-up: always in view
    // until resumed, so none is forgotten.
    auto* held_row = new wxBoxSizer(wxHORIZONTAL);
    m_held = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_held->SetName("wrapup_held");
    m_held->SetForegroundColour(wxColour(0x9a, 0x4b, 0x00));
    m_held->SetFont(m_held->GetFont().Bold());
    held_row->Add(m_held, 1, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
    m_resume = new wxButton(this, wxID_ANY, _("Resume (F3)"));
    m_resume->SetName("wrapup_resume");
    m_resume->SetToolTip(_("Take up a call whose wrap-up is not finished"));
    held_row->Add(m_resume, 0);
    sizer->Add(held_row, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(6));
    m_held->Hide();
    m_resume->Hide();
    m_resume->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (m_on_resume)
            m_on_resume();
    });
    m_context = new wxStaticText(this, wxID_ANY, _("No call or visit in progress"));
    m_context->SetName("wrapup_context");
    m_context->SetFont(m_context->GetFont().Bold());
    sizer->Add(m_context, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(6));
    auto* clock_row = new wxBoxSizer(wxHORIZONTAL);
    m_clock = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_clock->SetName("wrapup_clock");
    clock_row->Add(m_clock, 1, wxALIGN_CENTER_VERTICAL);
    m_end_call = new wxButton(this, wxID_ANY, _("&End call (F4)"));
    m_end_call->SetName("wrapup_end_call");
    m_end_call->SetToolTip(_("The conversation is over: talk time stops, after-call work starts"));
    clock_row->Add(m_end_call, 0);
    sizer->Add(clock_row, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Call notes")), 0, wxLEFT | wxRIGHT, FromDIP(6));
    m_notes = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                             wxTE_MULTILINE);
    m_notes->SetName("wrapup_notes");
    sizer->Add(m_notes, 3, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Suggested articles")), 0, wxLEFT | wxRIGHT,
               FromDIP(6));
    m_suggestions = new wxListBox(this, wxID_ANY);
    m_suggestions->SetName("wrapup_suggestions");
    sizer->Add(m_suggestions, 1, wxEXPAND | wxALL, FromDIP(6));
    // The request and the center's questions scroll together when the pane
    // is short; notes and suggestions keep their room.
    m_form_area = new wxScrolledWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxVSCROLL | wxTAB_TRAVERSAL);
    m_form_area->SetName("wrapup_form_area");
    m_form_area->SetScrollRate(0, FromDIP(10));
    auto* form_sizer = new wxBoxSizer(wxVERTICAL);
    m_request = new RequestForm(m_form_area, session);
    form_sizer->Add(m_request, 0, wxEXPAND | wxBOTTOM, FromDIP(6));
    m_fields = new CenterFields(m_form_area, std::move(form));
    form_sizer->Add(m_fields, 0, wxEXPAND | wxRIGHT, FromDIP(4));
    m_form_area->SetSizer(form_sizer);
    // Tab into a field scrolled out of view brings that field into view. The
    // default scrolls to the nested panel holding it, which is taller than
    // the area, so the field itself could stay hidden.
    m_form_area->Bind(wxEVT_CHILD_FOCUS, [this](wxChildFocusEvent&) {
        if (wxWindow* focused = wxWindow::FindFocus())
            ScrollIntoView(focused);
    });
    sizer->Add(m_form_area, 4, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    m_request->Service()->Bind(wxEVT_CHOICE, [this](wxCommandEvent& e) {
        // Filing a request is the outcome; choosing none goes back to the default.
        const auto& f = m_fields->Form();
        if (m_request->Service()->GetSelection() > 0) {
            if (!m_fields->LinksRequest())
                m_fields->SetDisposition(f.RequestDisposition());
        } else if (m_fields->FilesRequest() || m_fields->LinksRequest()) {
            const auto* d = f.Find("disposition");
            m_fields->SetDisposition(d ? d->default_value : std::string());
        }
        Changed();
        e.Skip();
    });
    m_form_error = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_form_error->SetName("wrapup_error");
    m_form_error->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
    m_form_error->Hide();
    sizer->Add(m_form_error, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    m_finish = new wxButton(this, wxID_ANY, _("&Finish (Ctrl+Enter)"));
    m_finish->SetName("wrapup_finish");
    m_finish->Disable();
    sizer->Add(m_finish, 0, wxALIGN_RIGHT | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    SetSizer(sizer);
    m_finish->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Finish(); });
    m_end_call->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndCall(); });
    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        if ((e.GetKeyCode() == WXK_RETURN || e.GetKeyCode() == WXK_NUMPAD_ENTER) && e.ControlDown()) {
            Finish();
            return;
        }
        e.Skip();
    });

    // Suggest once the agent pauses, not on every keystroke.
    m_notes->Bind(wxEVT_TEXT, [this](wxCommandEvent& e) {
        m_typing.StartOnce(600);
        e.Skip();
    });
    // Anything typed or picked anywhere in the form is saved after a pause.
    for (auto type : {wxEVT_TEXT, wxEVT_CHOICE, wxEVT_CHECKBOX, wxEVT_COMBOBOX, wxEVT_CHECKLISTBOX})
        Bind(type, [this](wxCommandEvent& e) {
            if (e.GetEventObject() && e.GetEventObject() == m_fields->Control("language"))
                m_language_touched = true;
            Changed();
            e.Skip();
        });
    // A timer with an owner notifies the owner, not itself.
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { Suggest(); }, m_typing.GetId());
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { SaveDraftNow(); }, m_autosave.GetId());
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { Tick(); }, m_ticker.GetId());
    auto open = [this](wxCommandEvent&) {
        const int sel = m_suggestions->GetSelection();
        if (sel >= 0 && static_cast<size_t>(sel) < m_suggested.size() && m_open)
            m_open(m_suggested[static_cast<size_t>(sel)]);
    };
    m_suggestions->Bind(wxEVT_LISTBOX_DCLICK, open);
    m_suggestions->Bind(wxEVT_LISTBOX, open);
    m_choose_existing = [this](const std::vector<sync::Nearby>& nearby) { return AskAboutNearby(this, nearby); };
    SetCall(std::nullopt);
}

void WrapUpPane::FocusPrimary() { m_notes->SetFocus(); }

wxChoice* WrapUpPane::OnBehalf() { return dynamic_cast<wxChoice*>(m_fields->Control("on_behalf_of")); }
wxChoice* WrapUpPane::Disposition() { return dynamic_cast<wxChoice*>(m_fields->Control("disposition")); }

void WrapUpPane::SetCall(const std::optional<Call>& call)
{
    if (call && m_call && call->contact == m_call->contact && call->started_at == m_call->started_at) {
        // The same call, its contact card loaded: organizations and addresses.
        const bool language_arrived = m_call->language.empty() && !call->language.empty();
        m_call = call;
        m_fields->SetOrganizations(call->organizations);
        m_request->SetKnownAddresses(call->addresses);
        // The card has loaded: the caller's own language is the likely one,
        // unless the agent has already chosen.
        if (language_arrived && !m_language_touched && m_fields->Control("language"))
            m_fields->SetAnswer("language", call->language);
        Layout();
        return;
    }
    // Another call, or none: the form starts clean. While a Finish is being
    // stored its wrap-up travels with it; anything else was held first.
    if (m_call)
        Clear();
    m_form_area->Scroll(0, 0); // the next call starts at the request, not where the last one was left
    m_language_touched = false;
    m_call = call;
    m_ended_at = 0;
    if (!call) {
        m_context->SetLabel(_("No call or visit in progress"));
        m_finish->Disable();
        m_end_call->SetLabel(_("&End call (F4)")); // not the last visit's word
        m_end_call->Disable();
        m_ticker.Stop();
        m_clock->SetLabel(wxString());
        m_fields->SetOrganizations({});
        Layout();
        return;
    }
    const wxString who = call->name.empty() ? _("anonymous visitor") : U(call->name);
    const wxString since = wxDateTime(static_cast<time_t>(call->started_at)).Format("%H:%M");
    m_context->SetLabel(call->channel == contacts::Channel::WalkIn    ? wxString::Format(_("Walk-in visit with %s since %s"), who, since)
                        : call->channel == contacts::Channel::PhoneOut ? wxString::Format(_("Outgoing call with %s since %s"), who, since)
                                                                       : wxString::Format(_("Call with %s since %s"), who, since));
    // A long name wraps rather than cut off the time in a narrow pane.
    m_context->Wrap(std::max(GetClientSize().GetWidth() - FromDIP(12), FromDIP(200)));
    m_fields->SetOrganizations(call->organizations);
    m_request->SetKnownAddresses(call->addresses);
    if (!call->language.empty() && m_fields->Control("language"))
        m_fields->SetAnswer("language", call->language);
    m_finish->Enable();
    m_end_call->SetLabel(call->channel == contacts::Channel::WalkIn ? _("&End visit (F4)") : _("&End call (F4)"));
    m_end_call->Enable();
    m_ticker.Start(1000);
    Tick();
    Layout();
}

void WrapUpPane::EndCall()
{
    if (!m_call || m_ended_at)
        return;
    m_ended_at = NowS();
    m_end_call->Disable();
    Tick();
    Changed();
}

void WrapUpPane::Tick()
{
    if (!m_call)
        return;
    const std::int64_t now = NowS();
    const bool visit = m_call->channel == contacts::Channel::WalkIn;
    if (!m_ended_at)
        m_clock->SetLabel(wxString::Format(visit ? _("Visit %s") : _("Talking %s"), Duration(now - m_call->started_at)));
    else if (visit)
        m_clock->SetLabel(wxString::Format(_("After-visit work %s (visit %s)"), Duration(now - m_ended_at),
                                           Duration(m_ended_at - m_call->started_at)));
    else
        m_clock->SetLabel(wxString::Format(_("After-call work %s (talk %s)"), Duration(now - m_ended_at),
                                           Duration(m_ended_at - m_call->started_at)));
}

void WrapUpPane::Changed()
{
    if (m_call && !m_restoring)
        m_autosave.StartOnce(800);
}

sync::Draft WrapUpPane::MakeDraft() const
{
    sync::Draft d;
    d.contact = m_call->contact;
    d.contact_name = m_call->name;
    d.channel = m_call->channel;
    d.started_at = m_call->started_at;
    d.ended_at = m_ended_at;
    d.notes = m_notes->GetValue().utf8_string();
    d.answers = m_fields->Answers();
    const auto r = m_request->Save();
    d.service_code = r.service_code;
    d.location = r.location;
    d.attributes = r.answers;
    d.saved_at = NowS();
    return d;
}

void WrapUpPane::SaveDraftNow()
{
    m_autosave.Stop();
    if (!m_call)
        return;
    // On the store's thread like every write; the UI goes on at once.
    m_session.WrapUps().SaveDraft(MakeDraft());
}

std::optional<sync::Draft> WrapUpPane::Hold()
{
    if (!m_call || m_submitting)
        return std::nullopt;
    m_autosave.Stop();
    // The next call was taken: this conversation ended then, whatever is
    // left is after-call work.
    if (!m_ended_at)
        m_ended_at = NowS();
    sync::Draft d = MakeDraft();
    d.held = true;
    m_session.WrapUps().SaveDraft(d);
    SetCall(std::nullopt);
    return d;
}

void WrapUpPane::ShowHeld(const std::vector<sync::Draft>& held)
{
    wxString names;
    for (const auto& d : held)
        names += (names.empty() ? wxString() : wxString(", ")) +
                 (d.contact_name.empty() ? _("anonymous visitor") : U(d.contact_name));
    const int n = static_cast<int>(held.size());
    // TRANSLATORS: %d is a count of calls, %s the callers' names
    // Names on a line of their own: the pane is narrow.
    m_held->SetLabel(wxString::Format(wxPLURAL("%d call waiting for wrap-up:\n%s", "%d calls waiting for wrap-up:\n%s", n),
                                      n, names));
    m_held->SetToolTip(m_held->GetLabel());
    m_held->Show(n > 0);
    m_resume->Show(n > 0);
    Layout();
}

void WrapUpPane::Restore(const sync::Draft& draft)
{
    m_restoring = true;
    m_notes->ChangeValue(U(draft.notes));
    m_fields->SetAnswers(draft.answers);
    m_language_touched = true;
    m_request->Restore({draft.service_code, draft.location, draft.attributes});
    m_ended_at = draft.ended_at;
    m_end_call->Enable(m_call && !m_ended_at);
    Tick();
    m_restoring = false;
}

void WrapUpPane::ScrollIntoView(wxWindow* w)
{
    int unit_x = 0, unit_y = 0, x0 = 0, y0 = 0;
    m_form_area->GetScrollPixelsPerUnit(&unit_x, &unit_y);
    if (unit_y <= 0)
        return;
    m_form_area->GetViewStart(&x0, &y0);
    const int top = m_form_area->ScreenToClient(w->GetScreenPosition()).y;
    const int height = w->GetSize().GetHeight();
    const int view = m_form_area->GetClientSize().GetHeight();
    if (top < 0)
        m_form_area->Scroll(-1, std::max(0, y0 + top / unit_y - 1));
    else if (top + height > view)
        m_form_area->Scroll(-1, y0 + (top + height - view + unit_y - 1) / unit_y);
}

void WrapUpPane::FitForm()
{
    m_form_area->FitInside();
    Layout();
}

void WrapUpPane::ShowFormError(const wxString& text)
{
    m_form_error->SetLabel(text);
    m_form_error->Show(!text.empty());
    if (!text.empty())
        m_form_error->Wrap(std::max(GetClientSize().GetWidth() - FromDIP(16), FromDIP(200)));
    Layout();
}

void WrapUpPane::Finish()
{
    if (!m_finish->IsEnabled() || !m_on_finish || !m_call)
        return;
    sync::WrapUp w;
    w.contact = m_call->contact;
    w.channel = m_call->channel;
    w.started_at = m_call->started_at;
    // Without End call the conversation ended when the wrap-up was finished.
    w.ended_at = m_ended_at ? m_ended_at : NowS();
    w.agent = m_session.GetSettings().agent_name;
    w.notes = m_notes->GetValue().utf8_string();
    const bool fields_ok = m_fields->Check();
    auto answers = m_fields->Answers();
    w.disposition = m_fields->Disposition();
    w.on_behalf_of = m_fields->OnBehalfOf();
    for (const auto& [id, value] : answers) {
        if (id == "reason")
            w.reason = value;
        else if (id == "language")
            w.language = value;
        else if (id == "interpreter")
            w.interpreter = value == "true";
        else if (id == "notify")
            w.notify = value == "true";
        else if (id != "disposition" && id != "on_behalf_of")
            w.extra[id] = value;
    }
    const bool files = m_fields->FilesRequest(), links = m_fields->LinksRequest();
    if ((files || links) && !m_request->HasRequest()) {
        ShowFormError(files ? _("This outcome files a request: choose the kind of request above.")
                            : _("Choose the kind of request and its location above to find the one to add the "
                                "caller to."));
        return;
    }
    if (m_request->HasRequest() && !files && !links) {
        ShowFormError(_("A request is chosen above but this outcome files none: set the outcome, or the request "
                        "to \"(no request)\"."));
        return;
    }
    std::optional<crm::NewRequest> request;
    if (m_request->HasRequest()) {
        auto collected = m_request->Collect(w.notes);
        if (!collected) {
            ShowFormError(wxString());
            return; // the fields say what to fix
        }
        request = std::move(collected).Value();
    }
    if (!fields_ok) {
        ShowFormError(wxString());
        return;
    }
    ShowFormError(wxString());
    if (!request) {
        Submit(std::move(w));
        return;
    }
    w.service_name = m_request->ServiceName();
    m_finish->Disable(); // one record per contact, however often it is pressed
    // Before filing: is it already reported near here? Asked of the store
    // (the CRM's recent requests cached at the last status sync).
    // A copy for the query: the arguments below are evaluated in no fixed
    // order, and the second moves the request.
    crm::NewRequest probe = *request;
    m_session.WrapUps().NearbyOpen(std::move(probe), OnWindow(this, [this, w = std::move(w), request = std::move(*request), links](Result<std::vector<sync::Nearby>> nearby) mutable {
            // The call was set aside meanwhile (a pop): its form is held, Finish starts over on resume.
            if (!m_call || m_call->contact != w.contact || m_call->started_at != w.started_at)
                return;
            m_finish->Enable();
            const std::vector<sync::Nearby> found = nearby ? std::move(nearby).Value() : std::vector<sync::Nearby>{};
            if (found.empty()) {
                if (links) {
                    ShowFormError(_("No open request of this kind is known near this location: choose \"Request "
                                    "created\" to file one."));
                    return;
                }
                w.request = std::move(request);
                Submit(std::move(w));
                return;
            }
            const int pick = m_choose_existing(found);
            if (pick == kCancel)
                return;
            if (pick == kFileNew) {
                w.request = std::move(request);
                if (links)
                    w.disposition = m_fields->Form().RequestDisposition();
                Submit(std::move(w));
                return;
            }
            const auto& chosen = found.at(static_cast<size_t>(pick));
            if (!m_fields->Form().LinkDisposition().empty())
                w.disposition = m_fields->Form().LinkDisposition();
            if (chosen.local)
                w.existing_request = chosen.local;
            else
                w.link_remote = chosen.state;
            Submit(std::move(w));
        }));
}

void WrapUpPane::Submit(sync::WrapUp w)
{
    m_finish->Disable();
    m_autosave.Stop();
    m_submitting = true;
    // Should the call be set aside before the store answers, a failure keeps
    // this as a held wrap-up.
    sync::Draft snapshot = MakeDraft();
    snapshot.held = true;
    m_on_finish(std::move(w), [this, snapshot = std::move(snapshot)](bool ok) {
        m_submitting = false;
        const bool same = m_call && m_call->contact == snapshot.contact && m_call->started_at == snapshot.started_at;
        if (!same) {
            if (!ok) {
                m_session.WrapUps().SaveDraft(snapshot);
                if (m_on_held_failure)
                    m_on_held_failure(snapshot);
            }
            return; // the form already belongs to another call
        }
        if (!ok) {
            m_finish->Enable();
            ShowFormError(_("The wrap-up could not be stored (the reason is in the caller pane). It is kept "
                            "here; try Finish again."));
            return;
        }
        Clear();
    });
}

void WrapUpPane::Clear()
{
    m_restoring = true;
    m_notes->Clear();
    m_fields->Reset();
    m_request->Clear();
    m_suggestions->Clear();
    m_suggested.clear();
    ShowFormError(wxString());
    m_restoring = false;
}

void WrapUpPane::AppendToNotes(const wxString& text)
{
    if (!m_notes->IsEmpty() && !m_notes->GetValue().EndsWith("\n"))
        m_notes->AppendText("\n");
    m_notes->AppendText(text + "\n");
}

void WrapUpPane::Suggest()
{
    const std::string text = m_notes->GetValue().utf8_string();
    m_service.Suggest(text, 5,
        OnWindow(this, [this](Result<std::vector<kb::SearchHit>> hits) {
            m_suggestions->Clear();
            m_suggested.clear();
            if (!hits)
                return;
            for (const auto& h : hits.Value()) {
                m_suggestions->Append(wxString::FromUTF8(h.title));
                m_suggested.push_back(h.id);
            }
        }));
}

} // namespace civic::ui
