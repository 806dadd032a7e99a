// The service request part of the wrap-up: the kind of request, chosen from
// the CRM's catalog (cached, so it works offline), its questions built from
// the service definition (text, numbers, dates, one or several choices;
// required ones marked), and the location — the contact's known addresses
// first, or one typed, or "lat, long". Mistakes are shown beside the field
// before anything is submitted.
#pragma once

#include <civic/Result.h>
#include <civic/services/Session.h>
#include <civic/core/Crm.h>

#include <wx/panel.h>

#include "ui/SuggestBox.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

class wxChoice;
class wxFlexGridSizer;
class wxStaticText;
class wxWindow;

namespace civic::ui {

class RequestForm : public wxPanel
{
public:
    RequestForm(wxWindow* parent, services::ConsoleSession& session);

    // Reads the cached catalog again (after a refresh from the CRM).
    void ReloadServices();
    // The contact's addresses, offered first for the location.
    void SetKnownAddresses(const std::vector<std::string>& addresses);

    bool HasRequest() const;
    // The request as filled in; Invalid (and the fields marked) when a
    // required answer or the location is missing or malformed.
    Result<crm::NewRequest> Collect(const std::string& description);
    std::string ServiceName() const;
    void Clear();

    // What is filled in, as typed, for the autosaved draft; Restore puts it
    // back once the catalog and the definition are loaded.
    struct Draft
    {
        std::string service_code;
        std::string location;
        std::map<std::string, std::vector<std::string>> answers;
    };
    Draft Save() const;
    void Restore(const Draft& draft);

    wxChoice* Service() { return m_service; }
    SuggestBox* Location() { return m_location; }
    size_t ServiceCount() const { return m_services.size(); }
    // The control asking attribute `code`, once the definition is shown.
    wxWindow* Field(const std::string& code) const;
    wxStaticText* FieldError(const std::string& code) const;
    bool DefinitionShown() const { return m_shown_code == SelectedCode() && !m_shown_code.empty(); }

private:
    std::string SelectedCode() const;
    void ShowDefinition(const crm::ServiceDefinition& d);
    void OnService();

    struct Question
    {
        crm::Attribute attribute;
        wxWindow* control = nullptr;
        wxStaticText* error = nullptr;
    };

    services::ConsoleSession& m_session;
    wxChoice* m_service = nullptr;
    SuggestBox* m_location = nullptr;
    wxStaticText* m_location_error = nullptr;
    wxPanel* m_questions_panel = nullptr;
    wxFlexGridSizer* m_grid = nullptr;
    std::vector<crm::Service> m_services;
    std::vector<Question> m_questions;
    std::string m_shown_code;
    std::uint64_t m_generation = 0;
    std::optional<Draft> m_pending; // applied when the catalog or definition arrives
    void ApplyPending();
    // What a question's control holds: option keys, or the text.
    static std::vector<std::string> Answers(const Question& q, bool trimmed);
};

} // namespace civic::ui
