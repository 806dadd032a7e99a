#include "ui/HistoryDialog.h"

#include "ui/Async.h"
#include "ui/HtmlViews.h"

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/datetime.h>
#include <wx/listctrl.h>
#include <wx/sizer.h>
#include <wx/stattext.h>

namespace civic::ui {

HistoryDialog::HistoryDialog(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                             std::int64_t article_id, RestoredFn on_restored)
    : wxDialog(parent, wxID_ANY, _("Article history"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER | wxMAXIMIZE_BOX),
      m_service(service), m_actor(std::move(actor)), m_id(article_id),
      m_on_restored(std::move(on_restored))
{
    SetName("history_dialog");
    m_list = new wxListCtrl(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 170)),
                            wxLC_REPORT | wxLC_SINGLE_SEL);
    m_list->SetName("revisions");
    m_list->AppendColumn(_("Revision"), wxLIST_FORMAT_RIGHT, FromDIP(70));
    m_list->AppendColumn(_("When"), wxLIST_FORMAT_LEFT, FromDIP(150));
    m_list->AppendColumn(_("Who"), wxLIST_FORMAT_LEFT, FromDIP(150));
    m_list->AppendColumn(_("Status"), wxLIST_FORMAT_LEFT, FromDIP(90));
    m_list->AppendColumn(_("Note"), wxLIST_FORMAT_LEFT, FromDIP(330));
    m_list->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { OnSelect(); });

    m_from = new wxChoice(this, wxID_ANY);
    m_to = new wxChoice(this, wxID_ANY);
    auto recompare = [this](wxCommandEvent&) {
        const int f = m_from->GetSelection(), t = m_to->GetSelection();
        if (f >= 0 && t >= 0)
            Compare(m_revisions[static_cast<size_t>(f)].number, m_revisions[static_cast<size_t>(t)].number);
    };
    m_from->Bind(wxEVT_CHOICE, recompare);
    m_to->Bind(wxEVT_CHOICE, recompare);
    m_diff = new SafeHtmlView(this, "diff");
    m_diff->SetMinSize(FromDIP(wxSize(-1, 280)));
    m_restore = new wxButton(this, wxID_ANY, _("&Restore the older revision"));
    m_restore->SetToolTip(_("Makes its text the newest revision of a draft; nothing is overwritten"));
    m_restore->Disable();
    m_restore->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { RestoreSelected(); });
    m_message = new wxStaticText(this, wxID_ANY, wxEmptyString);

    auto* compare = new wxBoxSizer(wxHORIZONTAL);
    compare->Add(new wxStaticText(this, wxID_ANY, _("Compare revision")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
    compare->Add(m_from, 0, wxRIGHT, FromDIP(6));
    compare->Add(new wxStaticText(this, wxID_ANY, _("with")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
    compare->Add(m_to, 0, wxRIGHT, FromDIP(12));
    compare->AddStretchSpacer();
    compare->Add(m_restore);

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(m_list, 0, wxEXPAND | wxALL, FromDIP(10));
    top->Add(compare, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(m_diff, 1, wxEXPAND | wxALL, FromDIP(10));
    top->Add(m_message, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(CreateStdDialogButtonSizer(wxCLOSE), 0, wxEXPAND | wxALL, FromDIP(8));
    SetSizer(top);
    SetSize(FromDIP(wxSize(860, 640)));
    CentreOnParent();
    SetEscapeId(wxID_CLOSE);
    m_list->SetFocus();

    m_service.History(article_id,
        OnWindow(this, [this](Result<kb::ArticleHistory> r) {
            if (!r) {
                m_message->SetLabel(U(r.Err().message));
                return;
            }
            m_uid = r->uid;
            Loaded(std::move(r.Value().revisions));
        }));
}

void HistoryDialog::Loaded(std::vector<kb::RevisionInfo> revisions)
{
    m_revisions = std::move(revisions);
    m_list->DeleteAllItems();
    m_from->Clear();
    m_to->Clear();
    for (size_t i = 0; i < m_revisions.size(); ++i) {
        const auto& r = m_revisions[i];
        const long row = m_list->InsertItem(static_cast<long>(i), wxString::Format("%d", r.number));
        m_list->SetItem(row, 1, wxDateTime(static_cast<time_t>(r.at)).Format("%Y-%m-%d %H:%M"));
        m_list->SetItem(row, 2, U(r.author));
        m_list->SetItem(row, 3, U(std::string(kb::ToString(r.status))));
        m_list->SetItem(row, 4, U(r.note));
        m_from->Append(wxString::Format("%d", r.number));
        m_to->Append(wxString::Format("%d", r.number));
    }
    SetTitle(wxString::Format(_("Article history — %s (%zu revisions)"), U(m_uid), m_revisions.size()));
    if (m_revisions.size() >= 2) {
        // Newest first. Saving, submitting and approving each add a revision with the same
        // text, so show what changed since the version agents read before: the previous
        // published one, or the one before the newest when nothing older was published.
        long row = 1;
        for (size_t i = 1; i < m_revisions.size(); ++i) {
            if (m_revisions[i].status == kb::Status::Published) {
                row = static_cast<long>(i);
                break;
            }
        }
        m_list->SetItemState(row, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                             wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
        m_list->EnsureVisible(row);
    } else if (!m_revisions.empty()) {
        m_diff->SetPage("<html><body><i>" + _("Only one revision so far.") + "</i></body></html>");
    }
}

void HistoryDialog::OnSelect()
{
    const long row = m_list->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    if (row < 0 || m_revisions.empty())
        return;
    // The selected revision against the newest one.
    m_from->SetSelection(static_cast<int>(row));
    m_to->SetSelection(0);
    Compare(m_revisions[static_cast<size_t>(row)].number, m_revisions.front().number);
}

void HistoryDialog::Compare(int from, int to)
{
    m_restore->Enable(from != m_revisions.front().number);
    m_restore->SetLabel(wxString::Format(_("&Restore revision %d"), from));
    Layout();
    m_service.Diff(m_uid, from, to,
        OnWindow(this, [this](Result<std::vector<kb::DiffLine>> lines) {
            if (!lines) {
                m_message->SetLabel(U(lines.Err().message));
                return;
            }
            m_diff_page = DiffHtml(lines.Value());
            m_diff->SetPage(m_diff_page);
        }));
}

wxString HistoryDialog::DiffPage() const { return m_diff_page; }

void HistoryDialog::RestoreSelected()
{
    const int f = m_from->GetSelection();
    if (f < 0)
        return;
    const int number = m_revisions[static_cast<size_t>(f)].number;
    const kb::Actor actor = m_actor();
    m_service.Restore(actor, m_id, number,
        OnWindow(this, [this, number](Result<std::int64_t> draft) {
            if (!draft) {
                m_message->SetForegroundColour(wxColour(176, 0, 32));
                m_message->SetLabel(wxString::Format(_("Not restored: %s"), U(draft.Err().message)));
                return;
            }
            m_message->SetForegroundColour(wxColour(0, 110, 50));
            m_message->SetLabel(wxString::Format(
                _("Revision %d is now the newest revision of the draft; submit it for review to publish."), number));
            if (m_on_restored)
                m_on_restored(draft.Value());
            if (IsModal())
                EndModal(wxID_OK);
        }));
}

} // namespace civic::ui
