#include "ui/ReviewQueue.h"

#include "ui/ArticleEditor.h"
#include "ui/Async.h"
#include "ui/HistoryDialog.h"
#include "ui/HtmlViews.h"

#include <civic/kb/Html.h>

#include <wx/button.h>
#include <wx/datetime.h>
#include <wx/listctrl.h>
#include <wx/msgdlg.h>
#include <wx/notebook.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/stattext.h>
#include <wx/textdlg.h>
#include <wx/wrapsizer.h>

namespace civic::ui {
namespace {

wxString FlagCounts(const kb::QueueEntry& e)
{
    wxString s;
    auto add = [&](int n, const wxString& what) {
        if (n > 0)
            s += (s.empty() ? "" : ", ") + wxString::Format("%d %s", n, what);
    };
    add(e.wrong, _("wrong"));
    add(e.outdated, _("outdated"));
    add(e.not_helpful, _("not helpful"));
    add(e.helpful, _("helpful"));
    return s;
}

const std::vector<kb::QueueEntry>& EntriesOf(const kb::ReviewQueue& q, int page)
{
    switch (page) {
    case ReviewQueueDialog::kAwaiting: return q.awaiting_review;
    case ReviewQueueDialog::kFlagged: return q.flagged;
    case ReviewQueueDialog::kOverdue: return q.overdue;
    default: return q.sent_back;
    }
}

} // namespace

ReviewQueueDialog::ReviewQueueDialog(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                                     std::function<void()> on_changed)
    : wxDialog(parent, wxID_ANY, _("Review queue"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER | wxMAXIMIZE_BOX),
      m_service(service), m_actor(std::move(actor)), m_on_changed(std::move(on_changed))
{
    SetName("review_queue");
    auto* splitter = new wxSplitterWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxSP_LIVE_UPDATE | wxSP_3D);
    m_book = new wxNotebook(splitter, wxID_ANY);
    const wxString names[kPageCount] = {_("Awaiting my review"), _("Flagged by agents"),
                                        _("Review date passed"), _("Sent back to me"),
                                        _("Sync conflicts")};
    for (int p = 0; p < kPageCount; ++p) {
        auto* list = new wxListCtrl(m_book, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                    wxLC_REPORT | wxLC_SINGLE_SEL);
        list->SetName(wxString::Format("queue_%d", p));
        list->AppendColumn(_("Article"), wxLIST_FORMAT_LEFT, FromDIP(330));
        list->AppendColumn(_("Language"), wxLIST_FORMAT_LEFT, FromDIP(70));
        if (p == kConflicts) {
            list->AppendColumn(_("Shared version by"), wxLIST_FORMAT_LEFT, FromDIP(160));
            list->AppendColumn(_("Found"), wxLIST_FORMAT_LEFT, FromDIP(140));
        } else {
            list->AppendColumn(p == kAwaiting ? _("Submitted by") : _("Owner"), wxLIST_FORMAT_LEFT, FromDIP(140));
            list->AppendColumn(p == kOverdue ? _("Review by") : _("Flags"), wxLIST_FORMAT_LEFT, FromDIP(220));
        }
        list->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent&) { OnSelection(); });
        list->Bind(wxEVT_LIST_ITEM_ACTIVATED, [this, p](wxListEvent&) {
            if (p == kConflicts)
                ResolveConflict();
            else
                OpenEditor();
        });
        m_lists[p] = list;
        m_book->AddPage(list, names[p]);
    }
    m_book->Bind(wxEVT_NOTEBOOK_PAGE_CHANGED, [this](wxBookCtrlEvent&) { OnSelection(); });
    m_preview = new SafeHtmlView(splitter, "queue_preview");
    splitter->SplitHorizontally(m_book, m_preview, FromDIP(240));
    splitter->SetMinimumPaneSize(FromDIP(100));

    m_open = new wxButton(this, wxID_ANY, _("&Open in editor"));
    m_history = new wxButton(this, wxID_ANY, _("&History…"));
    m_approve = new wxButton(this, wxID_ANY, _("&Approve and publish"));
    m_send_back = new wxButton(this, wxID_ANY, _("&Send back…"));
    m_resolve_flags = new wxButton(this, wxID_ANY, _("&Mark flags dealt with"));
    m_resolve_conflict = new wxButton(this, wxID_ANY, _("&Compare and resolve…"));
    auto* refresh = new wxButton(this, wxID_REFRESH, _("&Refresh"));
    m_open->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { OpenEditor(); });
    m_history->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { OpenHistory(); });
    m_approve->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { ApproveSelected(); });
    m_send_back->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        wxTextEntryDialog ask(this, _("What needs changing? The author sees this beside the draft."),
                              _("Send back"), wxEmptyString, wxOK | wxCANCEL | wxTE_MULTILINE);
        if (ask.ShowModal() == wxID_OK)
            SendBackSelected(ask.GetValue());
    });
    m_resolve_flags->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        Decide([this](const kb::Actor& a, std::int64_t id, Reply<Result<void>> r) {
            m_service.ResolveFlags(a, id, std::move(r));
        }, _("Flags marked as dealt with."));
    });
    m_resolve_conflict->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { ResolveConflict(); });
    refresh->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Reload(); });

    m_message = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_message->SetName("queue_message");
    auto* buttons = new wxWrapSizer(wxHORIZONTAL);
    for (wxButton* b : {m_open, m_history, m_approve, m_send_back, m_resolve_flags, m_resolve_conflict, refresh})
        buttons->Add(b, 0, wxRIGHT | wxBOTTOM, FromDIP(6));
    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(splitter, 1, wxEXPAND | wxALL, FromDIP(10));
    top->Add(buttons, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(m_message, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(CreateStdDialogButtonSizer(wxCLOSE), 0, wxEXPAND | wxALL, FromDIP(8));
    SetSizer(top);
    SetEscapeId(wxID_CLOSE);
    SetSize(FromDIP(wxSize(940, 680)));
    CentreOnParent();
    UpdateButtons();
    Reload();
}

void ReviewQueueDialog::Reload()
{
    const kb::Actor actor = m_actor();
    const std::string today = wxDateTime::Today().FormatISODate().utf8_string();
    m_service.Work(actor, today,
        OnWindow(this, [this](Result<kb::ManagerWork> data) {
            if (!data) {
                ShowMessage(U(data.Err().message), true);
                return;
            }
            Loaded(std::move(data).Value());
        }));
}

void ReviewQueueDialog::Loaded(kb::ManagerWork data)
{
    m_data = std::move(data);
    for (int p = 0; p < kConflicts; ++p) {
        wxListCtrl* list = m_lists[p];
        list->DeleteAllItems();
        const auto& entries = EntriesOf(m_data.queue, p);
        for (size_t i = 0; i < entries.size(); ++i) {
            const auto& e = entries[i];
            const long row = list->InsertItem(static_cast<long>(i), U(e.title));
            list->SetItem(row, 1, U(e.language));
            list->SetItem(row, 2, U(p == kAwaiting ? e.submitted_by : e.owner));
            list->SetItem(row, 3, p == kOverdue ? U(e.review_by) : FlagCounts(e));
        }
        m_book->SetPageText(static_cast<size_t>(p), m_book->GetPageText(static_cast<size_t>(p)).BeforeFirst('(').Trim() +
                                                        wxString::Format(" (%zu)", entries.size()));
    }
    wxListCtrl* list = m_lists[kConflicts];
    list->DeleteAllItems();
    for (size_t i = 0; i < m_data.conflicts.size(); ++i) {
        const auto& c = m_data.conflicts[i];
        const long row = list->InsertItem(static_cast<long>(i), U(c.local.content.title));
        list->SetItem(row, 1, U(c.local.content.language));
        list->SetItem(row, 2, U(c.shared.author));
        list->SetItem(row, 3, wxDateTime(static_cast<time_t>(c.found_at)).Format("%Y-%m-%d %H:%M"));
    }
    m_book->SetPageText(kConflicts, m_book->GetPageText(kConflicts).BeforeFirst('(').Trim() +
                                        wxString::Format(" (%zu)", m_data.conflicts.size()));
    for (wxListCtrl* l : m_lists)
        if (l->GetItemCount() > 0)
            l->SetItemState(0, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                            wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    OnSelection();
}

size_t ReviewQueueDialog::Count(Page p) const
{
    return p == kConflicts ? m_data.conflicts.size() : EntriesOf(m_data.queue, p).size();
}

void ReviewQueueDialog::Select(Page p, size_t row)
{
    m_book->SetSelection(p);
    m_lists[p]->SetItemState(static_cast<long>(row), wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                             wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    OnSelection();
}

const kb::QueueEntry* ReviewQueueDialog::SelectedEntry() const
{
    const int page = m_book->GetSelection();
    if (page < 0 || page >= kConflicts)
        return nullptr;
    const long row = m_lists[page]->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    const auto& entries = EntriesOf(m_data.queue, page);
    return row >= 0 && static_cast<size_t>(row) < entries.size() ? &entries[static_cast<size_t>(row)] : nullptr;
}

const kb::SyncConflict* ReviewQueueDialog::SelectedConflict() const
{
    if (m_book->GetSelection() != kConflicts)
        return nullptr;
    const long row = m_lists[kConflicts]->GetNextItem(-1, wxLIST_NEXT_ALL, wxLIST_STATE_SELECTED);
    return row >= 0 && static_cast<size_t>(row) < m_data.conflicts.size()
               ? &m_data.conflicts[static_cast<size_t>(row)]
               : nullptr;
}

void ReviewQueueDialog::OnSelection()
{
    UpdateButtons();
    if (const auto* c = SelectedConflict()) {
        m_preview_page = DiffHtml(kb::DiffContent(c->local.content, c->shared.content));
        m_preview->SetPage(m_preview_page);
        return;
    }
    const auto* e = SelectedEntry();
    if (!e) {
        m_preview_page.clear();
        m_preview->SetPage("<html><body><i>" + _("Nothing here.") + "</i></body></html>");
        return;
    }
    const std::int64_t id = e->id;
    const std::vector<std::string> comments = e->comments;
    m_service.Get(id,
        OnWindow(this, [this, comments](Result<kb::Article> a) {
            if (!a)
                return;
            wxString note;
            if (!a->review_comment.empty())
                note = wxString::Format(_("Sent back: %s"), U(a->review_comment));
            wxString page = ContentHtml(a->content, note);
            if (!comments.empty()) {
                wxString list = "<h4>" + _("What agents said") + "</h4><ul>";
                for (const auto& c : comments)
                    list += "<li>" + U(kb::EscapeHtml(c)) + "</li>";
                page.Replace("<body>", "<body>" + list + "</ul><hr>"); // what to fix comes first
            }
            m_preview_page = page;
            m_preview->SetPage(page);
        }));
}

void ReviewQueueDialog::UpdateButtons()
{
    const int page = m_book->GetSelection();
    const bool entry = SelectedEntry() != nullptr;
    m_open->Enable(entry);
    m_history->Enable(entry);
    m_approve->Enable(entry && page == kAwaiting);
    m_send_back->Enable(entry && page == kAwaiting);
    m_resolve_flags->Enable(entry && page == kFlagged);
    m_resolve_conflict->Enable(SelectedConflict() != nullptr);
}

void ReviewQueueDialog::Decide(Decision act, const wxString& done)
{
    const auto* e = SelectedEntry();
    if (!e)
        return;
    const kb::Actor actor = m_actor();
    const std::int64_t id = e->id;
    act(actor, id,
        OnWindow(this, [this, done](Result<void> r) {
            if (!r) {
                ShowMessage(U(r.Err().message), true);
                return;
            }
            ShowMessage(done, false);
            Reload();
            if (m_on_changed)
                m_on_changed();
        }));
}

void ReviewQueueDialog::ApproveSelected()
{
    Decide([this](const kb::Actor& a, std::int64_t id, Reply<Result<void>> r) { m_service.Approve(a, id, std::move(r)); },
           _("Approved: agents now read the new version."));
}

void ReviewQueueDialog::SendBackSelected(const wxString& comment)
{
    const std::string text = comment.utf8_string();
    Decide([this, text](const kb::Actor& a, std::int64_t id, Reply<Result<void>> r) {
        m_service.SendBack(a, id, text, std::move(r));
    }, _("Sent back to the author with your comment."));
}

void ReviewQueueDialog::OpenEditor()
{
    const auto* e = SelectedEntry();
    if (!e)
        return;
    ArticleEditor editor(this, m_service, m_actor, e->id);
    editor.ShowModal();
    Reload();
}

void ReviewQueueDialog::OpenHistory()
{
    const auto* e = SelectedEntry();
    if (!e)
        return;
    HistoryDialog dialog(this, m_service, m_actor, e->id);
    dialog.ShowModal();
    Reload();
}

void ReviewQueueDialog::ResolveConflict()
{
    const auto* c = SelectedConflict();
    if (!c)
        return;
    ConflictDialog dialog(this, m_service, m_actor, *c);
    if (dialog.ShowModal() == wxID_OK && m_on_changed)
        m_on_changed();
    Reload();
}

void ReviewQueueDialog::ShowMessage(const wxString& text, bool error)
{
    m_message->SetForegroundColour(error ? wxColour(176, 0, 32) : wxColour(0, 110, 50));
    m_message->SetLabel(text);
    Layout();
}

// ---- ConflictDialog ---------------------------------------------------------

namespace {
enum
{
    kKeepMine = 1,
    kTakeShared,
    kMerge
};
}

ConflictDialog::ConflictDialog(wxWindow* parent, kb::KnowledgeService& service,
                               std::function<kb::Actor()> actor, const kb::SyncConflict& conflict)
    : wxDialog(parent, wxID_ANY, _("Sync conflict"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER | wxMAXIMIZE_BOX),
      m_service(service), m_actor(std::move(actor)), m_conflict(conflict)
{
    SetName("conflict_dialog");
    auto* intro = new wxStaticText(
        this, wxID_ANY,
        wxString::Format(_("\"%s\" was changed here and, meanwhile, in the shared knowledge base by %s. "
                           "Neither has been overwritten. Keep one, or merge them; the other stays in the "
                           "article's history."),
                         U(conflict.local.content.title), U(conflict.shared.author)));
    intro->Wrap(FromDIP(880));
    auto* mine = new SafeHtmlView(this, "conflict_mine");
    mine->SetPage(ContentHtml(conflict.local.content, _("This console's version")));
    auto* theirs = new SafeHtmlView(this, "conflict_shared");
    theirs->SetPage(ContentHtml(conflict.shared.content,
                                wxString::Format(_("Shared version (by %s)"), U(conflict.shared.author))));
    auto* diff = new SafeHtmlView(this, "conflict_diff");
    diff->SetPage(DiffHtml(kb::DiffContent(conflict.local.content, conflict.shared.content)));

    auto* sides = new wxBoxSizer(wxHORIZONTAL);
    sides->Add(mine, 1, wxEXPAND | wxRIGHT, FromDIP(6));
    sides->Add(theirs, 1, wxEXPAND);

    auto* keep = new wxButton(this, wxID_ANY, _("&Keep this console's"));
    auto* take = new wxButton(this, wxID_ANY, _("&Take the shared one"));
    auto* merge = new wxButton(this, wxID_ANY, _("&Merge…"));
    auto* cancel = new wxButton(this, wxID_CANCEL, _("Decide later"));
    keep->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Resolve(kKeepMine, {}); });
    take->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Resolve(kTakeShared, {}); });
    merge->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        // Starts from this console's text with the shared one beside it in
        // the diff; the manager edits until it is right for both.
        ArticleEditor editor(this, m_service, m_actor, m_conflict.local.content,
                             [this](const kb::Content& merged) { Resolve(kMerge, merged); });
        editor.ShowModal();
    });
    m_message = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_message->SetForegroundColour(wxColour(176, 0, 32));

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(keep, 0, wxRIGHT, FromDIP(6));
    buttons->Add(take, 0, wxRIGHT, FromDIP(6));
    buttons->Add(merge, 0, wxRIGHT, FromDIP(6));
    buttons->AddStretchSpacer();
    buttons->Add(cancel);

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(intro, 0, wxEXPAND | wxALL, FromDIP(10));
    top->Add(sides, 3, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(new wxStaticText(this, wxID_ANY, _("Differences (this console's → shared):")), 0,
             wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
    top->Add(diff, 2, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(m_message, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(10));
    top->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(10));
    SetSizer(top);
    SetSize(FromDIP(wxSize(960, 720)));
    CentreOnParent();
    keep->SetFocus();
}

void ConflictDialog::Resolve(int how, const kb::Content& merged)
{
    const kb::Actor actor = m_actor();
    const std::string uid = m_conflict.uid;
    m_service.ResolveConflict(actor, uid,
                              how == kKeepMine     ? kb::Resolution::KeepMine
                              : how == kTakeShared ? kb::Resolution::TakeShared
                                                   : kb::Resolution::Merge,
                              merged,
        OnWindow(this, [this](Result<void> r) {
            if (!r) {
                m_message->SetLabel(U(r.Err().message));
                Layout();
                return;
            }
            EndModal(wxID_OK);
        }));
}

} // namespace civic::ui
