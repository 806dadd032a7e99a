// Settings: agent name, role, CRM endpoint, jurisdiction, API key, UI language,
// the shared knowledge base.
// Checks what was typed before closing and says what is wrong beside the form.
#pragma once

#include <civic/core/Paths.h>
#include <civic/core/Settings.h>

#include <wx/dialog.h>

#include <string>
#include <utility>
#include <vector>

class wxChoice;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {

class SettingsDialog : public wxDialog
{
public:
    SettingsDialog(wxWindow* parent, const Paths& paths, const Settings& current);

    Settings GetSettings() const { return m_result; }
    bool ApiKeyChanged() const { return m_api_key_changed; }
    std::string GetApiKey() const { return m_api_key; }
    bool KbPasswordChanged() const { return m_kb_password_changed; }
    std::string GetKbPassword() const { return m_kb_password_text; }

    // Validates and, when valid, stores the result (the OK button calls this).
    bool TransferDataFromWindow() override;

    wxTextCtrl* AgentName() { return m_agent; }
    wxTextCtrl* Endpoint() { return m_endpoint; }
    wxTextCtrl* ApiKey() { return m_key; }
    wxTextCtrl* KbUrl() { return m_kb_url; }
    wxStaticText* ErrorLabel() { return m_error; }

private:
    wxTextCtrl* m_agent;
    wxChoice* m_role;
    wxTextCtrl* m_endpoint;
    wxTextCtrl* m_jurisdiction;
    wxTextCtrl* m_key;
    wxTextCtrl* m_kb_url;
    wxTextCtrl* m_kb_user;
    wxTextCtrl* m_kb_password;
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
