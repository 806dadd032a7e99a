#include "ui/AuditDialog.h"

#include "ui/Async.h"
#include "ui/Utf8.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/datetime.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

#include <regex>

namespace civic::ui {
namespace {

wxString ActionLabel(const std::string& action)
{
    if (action == "contact.merge")
        return _("Merged");
    if (action == "contact.unmerge")
        return _("Separated");
    if (action == "contact.distinct")
        return _("Not the same person");
    return U(action);
}

// The detail in the agent's language: the store writes it in one fixed
// English form per action, read back here; anything else is shown as written.
wxString DetailLabel(const AuditEntry& e)
{
    static const std::regex merged(R"(^merged '(.*)' \((\d+)\) into '(.*)' \((\d+)\)$)");
    static const std::regex separated(R"(^separated '(.*)' \((\d+)\) from '(.*)' \((\d+)\)$)");
    static const std::regex distinct(R"(^'(.*)' \((\d+)\) and '(.*)' \((\d+)\) are different people$)");
    std::smatch m;
    auto part = [&m](int i) { return U(m[i].str()); };
    if (e.action == "contact.merge" && std::regex_match(e.detail, m, merged))
        // TRANSLATORS: a merge in the audit log: name (id) into name (id)
        return wxString::Format(_("%s (%s) into %s (%s)"), part(1), part(2), part(3), part(4));
    if (e.action == "contact.unmerge" && std::regex_match(e.detail, m, separated))
        return wxString::Format(_("%s (%s) from %s (%s)"), part(1), part(2), part(3), part(4));
    if (e.action == "contact.distinct" && std::regex_match(e.detail, m, distinct))
        return wxString::Format(_("%s (%s) and %s (%s) are different people"), part(1), part(2), part(3), part(4));
    return U(e.detail);
}

} // namespace

AuditDialog::AuditDialog(wxWindow* parent, services::ConsoleSession& session, std::optional<std::int64_t> shown,
                         const wxString& shown_name)
    : wxDialog(parent, wxID_ANY, _("Audit log"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_session(session),
      m_shown(shown)
{
    SetName("audit_dialog");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_only_shown = new wxCheckBox(this, wxID_ANY,
                                  shown ? wxString::Format(_("&Only entries about %s"), shown_name)
                                        : _("&Only entries about the shown contact"));
    m_only_shown->Enable(shown.has_value());
    m_only_shown->SetValue(shown.has_value());
    sizer->Add(m_only_shown, 0, wxALL, FromDIP(12));
    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(760, 320)), wxLC_REPORT | wxLC_SINGLE_SEL);
    m_list->SetName("audit_list");
    m_list->AppendColumn(_("When"), wxLIST_FORMAT_LEFT, FromDIP(130));
    m_list->AppendColumn(_("Agent"), wxLIST_FORMAT_LEFT, FromDIP(110));
    m_list->AppendColumn(_("Action"), wxLIST_FORMAT_LEFT, FromDIP(140));
    m_list->AppendColumn(_("What"), wxLIST_FORMAT_LEFT, FromDIP(360));
    sizer->Add(m_list, 1, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(12));
    m_status = new wxStaticText(this, wxID_ANY, wxEmptyString);
    sizer->Add(m_status, 0, wxEXPAND | wxALL, FromDIP(12));
    sizer->Add(CreateStdDialogButtonSizer(wxCLOSE), 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(8));
    SetSizerAndFit(sizer);
    SetEscapeId(wxID_CLOSE);
    SetAffirmativeId(wxID_CLOSE);
    m_only_shown->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { Reload(); });
    Reload();
    m_list->SetFocus();
}

void AuditDialog::Reload()
{
    AuditFilter filter;
    if (m_only_shown->IsChecked() && m_shown)
        filter.contact = m_shown;
    const std::uint64_t generation = ++m_generation;
    m_loading = true;
    m_status->SetLabel(_("Reading..."));
    m_session.Contacts().Audit(filter, OnWindow(this, [this, generation](Result<std::vector<AuditEntry>> entries) {
        if (generation != m_generation)
            return;
        m_loading = false;
        m_list->DeleteAllItems();
        if (!entries) {
            m_status->SetLabel(U(entries.Err().message));
            return;
        }
        for (const auto& e : entries.Value()) {
            const long row = m_list->InsertItem(m_list->GetItemCount(),
                                                wxDateTime(static_cast<time_t>(e.at)).Format("%Y-%m-%d %H:%M"));
            m_list->SetItem(row, 1, U(e.agent));
            m_list->SetItem(row, 2, ActionLabel(e.action));
            m_list->SetItem(row, 3, DetailLabel(e));
        }
        const int n = static_cast<int>(entries->size());
        m_status->SetLabel(n ? wxString::Format(wxPLURAL("%d entry", "%d entries", n), n) : _("Nothing recorded yet."));
    }));
}

} // namespace civic::ui
