#include "ui/Panes.h"

#include "ui/Async.h"
#include "ui/RequestForm.h"

#include <wx/button.h>
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

WrapUpPane::WrapUpPane(wxWindow* parent, Console& console, kb::KnowledgeService& service, OpenFn open_article)
    : wxPanel(parent, wxID_ANY), m_service(service), m_open(std::move(open_article)), m_typing(this)
{
    SetName("wrapup_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_context = new wxStaticText(this, wxID_ANY, _("No call or visit in progress"));
    m_context->SetName("wrapup_context");
    m_context->SetFont(m_context->GetFont().Bold());
    sizer->Add(m_context, 0, wxALL, FromDIP(6));
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
    m_request = new RequestForm(this, console);
    sizer->Add(m_request, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    m_request->Service()->Bind(wxEVT_CHOICE, [this](wxCommandEvent& e) {
        // Filing a request is the outcome; choosing none goes back to information only.
        m_disposition->SetSelection(m_request->Service()->GetSelection() > 0 ? 1 : 0);
        e.Skip();
    });
    auto* finish_row = new wxBoxSizer(wxHORIZONTAL);
    m_disposition = new wxChoice(this, wxID_ANY);
    m_disposition->SetName("wrapup_disposition");
    // The outcomes a 311 center reports on (ISO 18295 first-contact resolution).
    for (const wxString& d : {_("information only"), _("request created"), _("transferred"), _("duplicate"),
                              _("callback needed")})
        m_disposition->Append(d);
    m_disposition->SetSelection(0);
    m_finish = new wxButton(this, wxID_ANY, _("&Finish (Ctrl+Enter)"));
    m_finish->SetName("wrapup_finish");
    m_finish->Disable();
    auto* behalf_row = new wxBoxSizer(wxHORIZONTAL);
    m_on_behalf_label = new wxStaticText(this, wxID_ANY, _("On &behalf of:"));
    m_on_behalf = new wxChoice(this, wxID_ANY);
    m_on_behalf->SetName("wrapup_on_behalf");
    behalf_row->Add(m_on_behalf_label, 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
    behalf_row->Add(m_on_behalf, 1);
    sizer->Add(behalf_row, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    m_on_behalf_label->Hide();
    m_on_behalf->Hide();
    finish_row->Add(new wxStaticText(this, wxID_ANY, _("Outcome:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
    finish_row->Add(m_disposition, 1, wxRIGHT, FromDIP(6));
    finish_row->Add(m_finish, 0);
    sizer->Add(finish_row, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    SetSizer(sizer);
    m_finish->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Finish(); });
    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        if ((e.GetKeyCode() == WXK_RETURN || e.GetKeyCode() == WXK_NUMPAD_ENTER) && e.ControlDown()) {
            Finish();
            return;
        }
        e.Skip();
    });

    // Suggest once the agent pauses, not on every keystroke.
    m_notes->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { m_typing.StartOnce(600); });
    // A timer with an owner notifies the owner, not itself.
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { Suggest(); }, m_typing.GetId());
    auto open = [this](wxCommandEvent&) {
        const int sel = m_suggestions->GetSelection();
        if (sel >= 0 && static_cast<size_t>(sel) < m_suggested.size() && m_open)
            m_open(m_suggested[static_cast<size_t>(sel)]);
    };
    m_suggestions->Bind(wxEVT_LISTBOX_DCLICK, open);
    m_suggestions->Bind(wxEVT_LISTBOX, open);
}

void WrapUpPane::FocusPrimary() { m_notes->SetFocus(); }

void WrapUpPane::SetContext(const wxString& context, bool can_finish)
{
    m_context->SetLabel(context);
    m_finish->Enable(can_finish);
    Layout();
}

void WrapUpPane::SetKnownAddresses(const std::vector<std::string>& addresses)
{
    m_request->SetKnownAddresses(addresses);
}

void WrapUpPane::SetOnBehalfChoices(const std::vector<std::pair<std::int64_t, std::string>>& organizations)
{
    m_on_behalf->Clear();
    m_on_behalf_ids.clear();
    m_on_behalf->Append(_("(the caller themselves)"));
    for (const auto& [id, name] : organizations) {
        m_on_behalf->Append(wxString::FromUTF8(name));
        m_on_behalf_ids.push_back(id);
    }
    m_on_behalf->SetSelection(0);
    m_on_behalf->Show(!organizations.empty());
    m_on_behalf_label->Show(!organizations.empty());
    Layout();
}

void WrapUpPane::Finish()
{
    if (!m_finish->IsEnabled() || !m_on_finish)
        return;
    m_finish->Disable(); // one record per contact, however often it is pressed
    Outcome outcome;
    outcome.notes = m_notes->GetValue().utf8_string();
    outcome.disposition = m_disposition->GetStringSelection().utf8_string();
    const int pick = m_on_behalf->IsShown() ? m_on_behalf->GetSelection() : -1;
    if (pick > 0 && static_cast<size_t>(pick) <= m_on_behalf_ids.size())
        outcome.on_behalf_of = m_on_behalf_ids[static_cast<size_t>(pick - 1)];
    if (m_request->HasRequest()) {
        auto request = m_request->Collect(outcome.notes);
        if (!request) {
            m_finish->Enable(); // the fields say what to fix
            return;
        }
        outcome.request = std::move(request).Value();
        outcome.service_name = m_request->ServiceName();
    }
    m_on_finish(outcome, [this](bool ok) {
                    if (!ok) {
                        m_finish->Enable();
                        return;
                    }
                    m_notes->Clear();
                    m_disposition->SetSelection(0);
                    m_request->Clear();
                });
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
    RunThenOnWindow(
        m_service.Executor(), this,
        [svc = &m_service, text]() -> Result<std::vector<kb::SearchHit>> {
            auto* kb = svc->Kb();
            if (!kb)
                return *svc->OpenError();
            return kb->Suggest(text, "", 5);
        },
        [this](Result<std::vector<kb::SearchHit>> hits) {
            m_suggestions->Clear();
            m_suggested.clear();
            if (!hits)
                return;
            for (const auto& h : hits.Value()) {
                m_suggestions->Append(wxString::FromUTF8(h.title));
                m_suggested.push_back(h.id);
            }
        });
}

} // namespace civic::ui
