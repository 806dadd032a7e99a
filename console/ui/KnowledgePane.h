// The knowledge pane: search as you type, results with the matched words in
// bold, the article, and what an agent does with it — insert it into the
// wrap-up notes, copy it, flag it.
//
// Thread: UI thread. Searches run on the KnowledgeService thread; a result
// that arrives after a newer keystroke is dropped.
#pragma once

#include <civic/kb/KnowledgeService.h>

#include <wx/htmllbox.h>
#include <wx/panel.h>
#include <wx/timer.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

class wxButton;
class wxChoice;
class wxHtmlWindow;
class wxSearchCtrl;
class wxStaticText;

namespace civic::ui {

class KnowledgePane : public wxPanel
{
public:
    using ActorFn = std::function<kb::Actor()>;
    using InsertFn = std::function<void(const wxString& text)>;

    KnowledgePane(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                  InsertFn insert_into_notes);

    void FocusPrimary();
    // Shows an article (from a suggestion or a link), replacing the view.
    void OpenArticle(std::int64_t id);
    // A new caller: the last one's search, results and article leave the pane.
    void StartOver();

    // For tests and the status bar.
    wxSearchCtrl* Search() { return m_search; }
    size_t ResultCount() const { return m_hits.size(); }
    wxString ResultTitle(size_t i) const;
    wxString ResultHtml(size_t i) const;
    std::optional<std::int64_t> ShownArticle() const;
    wxString ShownTitle() const;
    wxString StatusText() const;
    wxHtmlListBox* Results();
    wxButton* InsertButton() { return m_insert_button; }

    // The text "Insert into notes" adds for the shown article.
    wxString NoteTextForShown() const;
    // The shown article into the call notes (the button, Ctrl+Shift+I); false
    // when no article is shown.
    bool InsertShown();

private:
    class ResultList;

    void OnSearchText();
    void RunSearch(bool finished);
    void ShowHits(std::vector<kb::SearchHit> hits);
    void ShowSelected();
    void ShowArticle(const kb::Article& a, const std::vector<kb::Article>& translations);
    void Flag(kb::FlagKind kind);
    void OpenAttachment(size_t index);
    void SetStatus(const wxString& text);

    kb::KnowledgeService& m_service;
    ActorFn m_actor;
    InsertFn m_insert;

    wxSearchCtrl* m_search;
    wxChoice* m_language;
    ResultList* m_results;
    wxHtmlWindow* m_view;
    wxButton* m_insert_button;
    wxButton* m_copy_button;
    wxButton* m_helpful;
    wxButton* m_not_helpful;
    wxButton* m_problem;
    wxStaticText* m_status;
    wxTimer m_pause; // the agent stopped typing: record a query that found nothing

    std::vector<kb::SearchHit> m_hits;
    std::vector<std::string> m_language_codes; // "" = all
    std::optional<kb::Article> m_shown;
    // Bumped on every keystroke; a search whose number is no longer current
    // is skipped on the worker and its result dropped on arrival.
    std::shared_ptr<std::atomic<std::uint64_t>> m_generation =
        std::make_shared<std::atomic<std::uint64_t>>(0);
    std::uint64_t m_open_top_of = 0; // the search whose top hit Enter asked to open
};

} // namespace civic::ui
