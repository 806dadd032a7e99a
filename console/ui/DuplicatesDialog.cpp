#include "ui/DuplicatesDialog.h"
#include "ui/I18n.h"

#include "ui/Async.h"
#include "ui/Utf8.h"

#include <wx/button.h>
#include <wx/listbox.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace civic::ui {

namespace {

// Why two contacts look like one person, in the agent's language.
wxString Why(const contacts::DuplicateCandidate& c)
{
    using W = contacts::DuplicateCandidate::Why;
    switch (c.why) {
    case W::SamePhone: return wxString::Format(_("same phone %s"), U(c.shared));
    case W::SameEmail: return wxString::Format(_("same e-mail %s"), U(c.shared));
    case W::SameHandle: return wxString::Format(_("same social media handle %s"), U(c.shared));
    case W::SimilarNameAt: return wxString::Format(_("similar name at %s"), U(c.shared));
    }
    return U(c.reason);
}

} // namespace

wxString DescribeContact(const contacts::Contact& c)
{
    wxString out = c.name.empty() ? _("(no name)") : U(c.name);
    out += "\n";
    for (const auto& i : c.identifiers) {
        out += U(i.display);
        if (!i.label.empty())
            out += " (" + U(i.label) + ")";
        out += "\n";
    }
    if (!c.language.empty())
        out += wxString::Format(_("Language: %s"), LanguageName(c.language)) + "\n";
    if (!c.needs.empty())
        out += U(c.needs) + "\n";
    for (const auto& m : c.memberships)
        out += (c.kind == contacts::ContactKind::Organization ? wxString::Format(_("Liaison: %s"), U(m.person_name))
                                                              : wxString::Format(_("Liaison for %s"),
                                                                                 U(m.organization_name))) +
               "\n";
    return out;
}

DuplicatesDialog::DuplicatesDialog(wxWindow* parent, services::ConsoleSession& session, const contacts::Contact& shown,
                                   std::vector<contacts::DuplicateCandidate> candidates)
    : wxDialog(parent, wxID_ANY, _("Possible duplicates"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_session(session),
      m_candidates(std::move(candidates))
{
    SetName("duplicates_dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    auto* intro = new wxStaticText(this, wxID_ANY,
                                   wxString::Format(_("Is one of these the same person as %s? Merged, its contacts and "
                                                      "requests show here (a merge can be undone). People who share "
                                                      "a phone are a household: not the same person."),
                                                    U(shown.name)));
    intro->Wrap(FromDIP(600));
    sizer->Add(intro, 0, wxALL, FromDIP(12));
    wxArrayString rows;
    for (const auto& c : m_candidates)
        rows.Add(wxString::Format(L"%s \u2014 %s", U(c.b_name), Why(c)));
    m_list = new wxListBox(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(620, 90)), rows);
    m_list->SetName("duplicates_list");
    sizer->Add(m_list, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));
    auto* sides = new wxFlexGridSizer(2, FromDIP(4), FromDIP(12));
    sides->AddGrowableCol(0);
    sides->AddGrowableCol(1);
    sides->AddGrowableRow(1);
    sides->Add(new wxStaticText(this, wxID_ANY, _("Shown now")));
    sides->Add(new wxStaticText(this, wxID_ANY, _("Possible duplicate")));
    const long style = wxTE_MULTILINE | wxTE_READONLY | wxTE_DONTWRAP;
    m_left = new wxTextCtrl(this, wxID_ANY, DescribeContact(shown), wxDefaultPosition, FromDIP(wxSize(300, 150)), style);
    m_left->SetName("duplicates_shown");
    m_right = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(300, 150)), style);
    m_right->SetName("duplicates_candidate");
    sides->Add(m_left, 1, wxEXPAND);
    sides->Add(m_right, 1, wxEXPAND);
    sizer->Add(sides, 1, wxEXPAND | wxALL, FromDIP(12));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* merge = new wxButton(this, wxID_OK, _("&Merge into the shown contact"));
    auto* distinct = new wxButton(this, wxID_NO, _("&Not the same person"));
    distinct->SetToolTip(_("Two people (a household sharing a phone): not proposed again"));
    buttons->Add(merge, 0, wxRIGHT, FromDIP(6));
    buttons->Add(distinct, 0);
    buttons->AddStretchSpacer();
    buttons->Add(new wxButton(this, wxID_CANCEL, _("Cancel")), 0);
    sizer->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(12));
    SetSizerAndFit(sizer);
    distinct->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EndModal(kDistinct); });
    m_list->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) { Compare(); });
    // Merging is not the default: Enter on the list compares, a button decides.
    SetEscapeId(wxID_CANCEL);
    if (!m_candidates.empty())
        Select(0);
    m_list->SetFocus();
}

int DuplicatesDialog::Selection() const { return m_list->GetSelection(); }

void DuplicatesDialog::Select(int row)
{
    m_list->SetSelection(row);
    Compare();
}

void DuplicatesDialog::Compare()
{
    const int row = m_list->GetSelection();
    if (row < 0 || static_cast<size_t>(row) >= m_candidates.size())
        return;
    const std::uint64_t generation = ++m_generation;
    m_right->ChangeValue(_("Reading..."));
    m_session.Contacts().Card(m_candidates[static_cast<size_t>(row)].b,
        OnWindow(this, [this, generation](Result<services::ContactCard> card) {
            if (generation != m_generation)
                return;
            m_right->ChangeValue(card ? DescribeContact(card->contact) : U(card.Err().message));
        }));
}

} // namespace civic::ui
