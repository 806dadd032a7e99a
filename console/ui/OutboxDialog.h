// The outbox: every wrap-up on its way to the CRM — pending, sending,
// delivered, needing attention (with the CRM's own words) and discarded.
// An agent can send one again now, correct what the CRM refused, or discard
// one (asked twice, with a reason, and written to the audit log).
//
// Thread: UI thread; reads and changes run on the console store's thread.
#pragma once

#include <civic/services/Session.h>
#include <civic/sync/Outbox.h>

#include <wx/dialog.h>

#include <functional>
#include <vector>

class wxButton;
class wxChoice;
class wxListCtrl;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {

class OutboxDialog : public wxDialog
{
public:
    // changed(): an entry is pending again; the caller may start a round.
    OutboxDialog(wxWindow* parent, services::ConsoleSession& session, std::function<void()> changed = {});

    void Reload();
    // For tests.
    wxListCtrl* List() { return m_list; }
    wxChoice* Filter() { return m_filter; }
    const std::vector<sync::Entry>& Entries() const { return m_entries; }
    wxTextCtrl* Detail() { return m_detail; }
    void Select(size_t row);
    void RetrySelected();
    // Edits the selected entry with the given location and description
    // (what the edit dialog would return).
    void EditSelected(const std::string& address, const std::string& description);
    void DiscardSelected(const std::string& reason);

private:
    const sync::Entry* Selected() const;
    void ShowSelected();
    void AskEdit();
    void AskDiscard();
    void Done(Result<void> r);

    services::ConsoleSession& m_session;
    std::function<void()> m_changed;
    std::vector<sync::Entry> m_entries;
    wxChoice* m_filter;
    wxListCtrl* m_list;
    wxTextCtrl* m_detail;
    wxButton* m_retry;
    wxButton* m_edit;
    wxButton* m_discard;
    wxStaticText* m_message;
};

} // namespace civic::ui
