#include "ui/SettingsDialog.h"

#include "ui/I18n.h"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace civic::ui {
namespace {

const Role kRoles[] = {Role::CallTaker, Role::WalkInStaff, Role::KnowledgeManager,
                       Role::Supervisor};

} // namespace

SettingsDialog::SettingsDialog(wxWindow* parent, const Paths& paths, const Settings& current)
    : wxDialog(parent, wxID_ANY, _("Settings"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_result(current)
{
    SetName("settings_dialog");
    auto* grid = new wxFlexGridSizer(2, FromDIP(wxSize(10, 8)));
    grid->AddGrowableCol(1);
    auto add_row = [&](const wxString& label, wxWindow* control) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(control, 1, wxEXPAND);
    };

    m_agent = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.agent_name));
    m_agent->SetName("agent_name");
    add_row(_("&Agent name:"), m_agent);

    m_role = new wxChoice(this, wxID_ANY);
    m_role->Append(_("Call-taker"));
    m_role->Append(_("Walk-in staff"));
    m_role->Append(_("Knowledge manager"));
    m_role->Append(_("Supervisor"));
    for (size_t i = 0; i < std::size(kRoles); ++i)
        if (kRoles[i] == current.role)
            m_role->SetSelection(static_cast<int>(i));
    add_row(_("&Role:"), m_role);

    m_endpoint = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.crm_endpoint));
    m_endpoint->SetName("crm_endpoint");
    m_endpoint->SetHint("https://311.example.gov/open311/v2");
    add_row(_("CRM &endpoint (Open311):"), m_endpoint);

    m_jurisdiction = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.jurisdiction_id));
    m_jurisdiction->SetHint(_("only if the CRM serves several cities"));
    add_row(_("&Jurisdiction id:"), m_jurisdiction);

    m_key = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                           wxTE_PASSWORD);
    m_key->SetName("api_key");
    m_key->SetHint(_("unchanged"));
    add_row(_("API &key:"), m_key);

    m_language = new wxChoice(this, wxID_ANY);
    m_language->Append(_("Same as the desktop"));
    m_languages = AvailableLanguages(paths);
    m_language->SetSelection(0);
    for (size_t i = 0; i < m_languages.size(); ++i) {
        m_language->Append(m_languages[i].second);
        if (m_languages[i].first == current.ui_language)
            m_language->SetSelection(static_cast<int>(i + 1));
    }
    add_row(_("Interface &language:"), m_language);

    m_kb_url = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.kb_source_url));
    m_kb_url->SetName("kb_source_url");
    m_kb_url->SetHint("https://dav.example.gov/knowledge/");
    add_row(_("&Shared knowledge base:"), m_kb_url);

    m_kb_user = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.kb_source_user));
    m_kb_user->SetHint(_("if the store asks for one"));
    add_row(_("Knowledge base &user:"), m_kb_user);

    m_kb_password = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition,
                                   wxDefaultSize, wxTE_PASSWORD);
    m_kb_password->SetHint(_("unchanged"));
    add_row(_("Knowledge base &password:"), m_kb_password);

    m_error = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_error->SetName("settings_error");
    m_error->SetForegroundColour(*wxRED);

    auto* note = new wxStaticText(this, wxID_ANY,
                                  _("A new interface language takes effect at the next start."));
    note->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 1, wxEXPAND | wxALL, FromDIP(12));
    top->Add(note, 0, wxLEFT | wxRIGHT, FromDIP(12));
    top->Add(m_error, 0, wxEXPAND | wxALL, FromDIP(12));
    top->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, FromDIP(8));
    SetSizerAndFit(top);
    SetSize(FromDIP(wxSize(560, -1)).GetWidth(), GetSize().GetHeight());
    m_agent->SetFocus();
}

bool SettingsDialog::TransferDataFromWindow()
{
    Settings s = m_result;
    s.agent_name = m_agent->GetValue().Strip(wxString::both).utf8_string();
    const int role = m_role->GetSelection();
    if (role >= 0)
        s.role = kRoles[role];
    s.crm_endpoint = m_endpoint->GetValue().Strip(wxString::both).utf8_string();
    s.jurisdiction_id = m_jurisdiction->GetValue().Strip(wxString::both).utf8_string();
    const int lang = m_language->GetSelection();
    s.ui_language = lang <= 0 ? std::string() : m_languages[static_cast<size_t>(lang - 1)].first;
    s.kb_source_url = m_kb_url->GetValue().Strip(wxString::both).utf8_string();
    s.kb_source_user = m_kb_user->GetValue().Strip(wxString::both).utf8_string();

    if (auto valid = s.Validate(); !valid) {
        // The core's message names the field; show it where the agent looks.
        m_error->SetLabel(wxString::FromUTF8(valid.Err().message));
        Layout();
        Fit();
        return false;
    }
    m_error->SetLabel(wxEmptyString);
    m_result = s;
    m_api_key = m_key->GetValue().utf8_string();
    m_api_key_changed = !m_key->IsEmpty();
    m_kb_password_text = m_kb_password->GetValue().utf8_string();
    m_kb_password_changed = !m_kb_password->IsEmpty();
    return true;
}

} // namespace civic::ui
