// The console's main window: caller & timeline, knowledge and wrap-up as docked
// wxAUI panes whose arrangement persists; menus; status bar with the agent, the
// connection state and the outbox count.
//
// Thread: UI thread only. Work that touches the store or the network is posted
// to the core's executors (see Async.h).
#pragma once

#include <civic/services/Session.h>

#include "ui/CallerPane.h"
#include "ui/DeskLayout.h"

#include <wx/aui/framemanager.h>
#include <wx/frame.h>
#include <wx/timer.h>
#include <wx/weakref.h>

#include <chrono>

#include <memory>
#include <optional>
#include <vector>

class wxFileConfig;

namespace civic::ui {

class ArticleEditor;
class KnowledgePane;
class OutboxDialog;
class WrapUpPane;

enum StatusField
{
    kStatusAgent = 0,
    kStatusConnection,
    kStatusOutbox,
    kStatusKnowledge,
    kStatusCenter,
    kStatusFieldCount
};

class MainFrame : public wxFrame
{
public:
    // Listens to the session's rounds, then starts its periodic jobs.
    explicit MainFrame(services::ConsoleSession& session);
    ~MainFrame() override;

    // Arguments from the command line or from a second launch: --pop URI.
    void HandleArgs(const std::vector<wxString>& args);

    // Asks the store for the outbox count; the status bar updates when it answers.
    void RefreshStatus();
    void ApplySettings(const Settings& s);

    // Resets the panes to their default arrangement.
    void ResetLayout();

    // Each status field is as wide as its text asks, so a long one ("Agent
    // not set …") is not cut while an empty one holds a fifth of the bar.
    void SetStatusText(const wxString& text, int number = 0) override;

    wxAuiManager& Aui() { return m_aui; }
    CallerPane* Caller() { return m_caller; }
    KnowledgePane* Knowledge() { return m_knowledge; }
    kb::KnowledgeService& KnowledgeService() { return m_session.Knowledge(); }
    WrapUpPane* WrapUp() { return m_wrapup; }

    // Knowledge managers' work: the editor (0 = a new article), the review
    // queue, and a sync round with the shared knowledge base (F5, timer).
    ArticleEditor* OpenEditor(std::int64_t article_id, std::optional<kb::Autosave> restored = std::nullopt);
    void OpenReviewQueue();
    void OpenOutbox();
    // An outbox view kept current: reloaded after every CRM round while open.
    void WatchOutbox(OutboxDialog& view);
    void SyncKnowledge();
    // A round with the CRM now: deliver the outbox, and on some rounds refresh
    // statuses and the catalog. The session also runs one every 30 seconds.
    void SyncCrm(bool refresh_all = false);
    kb::Actor Actor() const;

private:
    void BuildMenus();
    void BuildPanes();
    void SaveLayout();
    void OnClose(wxCloseEvent& event);
    void OnSettings(wxCommandEvent& event);
    void OnShortcuts(wxCommandEvent& event);
    void OnAbout(wxCommandEvent& event);
    void FocusPane(wxWindow* pane);
    void ShowRefusedPlugins();
    void OfferAutosavedDrafts();
    void OnActive(const std::optional<ActiveContact>& active);
    void RestoreWrapUp();
    // The agent and role in the status bar, over any message about a call.
    void ShowAgent(const Settings& s);

    // The call floor (MainFrameCalls.cpp): a call whose wrap-up is not
    // finished is held when another starts, shown as waiting, and resumed
    // (F3); a wrong number is discarded; a call is started by hand.
    void HoldCall();
    void ResumeHeld();
    void DiscardCall();
    void StartCall(contacts::Channel channel);
    void ShowHeld();
    std::vector<sync::Draft> m_held; // oldest call first

    services::ConsoleSession& m_session;
    DeskLayout m_aui;
    void FitStatusFields();
    bool m_fit_status_pending = false;
    bool m_small_screen = false; // 1440x900 or less: the window starts maximized
    std::unique_ptr<wxFileConfig> m_config;
    wxString m_default_perspective;
    CallerPane* m_caller = nullptr;
    KnowledgePane* m_knowledge = nullptr;
    WrapUpPane* m_wrapup = nullptr;
    wxWeakRef<OutboxDialog> m_outbox_view;
    bool m_crm_online = false;
    // A round that has not come back: the status bar counts the seconds
    // rather than go on saying what the last round found.
    wxTimer m_crm_watch;
    std::chrono::steady_clock::time_point m_round_started;
    wxString m_form_problem;
    // What the session announces, shown here (on the UI thread).
    void OnCrmRound(const services::CrmRound& r);
    void OnCenterRound(const services::CenterRound& r);
    void OnKnowledgeRound(const services::KnowledgeRound& r);
    void OnOutboxCounts(const Result<sync::OutboxCounts>& counts);
    services::Subscription m_crm_rounds, m_knowledge_rounds, m_counts, m_center_rounds;
};

} // namespace civic::ui
