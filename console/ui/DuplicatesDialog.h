// Possible duplicates of the contact shown. The two are compared side by side
// (names, numbers, addresses, language, organizations) before anything is
// merged; "Not the same person" says they are two people, a household sharing
// a phone, and the pair is not proposed again.
//
// Thread: UI thread; the candidate's card is read through the store's thread.
#pragma once

#include <civic/contacts/Contacts.h>
#include <civic/services/Session.h>

#include <wx/dialog.h>

#include <vector>

class wxListBox;
class wxTextCtrl;

namespace civic::ui {

class DuplicatesDialog : public wxDialog
{
public:
    // ShowModal answers kMerge, kDistinct or wxID_CANCEL.
    static constexpr int kMerge = wxID_OK;
    static constexpr int kDistinct = wxID_NO;

    DuplicatesDialog(wxWindow* parent, services::ConsoleSession& session, const contacts::Contact& shown,
                     std::vector<contacts::DuplicateCandidate> candidates);

    // The candidate chosen (an index into the candidates).
    int Selection() const;
    void Select(int row);
    wxTextCtrl* Shown() { return m_left; }
    wxTextCtrl* Candidate() { return m_right; }
    wxListBox* Candidates() { return m_list; }

private:
    void Compare();

    services::ConsoleSession& m_session;
    std::vector<contacts::DuplicateCandidate> m_candidates;
    wxListBox* m_list = nullptr;
    wxTextCtrl* m_left = nullptr;
    wxTextCtrl* m_right = nullptr;
    std::uint64_t m_generation = 0;
};

// A contact as the comparison shows it, one fact a line.
wxString DescribeContact(const contacts::Contact& c);

} // namespace civic::ui
