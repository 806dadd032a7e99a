// Editing a contact: name, language and needs, identifiers with consent to be
// notified on each, new identifiers, and the organization a person reports for.
//
// Thread: UI thread; reads and writes go through the console store's thread.
// Errors (a number that is not one) are shown beside the fields and nothing
// typed is lost.
#pragma once

#include <civic/contacts/Contacts.h>
#include <civic/services/Session.h>

#include <wx/dialog.h>

#include "ui/SuggestBox.h"

class wxCheckListBox;
class wxChoice;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {

class ContactDialog : public wxDialog
{
public:
    ContactDialog(wxWindow* parent, services::ConsoleSession& session, const contacts::Contact& contact);

    // Writes the changes; on success EndModal(wxID_OK) follows on its own.
    void Save();
    bool Saved() const { return m_saved; }

    wxTextCtrl* Name() { return m_name; }
    wxTextCtrl* Language() { return m_language; }
    wxCheckListBox* Identifiers() { return m_ids; }
    wxChoice* NewKind() { return m_new_kind; }
    wxTextCtrl* NewValue() { return m_new_value; }
    SuggestBox* Organization() { return m_org; }
    wxStaticText* Error() { return m_error; }

private:
    services::ConsoleSession& m_session;
    contacts::Contact m_contact;
    std::vector<std::pair<std::int64_t, std::string>> m_organizations; // id, name
    wxTextCtrl* m_name = nullptr;
    wxTextCtrl* m_language = nullptr;
    wxTextCtrl* m_needs = nullptr;
    wxTextCtrl* m_notes = nullptr;
    wxCheckListBox* m_ids = nullptr;
    wxChoice* m_new_kind = nullptr;
    wxTextCtrl* m_new_value = nullptr;
    wxTextCtrl* m_new_label = nullptr;
    SuggestBox* m_org = nullptr;
    wxStaticText* m_error = nullptr;
    bool m_saved = false;
};

} // namespace civic::ui
