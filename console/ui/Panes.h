// The three working areas a call-taker needs at once. Each is a plain panel the
// main frame docks with wxAUI; each names the control that takes the keyboard
// when the agent jumps to it (Ctrl+1, Ctrl+2, Ctrl+3).
#pragma once

#include <civic/services/Session.h>
#include <civic/core/Crm.h>
#include <civic/kb/KnowledgeService.h>
#include <civic/sync/CenterForm.h>
#include <civic/sync/Outbox.h>

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
class wxScrolledWindow;

namespace civic::ui {

class RequestForm;
class CenterFields;

// The wrap-up: call notes with articles suggested from what is being typed,
// the request to file (from the CRM's catalog), the center's own questions,
// and the time since the call ended. Saved as it is typed, so a crash
// restores it; Finish (Ctrl+Enter) stores it.
class WrapUpPane : public wxPanel
{
public:
    using OpenFn = std::function<void(std::int64_t article)>;
    WrapUpPane(wxWindow* parent, services::ConsoleSession& session, kb::KnowledgeService& service, sync::CenterForm form,
               OpenFn open_article);
    void FocusPrimary();
    void AppendToNotes(const wxString& text);

    // The call or visit the wrap-up is for; nullopt when there is none.
    struct Call
    {
        std::int64_t contact = 0;
        std::string name;
        contacts::Channel channel = contacts::Channel::PhoneIn;
        std::int64_t started_at = 0;
        std::vector<std::pair<std::int64_t, std::string>> organizations;
        std::vector<std::string> addresses;
        std::string language; // the contact's: the likely language of the call
    };
    // A different call clears the form: nothing typed for one call is ever
    // carried into another (the window holds an unfinished one first).
    void SetCall(const std::optional<Call>& call);
    const std::optional<Call>& CurrentCall() const { return m_call; }
    // True between Finish and the store's answer.
    bool Submitting() const { return m_submitting; }
    // Sets the call in progress aside: its wrap-up is saved as held and the
    // form is cleared for the next one. nullopt when there is no call.
    std::optional<sync::Draft> Hold();
    // The calls waiting for wrap-up, shown above the form with a Resume
    // button; resume runs when it is pressed.
    void ShowHeld(const std::vector<sync::Draft>& held);
    void OnResume(std::function<void()> resume) { m_on_resume = std::move(resume); }
    // A wrap-up that could not be stored after its call was set aside: kept
    // as held rather than lost.
    void OnHeldAfterFailure(std::function<void(const sync::Draft&)> fn) { m_on_held_failure = std::move(fn); }
    // The conversation is over (F4): talk time stops, after-call work starts.
    void EndCall();
    std::int64_t EndedAt() const { return m_ended_at; }
    // An unfinished wrap-up saved before a crash, for the call SetCall named.
    void Restore(const sync::Draft& draft);
    // Writes the draft now rather than after the typing pause.
    void SaveDraftNow();

    // Finish (Ctrl+Enter) hands the wrap-up over; done(ok) clears the form
    // once it is stored.
    using FinishFn = std::function<void(sync::WrapUp wrapup, std::function<void(bool)> done)>;
    void OnFinish(FinishFn fn) { m_on_finish = std::move(fn); }
    void Finish();
    // Asked before filing a request that may already exist, with the open
    // requests near the same place: the index of the one to add the caller
    // to, kFileNew or kCancel. A dialog by default; replaceable for tests.
    static constexpr int kFileNew = -1;
    static constexpr int kCancel = -2;
    using ChooseExistingFn = std::function<int(const std::vector<sync::Nearby>& nearby)>;
    void SetChooseExisting(ChooseExistingFn fn) { m_choose_existing = std::move(fn); }

    RequestForm* Request() { return m_request; }
    CenterFields* Fields() { return m_fields; }
    wxChoice* OnBehalf();
    wxChoice* Disposition();
    wxButton* FinishButton() { return m_finish; }
    wxButton* EndCallButton() { return m_end_call; }
    wxStaticText* Context() { return m_context; }
    wxStaticText* HeldLabel() { return m_held; }
    wxButton* ResumeButton() { return m_resume; }
    wxStaticText* Clock() { return m_clock; }
    wxStaticText* FormError() { return m_form_error; }
    wxTextCtrl* Notes() { return m_notes; }
    wxScrolledWindow* FormArea() { return m_form_area; }
    wxListBox* Suggestions() { return m_suggestions; }

private:
    void Suggest();
    void Tick();
    void Changed();
    void ShowFormError(const wxString& text);
    void FitForm();
    void ScrollIntoView(wxWindow* w);
    sync::Draft MakeDraft() const;
    void Submit(sync::WrapUp w);
    void Clear();

    services::ConsoleSession& m_session;
    kb::KnowledgeService& m_service;
    OpenFn m_open;
    wxTextCtrl* m_notes;
    wxListBox* m_suggestions;
    wxStaticText* m_context = nullptr;
    wxStaticText* m_held = nullptr;
    wxButton* m_resume = nullptr;
    std::function<void()> m_on_resume;
    std::function<void(const sync::Draft&)> m_on_held_failure;
    bool m_submitting = false;
    wxStaticText* m_clock = nullptr;
    wxButton* m_end_call = nullptr;
    wxScrolledWindow* m_form_area = nullptr;
    RequestForm* m_request = nullptr;
    CenterFields* m_fields = nullptr;
    wxStaticText* m_form_error = nullptr;
    wxButton* m_finish = nullptr;
    FinishFn m_on_finish;
    ChooseExistingFn m_choose_existing;
    wxTimer m_typing;
    wxTimer m_autosave;
    wxTimer m_ticker;
    std::vector<std::int64_t> m_suggested;
    std::optional<Call> m_call;
    std::int64_t m_ended_at = 0;
    bool m_restoring = false;
    bool m_language_touched = false; // the agent chose the language: not overridden
};

} // namespace civic::ui
