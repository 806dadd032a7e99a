// The caller & timeline pane: find a contact as you type (phone in any format,
// e-mail, name, address, request id), see who they are, and read every past
// contact with the city in one virtual list, newest first, with the selected
// entry's detail beside it. A screen pop lands here; an unknown number opens a
// new-contact form already holding it. Walk-in intake (F2) uses the same pane.
//
// Thread: UI thread. Every lookup runs on the console store's thread; a result
// for a query that has been typed over is dropped.
#pragma once

#include <civic/contacts/Contacts.h>
#include <civic/services/Session.h>

#include "ui/TimelineList.h"
#include <civic/core/Crm.h>
#include <civic/sync/Outbox.h>

#include <wx/listctrl.h>
#include <wx/panel.h>
#include <wx/timer.h>

#include <functional>
#include <optional>

class wxButton;
class wxCheckBox;
class wxChoice;
class wxListBox;
class wxSearchCtrl;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {


// The contact the agent is serving now, from the pop or the walk-in until the
// wrap-up is finished.
struct ActiveContact
{
    std::int64_t contact = 0;
    std::string name;
    contacts::Channel channel = contacts::Channel::PhoneIn;
    std::int64_t started_at = 0; // unix seconds
    // Organizations this person reports for: the wrap-up offers them as
    // "on behalf of".
    std::vector<std::pair<std::int64_t, std::string>> organizations;
    std::vector<std::string> addresses; // as the contact gave them
    std::string language;               // the contact's preferred language, BCP 47
};

class CallerPane : public wxPanel
{
public:
    using ActiveFn = std::function<void(const std::optional<ActiveContact>&)>;
    CallerPane(wxWindow* parent, services::ConsoleSession& session, ActiveFn on_active);

    void FocusPrimary();
    // A screen pop: "tel:+12155550100" or "mailto:someone@example.org". Shows
    // the matching contact's timeline; several matches are listed to choose
    // from; none opens the new-contact form with the identifier filled in.
    void ShowIncoming(const wxString& identifier);
    wxString CurrentCaller() const;
    // A pop whose caller is not settled yet (being looked up, several share
    // the number, or a new contact to create).
    bool PopPending() const { return m_pop_pending; }

    // Walk-in intake: the find box takes the visitor; Enter on an empty box
    // starts an anonymous visit; Alt+N a new visitor.
    void StartWalkIn();
    bool InWalkIn() const { return m_walk_in; }

    // Shows a contact and its timeline (also for the agent's own lookups).
    void ShowContact(std::int64_t id);
    // Reads the shown contact again (new request ids, statuses).
    void RefreshShown();
    std::int64_t ShownContact() const { return m_contact ? m_contact->id : 0; }

    // Records the active interaction with the wrap-up's notes and outcome;
    // done(ok) runs on the UI thread once it is stored.
    // With a request, it goes to the outbox in the same transaction.
    void FinishInteraction(sync::WrapUp w, std::function<void(bool)> done);
    // Takes up a call or visit whose wrap-up was saved (held, or before a crash).
    void Resume(const ActiveContact& active);
    // A call the screen pop did not announce, with the contact shown: they
    // are the caller (or the one called back). False when none is shown.
    bool StartCall(contacts::Channel channel);
    // The active call ends without a record (a discarded wrong number).
    void EndActive();
    const std::optional<ActiveContact>& Active() const { return m_active; }

    // For tests and the window's keyboard handling.
    wxSearchCtrl* FindBox() { return m_find; }
    wxListBox* Results() { return m_results; }
    TimelineList* Timeline() { return m_timeline; }
    wxTextCtrl* Detail() { return m_detail; }
    wxStaticText* NameLabel() { return m_name; }
    wxPanel* NewContactForm() { return m_form; }
    wxTextCtrl* FormName() { return m_form_name; }
    wxTextCtrl* FormPhone() { return m_form_phone; }
    wxStaticText* FormError() { return m_form_error; }
    wxChoice* ChannelFilter() { return m_channel; }
    wxChoice* PeriodFilter() { return m_period; }
    wxCheckBox* OpenOnly() { return m_open_only; }
    wxButton* DuplicatesButton() { return m_duplicates; }
    size_t FoundCount() const { return m_found.size(); }
    void PickResult(int index);
    void SaveNewContact();
    void ShowNewContactForm(const wxString& phone, const wxString& email);
    void ApplyFilter();
    void OpenDuplicates();
    void EditContact();
    void Unmerge(std::int64_t merged);
    // Asks which merged contact to separate (by name) and confirms first.
    void AskUnmerge();

private:
    static std::int64_t Now(); // seconds since the epoch
    std::vector<contacts::ChannelInfo> m_channel_filter; // the channel choice's entries after "All"
    void BuildCard();
    // No one on the card: the heading only, no timeline, nothing to edit.
    void ClearCard(const wxString& heading);
    // Out of pop and walk-in intake: their line, results list and new-contact form hidden.
    void LeaveModes();
    void BuildForm();
    void BuildTimeline();
    void OnFindText();
    void RunFind();
    void ShowCard(const contacts::Contact& c, int duplicates);
    void LoadTimeline(bool more);
    void OnEntrySelected(long row);
    void SetActive(std::optional<ActiveContact> a);
    void StartVisit(std::int64_t contact, const std::string& name);

    services::ConsoleSession& m_session;
    ActiveFn m_on_active;

    wxSearchCtrl* m_find = nullptr;
    wxStaticText* m_mode = nullptr;
    wxListBox* m_results = nullptr;
    wxPanel* m_card = nullptr;
    wxStaticText* m_name = nullptr;
    wxStaticText* m_details = nullptr;
    wxStaticText* m_needs = nullptr;
    wxButton* m_new = nullptr;
    wxButton* m_edit = nullptr;
    wxButton* m_duplicates = nullptr;
    wxButton* m_unmerge = nullptr;
    wxPanel* m_form = nullptr;
    wxChoice* m_form_kind = nullptr;
    wxTextCtrl* m_form_name = nullptr;
    wxTextCtrl* m_form_phone = nullptr;
    wxTextCtrl* m_form_email = nullptr;
    wxTextCtrl* m_form_address = nullptr;
    wxTextCtrl* m_form_language = nullptr;
    wxTextCtrl* m_form_needs = nullptr;
    wxStaticText* m_form_error = nullptr;
    wxChoice* m_channel = nullptr;
    wxChoice* m_period = nullptr;
    wxCheckBox* m_open_only = nullptr;
    wxSearchCtrl* m_filter_text = nullptr;
    TimelineList* m_timeline = nullptr;
    wxTextCtrl* m_detail = nullptr;
    wxTimer m_typing;
    wxTimer m_filter_typing;

    std::vector<contacts::FoundContact> m_found;
    std::uint64_t m_find_generation = 0;
    std::uint64_t m_timeline_generation = 0;
    std::optional<contacts::Contact> m_contact;
    contacts::TimelineFilter m_filter;
    std::optional<contacts::TimelineCursor> m_next;
    bool m_loading = false;
    bool m_walk_in = false;
    std::optional<ActiveContact> m_active;
    bool m_open_top = false; // Enter came before the lookup: open its top match
    // A pop whose caller is not settled yet (several share the number, or
    // nobody has it): the contact picked or created is the caller, their
    // call started when it popped.
    bool m_pop_pending = false;
    std::int64_t m_pop_at = 0;
};


} // namespace civic::ui
