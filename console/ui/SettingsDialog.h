// Settings: agent name, role, the CRM connector and the settings it describes
// (the form is built from its sdk::ConnectorInfo), UI language, the shared
// knowledge base.
// Checks what was typed before closing and says what is wrong beside the form.
#pragma once

#include <civic/core/Paths.h>
#include <civic/core/Settings.h>
#include <civic/sdk/Plugin.h>

#include <wx/dialog.h>

#include <string>
#include <utility>
#include <vector>

class wxCheckBox;
class wxChoice;
class wxFlexGridSizer;
class wxPanel;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {

class SettingsDialog : public wxDialog
{
public:
    // connectors: what the loaded plugins offer (services::ConnectorInfos()).
    SettingsDialog(wxWindow* parent, const Paths& paths, const Settings& current,
                   std::vector<sdk::ConnectorInfo> connectors);

    Settings GetSettings() const { return m_result; }
    bool ApiKeyChanged() const { return m_api_key_changed; }
    std::string GetApiKey() const { return m_api_key; }
    bool KbPasswordChanged() const { return m_kb_password_changed; }
    std::string GetKbPassword() const { return m_kb_password_text; }

    // Validates and, when valid, stores the result (the OK button calls this).
    bool TransferDataFromWindow() override;

    wxTextCtrl* AgentName() { return m_agent; }
    // The chosen connector's fields by key (nullptr when it has none such).
    wxWindow* CrmField(const std::string& key) const;
    wxTextCtrl* Endpoint() const;
    wxTextCtrl* ApiKey() const;
    wxChoice* Connector() { return m_connector; }
    wxTextCtrl* KbUrl() { return m_kb_url; }
    wxStaticText* ErrorLabel() { return m_error; }

private:
    // Rebuilds the CRM rows for the chosen connector, keeping what was typed.
    void ShowConnectorFields();
    const sdk::ConnectorInfo* ChosenConnector() const;

    struct Field
    {
        sdk::SettingField field;
        wxWindow* control;
    };
    wxTextCtrl* m_agent;
    wxChoice* m_role;
    wxChoice* m_connector;
    wxPanel* m_crm_panel;
    wxFlexGridSizer* m_crm_grid;
    std::vector<sdk::ConnectorInfo> m_connectors;
    std::vector<Field> m_fields;
    std::string m_typed_secret; // kept across a change of connector
    std::vector<wxStaticText*> m_grid_labels; // the rows above and below the CRM's
    wxTextCtrl* m_kb_url;
    wxTextCtrl* m_kb_user;
    wxTextCtrl* m_kb_password;
    wxCheckBox* m_name_caller;
    wxChoice* m_language;
    wxStaticText* m_error;
    std::vector<std::pair<std::string, wxString>> m_languages;
    Settings m_result;
    std::string m_api_key;
    bool m_api_key_changed = false;
    std::string m_kb_password_text;
    bool m_kb_password_changed = false;
};

} // namespace civic::ui
