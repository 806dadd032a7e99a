// The audit log as a supervisor reads it: who merged, separated or told apart
// which contacts, and when, newest first; limited to the contact shown when
// asked.
//
// Thread: UI thread; the log is read through the store's thread.
#pragma once

#include <civic/services/Session.h>

#include <wx/dialog.h>

#include <optional>

class wxCheckBox;
class wxListCtrl;
class wxStaticText;

namespace civic::ui {

class AuditDialog : public wxDialog
{
public:
    // shown: the contact the caller pane shows, offered as a filter.
    AuditDialog(wxWindow* parent, services::ConsoleSession& session, std::optional<std::int64_t> shown,
                const wxString& shown_name);
    wxListCtrl* List() { return m_list; }
    wxCheckBox* OnlyShown() { return m_only_shown; }
    // Reads the log again with the filter as set.
    void Reload();
    bool Loading() const { return m_loading; }

private:
    services::ConsoleSession& m_session;
    std::optional<std::int64_t> m_shown;
    wxListCtrl* m_list = nullptr;
    wxCheckBox* m_only_shown = nullptr;
    wxStaticText* m_status = nullptr;
    std::uint64_t m_generation = 0;
    bool m_loading = false;
};

} // namespace civic::ui
