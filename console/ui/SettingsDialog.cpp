#include "ui/SettingsDialog.h"

#include "ui/EnterIsOk.h"
#include "ui/I18n.h"

#include <wx/msgdlg.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/panel.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>

namespace civic::ui {
namespace {

const Role kRoles[] = {Role::CallTaker, Role::WalkInStaff, Role::KnowledgeManager,
                       Role::Supervisor};

// The labels the console knows (Open311's), translated; any other keeps the
// plugin's own words ("Folder").
wxString FieldLabel(const sdk::SettingField& f)
{
    if (f.label == "CRM endpoint")
        return _("CRM &endpoint:");
    if (f.label == "Jurisdiction")
        return _("&Jurisdiction id:");
    if (f.label == "API key")
        return _("API &key:");
    if (f.label == "Format")
        return _("&Format:");
    return wxString::FromUTF8(f.label) + ":";
}

} // namespace

SettingsDialog::SettingsDialog(wxWindow* parent, const Paths& paths, const Settings& current,
                               std::vector<sdk::ConnectorInfo> connectors)
    : wxDialog(parent, wxID_ANY, _("Settings"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_connectors(std::move(connectors)),
      m_result(current)
{
    SetName("settings_dialog");
    auto* grid = new wxFlexGridSizer(2, FromDIP(wxSize(10, 8)));
    grid->AddGrowableCol(1);
    auto add_to = [&](wxFlexGridSizer* to, const wxString& label, wxWindow* control) {
        m_grid_labels.push_back(new wxStaticText(this, wxID_ANY, label));
        to->Add(m_grid_labels.back(), 0, wxALIGN_CENTER_VERTICAL);
        to->Add(control, 1, wxEXPAND);
    };
    auto add_row = [&](const wxString& label, wxWindow* control) { add_to(grid, label, control); };

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
    if (current.from_center) {
        // Signed in to the center: it says who the agent is and what they may do.
        m_agent->Disable();
        m_role->Disable();
        const wxString why = _("Given by the center this console is joined to (a supervisor grants roles there).");
        m_agent->SetToolTip(why);
        m_role->SetToolTip(why);
    }

    m_connector = new wxChoice(this, wxID_ANY);
    m_connector->SetName("crm_connector");
    for (size_t i = 0; i < m_connectors.size(); ++i) {
        m_connector->Append(wxString::FromUTF8(m_connectors[i].title));
        if (m_connectors[i].name == current.crm_connector)
            m_connector->SetSelection(static_cast<int>(i));
    }
    if (m_connector->GetSelection() == wxNOT_FOUND && !m_connectors.empty())
        m_connector->SetSelection(0);
    if (m_connectors.empty()) {
        m_connector->Append(_("(none loaded: requests wait in the outbox)"));
        m_connector->SetSelection(0);
        m_connector->Disable();
    }
    add_row(_("CRM &connector:"), m_connector);
    m_connector->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { ShowConnectorFields(); });
    // The chosen connector's own settings, in a grid of their own below.
    m_crm_panel = new wxPanel(this, wxID_ANY);
    m_crm_grid = new wxFlexGridSizer(2, FromDIP(wxSize(10, 8)));
    m_crm_grid->AddGrowableCol(1);
    m_crm_panel->SetSizer(m_crm_grid);

    m_name_caller = new wxCheckBox(this, wxID_ANY,
                                   _("Send the caller's name, e-mail and phone with a request when they agreed to be "
                                     "notified"));
    m_name_caller->SetName("name_caller_to_crm");
    m_name_caller->SetValue(current.name_caller_to_crm);

    // The rows after the CRM's: language and the shared knowledge base.
    auto* rest = new wxFlexGridSizer(2, FromDIP(wxSize(10, 8)));
    rest->AddGrowableCol(1);
    auto add_rest = [&](const wxString& label, wxWindow* control) { add_to(rest, label, control); };
    m_language = new wxChoice(this, wxID_ANY);
    m_language->Append(_("Same as the desktop"));
    m_languages = AvailableLanguages(paths);
    m_language->SetSelection(0);
    for (size_t i = 0; i < m_languages.size(); ++i) {
        m_language->Append(m_languages[i].second);
        if (m_languages[i].first == current.ui_language)
            m_language->SetSelection(static_cast<int>(i + 1));
    }
    add_rest(_("Interface &language:"), m_language);

    m_kb_url = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.kb_source_url));
    m_kb_url->SetName("kb_source_url");
    m_kb_url->SetHint("https://dav.example.gov/knowledge/");
    add_rest(_("&Shared knowledge base:"), m_kb_url);

    m_kb_user = new wxTextCtrl(this, wxID_ANY, wxString::FromUTF8(current.kb_source_user));
    m_kb_user->SetHint(_("if the store asks for one"));
    add_rest(_("Knowledge base &user:"), m_kb_user);

    m_kb_password = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition,
                                   wxDefaultSize, wxTE_PASSWORD);
    m_kb_password->SetHint(_("unchanged"));
    add_rest(_("Knowledge base &password:"), m_kb_password);

    m_error = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_error->SetName("settings_error");
    m_error->SetForegroundColour(*wxRED);

    auto* note = new wxStaticText(this, wxID_ANY,
                                  _("A new interface language takes effect at the next start."));
    note->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
    top->Add(m_crm_panel, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
    top->Add(m_name_caller, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(12));
    top->Add(rest, 1, wxEXPAND | wxALL, FromDIP(12));
    top->Add(note, 0, wxLEFT | wxRIGHT, FromDIP(12));
    top->Add(m_error, 0, wxEXPAND | wxALL, FromDIP(12));
    top->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, FromDIP(8));
    SetSizer(top);
    EnterOnChoiceIsOk(this);
    ShowConnectorFields();
    m_agent->SetFocus();
}

const sdk::ConnectorInfo* SettingsDialog::ChosenConnector() const
{
    const int sel = m_connector->GetSelection();
    return sel >= 0 && static_cast<size_t>(sel) < m_connectors.size() ? &m_connectors[static_cast<size_t>(sel)]
                                                                       : nullptr;
}

void SettingsDialog::ShowConnectorFields()
{
    // What was typed into the old rows carries over to fields of the same key.
    for (const auto& f : m_fields) {
        if (auto* t = dynamic_cast<wxTextCtrl*>(f.control)) {
            if (f.field.kind == sdk::SettingField::Kind::Secret)
                m_typed_secret = t->GetValue().utf8_string();
            else
                m_result.SetCrmSetting(f.field.key, t->GetValue().Strip(wxString::both).utf8_string());
        } else if (auto* c = dynamic_cast<wxChoice*>(f.control); c && c->GetSelection() >= 0) {
            m_result.SetCrmSetting(f.field.key, f.field.choices[static_cast<size_t>(c->GetSelection())]);
        }
    }
    m_fields.clear();
    m_crm_grid->Clear(true);
    if (const auto* info = ChosenConnector()) {
        for (const auto& f : info->settings) {
            wxWindow* control = nullptr;
            if (f.kind == sdk::SettingField::Kind::Choice) {
                auto* c = new wxChoice(m_crm_panel, wxID_ANY);
                const std::string value = m_result.CrmSetting(f.key).empty() ? f.default_value : m_result.CrmSetting(f.key);
                for (size_t i = 0; i < f.choices.size(); ++i) {
                    c->Append(wxString::FromUTF8(f.choices[i]));
                    if (f.choices[i] == value)
                        c->SetSelection(static_cast<int>(i));
                }
                control = c;
            } else {
                const bool secret = f.kind == sdk::SettingField::Kind::Secret;
                auto* t = new wxTextCtrl(m_crm_panel, wxID_ANY,
                                         wxString::FromUTF8(secret ? m_typed_secret : m_result.CrmSetting(f.key)),
                                         wxDefaultPosition, wxDefaultSize, secret ? wxTE_PASSWORD : 0);
                if (secret)
                    t->SetHint(_("unchanged"));
                else if (f.key == "jurisdiction_id")
                    t->SetHint(_("only if the CRM serves several cities"));
                else if (f.kind == sdk::SettingField::Kind::Url)
                    t->SetHint("https://311.example.gov/open311/v2");
                control = t;
            }
            control->SetName(f.key == "api_key" ? wxString("api_key") : "crm_" + wxString::FromUTF8(f.key));
            if (!f.help.empty())
                control->SetToolTip(wxString::FromUTF8(f.help));
            m_crm_grid->Add(new wxStaticText(m_crm_panel, wxID_ANY, FieldLabel(f)), 0, wxALIGN_CENTER_VERTICAL);
            m_crm_grid->Add(control, 1, wxEXPAND);
            m_fields.push_back({f, control});
        }
    }
    // Every label column as wide as the widest, so the three grids line up.
    std::vector<wxStaticText*> labels = m_grid_labels;
    for (auto* item : m_crm_grid->GetChildren())
        if (auto* l = dynamic_cast<wxStaticText*>(item->GetWindow()))
            labels.push_back(l);
    int label_width = 0;
    for (auto* l : labels)
        label_width = std::max(label_width, l->GetBestSize().GetWidth());
    for (auto* l : labels)
        l->SetMinSize(wxSize(label_width, -1));
    m_crm_panel->Layout();
    GetSizer()->SetSizeHints(this);
    SetSize(std::max(GetSize().GetWidth(), FromDIP(560)), GetSize().GetHeight());
    Layout();
}

wxWindow* SettingsDialog::CrmField(const std::string& key) const
{
    for (const auto& f : m_fields)
        if (f.field.key == key)
            return f.control;
    return nullptr;
}

wxTextCtrl* SettingsDialog::Endpoint() const { return dynamic_cast<wxTextCtrl*>(CrmField("endpoint")); }

wxTextCtrl* SettingsDialog::ApiKey() const
{
    for (const auto& f : m_fields)
        if (f.field.kind == sdk::SettingField::Kind::Secret)
            return dynamic_cast<wxTextCtrl*>(f.control);
    return nullptr;
}

bool SettingsDialog::TransferDataFromWindow()
{
    Settings s = m_result;
    if (!s.from_center) {
        s.agent_name = m_agent->GetValue().Strip(wxString::both).utf8_string();
        const int role = m_role->GetSelection();
        if (role >= 0)
            s.role = kRoles[role];
    }
    const sdk::ConnectorInfo* connector = ChosenConnector();
    if (connector)
        s.crm_connector = connector->name;
    std::string secret;
    for (const auto& f : m_fields) {
        if (auto* t = dynamic_cast<wxTextCtrl*>(f.control)) {
            const std::string value = t->GetValue().Strip(wxString::both).utf8_string();
            if (f.field.kind == sdk::SettingField::Kind::Secret)
                secret = t->GetValue().utf8_string();
            else
                s.SetCrmSetting(f.field.key, value);
        } else if (auto* c = dynamic_cast<wxChoice*>(f.control); c && c->GetSelection() >= 0) {
            s.SetCrmSetting(f.field.key, f.field.choices[static_cast<size_t>(c->GetSelection())]);
        }
    }
    const int lang = m_language->GetSelection();
    s.ui_language = lang <= 0 ? std::string() : m_languages[static_cast<size_t>(lang - 1)].first;
    s.kb_source_url = m_kb_url->GetValue().Strip(wxString::both).utf8_string();
    s.kb_source_user = m_kb_user->GetValue().Strip(wxString::both).utf8_string();
    s.name_caller_to_crm = m_name_caller->GetValue();

    if (auto valid = s.Validate(connector); !valid) {
        // The core's message names the field; show it where the agent looks.
        m_error->SetLabel(wxString::FromUTF8(valid.Err().message));
        Layout();
        Fit();
        return false;
    }
    // A key typed for an http:// server elsewhere would cross the network
    // readable by anyone on the way: said before it is kept.
    if ((!secret.empty() && InClearOverNetwork(s.crm_endpoint)) ||
        (!m_kb_password->IsEmpty() && InClearOverNetwork(s.kb_source_url))) {
        wxMessageDialog ask(this,
                            _("This address starts with http://, so the key or password would cross the network "
                              "unencrypted. Use https:// unless the server is on this computer."),
                            _("Send a secret without encryption?"), wxYES_NO | wxNO_DEFAULT | wxICON_WARNING);
        ask.SetYesNoLabels(_("Save anyway"), _("Go back"));
        if (ask.ShowModal() != wxID_YES)
            return false;
    }
    m_error->SetLabel(wxEmptyString);
    m_result = s;
    m_api_key = secret;
    m_api_key_changed = !secret.empty();
    m_kb_password_text = m_kb_password->GetValue().utf8_string();
    m_kb_password_changed = !m_kb_password->IsEmpty();
    return true;
}

} // namespace civic::ui
