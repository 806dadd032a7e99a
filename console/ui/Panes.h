// The three working areas a call-taker needs at once. Each is a plain panel the
// main frame docks with wxAUI; each names the control that takes the keyboard
// when the agent jumps to it (Ctrl+1, Ctrl+2, Ctrl+3).
#pragma once

#include <civic/core/Console.h>
#include <civic/core/Crm.h>
#include <civic/kb/KnowledgeService.h>

#include <wx/panel.h>
#include <wx/timer.h>

#include <functional>
#include <optional>
#include <vector>

class wxSearchCtrl;
class wxStaticText;
class wxTextCtrl;
class wxListBox;
class wxButton;
class wxChoice;

namespace civic::ui {

class RequestForm;

// Call notes, with articles suggested from what is being typed.
class WrapUpPane : public wxPanel
{
public:
    using OpenFn = std::function<void(std::int64_t article)>;
    WrapUpPane(wxWindow* parent, Console& console, kb::KnowledgeService& service, OpenFn open_article);
    void FocusPrimary();
    void AppendToNotes(const wxString& text);
    // What the wrap-up is for ("Call with Maria Lopez since 10:41"), and
    // whether Finish can record it.
    void SetContext(const wxString& context, bool can_finish);
    // Finish (Ctrl+Enter) hands the notes and outcome over; done(ok) clears
    // the form once they are stored.
    struct Outcome
    {
        std::string notes;
        std::string disposition;
        std::optional<std::int64_t> on_behalf_of;
        std::optional<crm::NewRequest> request; // a service request to file
        std::string service_name;
    };
    using FinishFn = std::function<void(const Outcome& outcome, std::function<void(bool)> done)>;
    // The contact's addresses, offered first as the request's location.
    void SetKnownAddresses(const std::vector<std::string>& addresses);
    RequestForm* Request() { return m_request; }
    // The organizations the contact reports for; empty hides the choice.
    void SetOnBehalfChoices(const std::vector<std::pair<std::int64_t, std::string>>& organizations);
    wxChoice* OnBehalf() { return m_on_behalf; }
    void OnFinish(FinishFn fn) { m_on_finish = std::move(fn); }
    void Finish();
    wxButton* FinishButton() { return m_finish; }
    wxChoice* Disposition() { return m_disposition; }
    wxStaticText* Context() { return m_context; }
    wxTextCtrl* Notes() { return m_notes; }
    wxListBox* Suggestions() { return m_suggestions; }

private:
    void Suggest();

    kb::KnowledgeService& m_service;
    OpenFn m_open;
    wxTextCtrl* m_notes;
    wxListBox* m_suggestions;
    wxStaticText* m_context = nullptr;
    wxChoice* m_disposition = nullptr;
    RequestForm* m_request = nullptr;
    wxChoice* m_on_behalf = nullptr;
    wxStaticText* m_on_behalf_label = nullptr;
    std::vector<std::int64_t> m_on_behalf_ids;
    wxButton* m_finish = nullptr;
    FinishFn m_on_finish;
    wxTimer m_typing;
    std::vector<std::int64_t> m_suggested;
};

} // namespace civic::ui
