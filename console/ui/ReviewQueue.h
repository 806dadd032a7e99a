// The knowledge managers' queue: articles awaiting their review (approve, or
// send back with a comment), articles agents flagged, articles past their
// review-by date, their own drafts sent back, and sync conflicts with the
// shared knowledge base (compare both versions; keep, take or merge).
//
// Thread: UI thread; every read and decision runs on the KnowledgeService thread.
#pragma once

#include <civic/kb/KnowledgeService.h>

#include <wx/dialog.h>

#include <functional>
#include <vector>

class wxButton;
class wxListCtrl;
class wxNotebook;
class wxStaticText;

namespace civic::ui {

class SafeHtmlView;

class ReviewQueueDialog : public wxDialog
{
public:
    using ActorFn = std::function<kb::Actor()>;

    enum Page
    {
        kAwaiting = 0,
        kFlagged,
        kOverdue,
        kSentBack,
        kConflicts,
        kPageCount
    };

    // on_changed: something was published or resolved (the console syncs).
    ReviewQueueDialog(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                      std::function<void()> on_changed);

    void Reload();
    // For tests.
    wxNotebook* Book() { return m_book; }
    size_t Count(Page p) const;
    void Select(Page p, size_t row);
    void ApproveSelected();
    void SendBackSelected(const wxString& comment);
    wxString PreviewPage() const { return m_preview_page; }

private:
    void Loaded(kb::ManagerWork data);
    const kb::QueueEntry* SelectedEntry() const;
    const kb::SyncConflict* SelectedConflict() const;
    void OnSelection();
    void UpdateButtons();
    // One of the service's decisions on an entry (approve, send back, ...).
    using Decision = std::function<void(const kb::Actor&, std::int64_t, Reply<Result<void>>)>;
    void Decide(Decision act, const wxString& done);
    void OpenEditor();
    void OpenHistory();
    void ResolveConflict();
    void ShowMessage(const wxString& text, bool error);

    kb::KnowledgeService& m_service;
    ActorFn m_actor;
    std::function<void()> m_on_changed;
    kb::ManagerWork m_data;
    wxString m_preview_page;

    wxNotebook* m_book;
    wxListCtrl* m_lists[kPageCount];
    SafeHtmlView* m_preview;
    wxButton* m_open;
    wxButton* m_history;
    wxButton* m_approve;
    wxButton* m_send_back;
    wxButton* m_resolve_flags;
    wxButton* m_resolve_conflict;
    wxStaticText* m_message;
};

// Both versions of an article changed here and in the shared knowledge base,
// side by side with their differences; the manager keeps one or merges.
class ConflictDialog : public wxDialog
{
public:
    ConflictDialog(wxWindow* parent, kb::KnowledgeService& service,
                   std::function<kb::Actor()> actor, const kb::SyncConflict& conflict);

private:
    void Resolve(int how, const kb::Content& merged);

    kb::KnowledgeService& m_service;
    std::function<kb::Actor()> m_actor;
    kb::SyncConflict m_conflict;
    wxStaticText* m_message;
};

} // namespace civic::ui
