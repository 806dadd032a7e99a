// An article's history: every revision with who, when and why; the
// difference between any two; and restoring an old one (it becomes the
// newest revision of a draft — nothing is overwritten).
//
// Thread: UI thread; reads and the restore run on the KnowledgeService thread.
#pragma once

#include <civic/kb/KnowledgeService.h>

#include <wx/dialog.h>

#include <functional>
#include <vector>

class wxButton;
class wxChoice;
class wxListCtrl;
class wxStaticText;

namespace civic::ui {

class SafeHtmlView;

class HistoryDialog : public wxDialog
{
public:
    using ActorFn = std::function<kb::Actor()>;
    // Called with the draft that now holds the restored revision.
    using RestoredFn = std::function<void(std::int64_t draft_id)>;

    HistoryDialog(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                  std::int64_t article_id, RestoredFn on_restored = {});

    // For tests.
    wxListCtrl* List() { return m_list; }
    size_t RevisionCount() const { return m_revisions.size(); }
    void Compare(int from, int to); // revision numbers
    wxString DiffPage() const;
    void RestoreSelected();

private:
    void Loaded(std::vector<kb::RevisionInfo> revisions);
    void OnSelect();

    kb::KnowledgeService& m_service;
    ActorFn m_actor;
    std::int64_t m_id;
    std::string m_uid;
    RestoredFn m_on_restored;
    std::vector<kb::RevisionInfo> m_revisions; // newest first
    wxString m_diff_page;

    wxListCtrl* m_list;
    wxChoice* m_from;
    wxChoice* m_to;
    SafeHtmlView* m_diff;
    wxButton* m_restore;
    wxStaticText* m_message;
};

} // namespace civic::ui
