// The article editor for knowledge managers: every field of an article, the
// body as HTML with a live preview, Save (a new revision), Submit for review
// and History. What is typed is autosaved every few seconds to the knowledge
// store; after a crash the console offers it back at the next start.
//
// A published article is never edited in place: opening it starts (or
// resumes) its working copy, and agents read the published text until a
// second manager approves the copy.
//
// Thread: UI thread. Loads and saves run on the KnowledgeService thread.
#pragma once

#include <civic/kb/KnowledgeService.h>

#include <wx/dialog.h>
#include <wx/timer.h>

#include <functional>
#include <optional>
#include <string>

class wxButton;
class wxChoice;
class wxStaticText;
class wxTextCtrl;

namespace civic::ui {

class SafeHtmlView;

class ArticleEditor : public wxDialog
{
public:
    using ActorFn = std::function<kb::Actor()>;
    // Merge mode (a sync conflict): the button publishes the merge through
    // this instead of saving a draft.
    using MergeFn = std::function<void(const kb::Content&)>;

    // article_id 0 = a new article. restored: an autosaved draft to continue.
    ArticleEditor(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                  std::int64_t article_id, std::optional<kb::Autosave> restored = std::nullopt);
    // Merge mode: starts from `start`, publishes through on_merge.
    ArticleEditor(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                  const kb::Content& start, MergeFn on_merge);

    kb::Content GetContent() const;
    void SetContent(const kb::Content& c);

    // For tests.
    std::int64_t ArticleId() const { return m_id; }
    int Revision() const { return m_revision; }
    bool IsDirty() const { return m_dirty; }
    wxTextCtrl* TitleCtrl() { return m_title; }
    wxTextCtrl* BodyCtrl() { return m_body; }
    wxStaticText* MessageLabel() { return m_message; }
    std::string AutosaveKey() const { return m_autosave_key; }
    // Writes the autosave now (tests; the timer does it a few seconds after typing).
    void AutosaveNow();
    void Save(std::function<void()> then = {});
    void SubmitForReview();

private:
    void Build(bool merge_mode);
    void Load(std::int64_t id);
    void Loaded(const kb::Article& a);
    // The autosave the editor was opened to restore, over what has loaded.
    void ApplyRestored();
    void OnChanged();
    void UpdatePreview();
    void ShowMessage(const wxString& text, bool error);
    void OnClose(wxCloseEvent& event);
    void ShowHistory();
    bool Validate(kb::Content& c);

    kb::KnowledgeService& m_service;
    ActorFn m_actor;
    MergeFn m_on_merge;
    std::int64_t m_id = 0;
    int m_revision = 0;
    std::string m_uid;
    std::string m_autosave_key;
    std::optional<kb::Autosave> m_restored;
    bool m_dirty = false;
    bool m_loading = false;

    wxTextCtrl* m_title = nullptr;
    wxTextCtrl* m_summary = nullptr;
    wxTextCtrl* m_body = nullptr;
    wxTextCtrl* m_keywords = nullptr;
    wxTextCtrl* m_category = nullptr;
    wxTextCtrl* m_services = nullptr;
    wxTextCtrl* m_language = nullptr;
    wxChoice* m_audience = nullptr;
    wxTextCtrl* m_owner = nullptr;
    wxTextCtrl* m_review_by = nullptr;
    SafeHtmlView* m_preview = nullptr;
    wxStaticText* m_state = nullptr;
    wxStaticText* m_message = nullptr;
    wxButton* m_save = nullptr;
    wxButton* m_submit = nullptr;
    wxButton* m_history = nullptr;
    wxTimer m_autosave;
    // The preview follows typing after a pause, not on every keystroke.
    wxTimer m_preview_timer;
};

} // namespace civic::ui
