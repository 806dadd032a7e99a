#include "ui/Panes.h"

#include "ui/Async.h"

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

wxStaticText* Heading(wxWindow* parent, const wxString& text)
{
    auto* label = new wxStaticText(parent, wxID_ANY, text);
    label->SetFont(label->GetFont().Bold().Larger());
    return label;
}

} // namespace

CallerPane::CallerPane(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    SetName("caller_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_find = new wxSearchCtrl(this, wxID_ANY);
    m_find->SetName("caller_find");
    // TRANSLATORS: placeholder of the caller search box
    m_find->SetDescriptiveText(_("Phone, e-mail, name, address or request id"));
    sizer->Add(m_find, 0, wxEXPAND | wxALL, FromDIP(6));
    m_caller = Heading(this, _("No caller on the line"));
    m_caller->SetName("caller_heading");
    sizer->Add(m_caller, 0, wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(8));
    auto* hint = new wxStaticText(
        this, wxID_ANY,
        _("An incoming call shows the caller and every past contact here."));
    hint->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
    sizer->Add(hint, 0, wxLEFT | wxRIGHT, FromDIP(8));
    // Static text does not wrap by itself: re-wrap to the pane's width.
    Bind(wxEVT_SIZE, [this, hint](wxSizeEvent& event) {
        hint->SetLabel(_("An incoming call shows the caller and every past contact here."));
        hint->Wrap(std::max(event.GetSize().GetWidth() - FromDIP(16), FromDIP(100)));
        event.Skip();
    });
    sizer->AddStretchSpacer();
    SetSizer(sizer);
}

void CallerPane::FocusPrimary() { m_find->SetFocus(); }

void CallerPane::ShowIncoming(const wxString& identifier)
{
    wxString shown;
    if (!identifier.StartsWith("tel:", &shown) && !identifier.StartsWith("mailto:", &shown))
        shown = identifier;
    // TRANSLATORS: %s is a phone number or e-mail address
    m_caller->SetLabel(wxString::Format(_("Incoming: %s"), shown));
    m_find->ChangeValue(shown);
    Layout();
}

wxString CallerPane::CurrentCaller() const { return m_find->GetValue(); }

WrapUpPane::WrapUpPane(wxWindow* parent, kb::KnowledgeService& service, OpenFn open_article)
    : wxPanel(parent, wxID_ANY), m_service(service), m_open(std::move(open_article)), m_typing(this)
{
    SetName("wrapup_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Call notes")), 0, wxALL, FromDIP(6));
    m_notes = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                             wxTE_MULTILINE);
    m_notes->SetName("wrapup_notes");
    sizer->Add(m_notes, 3, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Suggested articles")), 0, wxLEFT | wxRIGHT,
               FromDIP(6));
    m_suggestions = new wxListBox(this, wxID_ANY);
    m_suggestions->SetName("wrapup_suggestions");
    sizer->Add(m_suggestions, 1, wxEXPAND | wxALL, FromDIP(6));
    SetSizer(sizer);

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
