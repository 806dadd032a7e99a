#include "ui/Panes.h"

#include <wx/font.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
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

KnowledgePane::KnowledgePane(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    SetName("knowledge_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_search = new wxSearchCtrl(this, wxID_ANY);
    m_search->SetName("knowledge_search");
    m_search->SetDescriptiveText(_("Search the knowledge base (Ctrl+K)"));
    sizer->Add(m_search, 0, wxEXPAND | wxALL, FromDIP(6));
    sizer->AddStretchSpacer();
    SetSizer(sizer);
}

void KnowledgePane::FocusPrimary()
{
    m_search->SetFocus();
    m_search->SelectAll();
}

WrapUpPane::WrapUpPane(wxWindow* parent) : wxPanel(parent, wxID_ANY)
{
    SetName("wrapup_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(new wxStaticText(this, wxID_ANY, _("Call notes")), 0, wxALL, FromDIP(6));
    m_notes = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                             wxTE_MULTILINE);
    m_notes->SetName("wrapup_notes");
    sizer->Add(m_notes, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    SetSizer(sizer);
}

void WrapUpPane::FocusPrimary() { m_notes->SetFocus(); }

} // namespace civic::ui
