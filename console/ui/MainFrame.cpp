// The main window: menus and their shortcuts, the dockable panes, the status
// bar, and what the session's rounds report (the call floor's holding and
// resuming is in MainFrameCalls.cpp, the knowledge managers' windows in
// MainFrameKnowledge.cpp, the CRM's and center's rounds in MainFrameRounds.cpp). Over 600 lines because every
// menu item's handler sits next to where it is bound; the panes and dialogs
// do their own work in files of their own.
#include "ui/MainFrame.h"

#include "ui/ArticleEditor.h"
#include "ui/AuditDialog.h"
#include "ui/CenterDialog.h"
#include "ui/Async.h"
#include "ui/HistoryDialog.h"
#include "ui/I18n.h"
#include "ui/KnowledgePane.h"
#include "ui/Panes.h"
#include "ui/OutboxDialog.h"
#include "ui/RequestForm.h"
#include "ui/ReviewQueue.h"
#include "ui/SettingsDialog.h"
#include "ui/ShortcutsDialog.h"

#include <civic/services/Plugins.h>

#include <civic/core/Secrets.h>
#include <civic/core/Version.h>

#include <wx/aboutdlg.h>
#include <wx/bmpbndl.h>
#include <wx/evtloop.h>
#include <wx/datetime.h>
#include <wx/display.h>
#include <wx/fileconf.h>
#include <wx/iconbndl.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>

namespace civic::ui {
namespace {

enum MenuId
{
    ID_FOCUS_CALLER = wxID_HIGHEST + 1,
    ID_FOCUS_KNOWLEDGE,
    ID_FOCUS_WRAPUP,
    ID_SEARCH_KNOWLEDGE,
    ID_RESET_LAYOUT,
    ID_SHORTCUTS,
    ID_NEW_ARTICLE,
    ID_EDIT_ARTICLE,
    ID_ARTICLE_HISTORY,
    ID_REVIEW_QUEUE,
    ID_SYNC_KNOWLEDGE,
    ID_INSERT_ARTICLE,
    ID_WALK_IN,
    ID_END_CALL,
    ID_RESUME_CALL,
    ID_DISCARD_CALL,
    ID_START_CALL,
    ID_START_OUTGOING,
    ID_FINISH_WRAPUP,
    ID_AUDIT_LOG,
    ID_OUTBOX,
    ID_REFRESH_CRM,
    ID_NEW_CONTACT,
    ID_FIND_CONTACT,
};

wxString RoleLabel(Role role)
{
    switch (role) {
    case Role::CallTaker: return _("Call-taker");
    case Role::WalkInStaff: return _("Walk-in staff");
    case Role::KnowledgeManager: return _("Knowledge manager");
    case Role::Supervisor: return _("Supervisor");
    }
    return {};
}

// A round with the CRM usually answers within a second or two; past this the
// agent is told the CRM is not answering.
constexpr int kCrmSilentS = 8;

} // namespace

MainFrame::MainFrame(services::ConsoleSession& session)
    : wxFrame(nullptr, wxID_ANY, kAppName, wxDefaultPosition, wxSize(1200, 760)),
      m_session(session)
{
    SetName("civicdesk_main");
    SetMinSize(FromDIP(wxSize(800, 500)));
    // One SVG serves every size the window manager asks for.
    const auto svg = session.GetPaths().resources_dir / "icons" / "civicdesk.svg";
    wxIconBundle icons;
    for (int size : {16, 32, 48, 128, 256}) {
        const auto bundle = wxBitmapBundle::FromSVGFile(wxString::FromUTF8(svg.string()),
                                                        wxSize(size, size));
        if (bundle.IsOk())
            icons.AddIcon(bundle.GetIcon(wxSize(size, size)));
    }
    if (icons.IsOk())
        SetIcons(icons);

    m_config = std::make_unique<wxFileConfig>(
        wxEmptyString, wxEmptyString,
        wxString::FromUTF8((session.GetPaths().config_dir / "ui.ini").string()), wxEmptyString,
        wxCONFIG_USE_LOCAL_FILE);

    // First start: most of the screen, since three panes share it all day. Set
    // before the panes are laid out, as wxAUI sizes docks from the frame.
    const int display = wxDisplay::GetFromWindow(this);
    const wxRect area = wxDisplay(display == wxNOT_FOUND ? 0u : static_cast<unsigned>(display)).GetClientArea();
    SetSize(std::min(area.width * 9 / 10, FromDIP(1680)), std::min(area.height * 9 / 10, FromDIP(1050)));
    CentreOnScreen();
    m_small_screen = area.width <= FromDIP(1440) || area.height <= FromDIP(900);

    BuildMenus();
    // Tooltips are set by hand (what a refused plugin or a failed sync says),
    // which the automatic ones of wxSTB_SHOW_TIPS forbid.
    CreateStatusBar(kStatusFieldCount, wxSTB_DEFAULT_STYLE & ~wxSTB_SHOW_TIPS);
    const int widths[kStatusFieldCount] = {-3, -3, -4, -3, -3};
    GetStatusBar()->SetStatusWidths(kStatusFieldCount, widths);
    BuildPanes();
    ApplySettings(session.GetSettings());

    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::OnClose, this);
    m_crm_watch.SetOwner(this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) {
        const auto silent = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() -
                                                                             m_round_started)
                                .count();
        if (silent >= kCrmSilentS)
            SetStatusText(wxString::Format(_("CRM: no answer for %d s; what is filed waits in the outbox"),
                                           static_cast<int>(silent)),
                          kStatusConnection);
    }, m_crm_watch.GetId());
    // Ctrl+Enter finishes the wrap-up wherever the keyboard is: checked before
    // the focused control sees the key, as a search box would take the Enter.
    Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        if ((e.GetKeyCode() == WXK_RETURN || e.GetKeyCode() == WXK_NUMPAD_ENTER) && e.GetModifiers() == wxMOD_CONTROL) {
            m_wrapup->Finish();
            return;
        }
        e.Skip();
    });
    m_crm_rounds = session.Outbox().Rounds().Add(
        OnWindow(this, [this](const services::CrmRound& r) { OnCrmRound(r); }));
    m_knowledge_rounds = session.KnowledgeRounds().Add(
        OnWindow(this, [this](const services::KnowledgeRound& r) { OnKnowledgeRound(r); }));
    m_counts = session.Outbox().CountsChanged().Add(
        OnWindow(this, [this](const Result<sync::OutboxCounts>& c) { OnOutboxCounts(c); }));
    m_center_rounds = session.Center().Rounds().Add(
        OnWindow(this, [this](const services::CenterRound& r) { OnCenterRound(r); }));
    session.StartPeriodicJobs();
    RefreshStatus();
    OfferAutosavedDrafts();
    RestoreWrapUp();
    if (!m_form_problem.empty())
        SetStatusText(m_form_problem, kStatusAgent);
    ShowRefusedPlugins();
    // A click on the outbox count opens the outbox.
    GetStatusBar()->Bind(wxEVT_LEFT_DCLICK, [this](wxMouseEvent& e) {
        wxRect r;
        if (GetStatusBar()->GetFieldRect(kStatusOutbox, r) && r.Contains(e.GetPosition()))
            OpenOutbox();
    });
    m_caller->FocusPrimary();
}

// The session may be gone by now (it outlives windows only in the app):
// nothing here touches it. Subscriptions end on their own.
MainFrame::~MainFrame() { m_aui.UnInit(); }

void MainFrame::BuildMenus()
{
    auto* file = new wxMenu;
    file->Append(wxID_PREFERENCES, _("&Settings...\tCtrl+,"), _("Agent, role, CRM connection"));
    const int center_id = wxWindow::NewControlId();
    file->Append(center_id, _("C&enter..."), _("Join the center's shared store; where the link stands"));
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        CenterDialog dialog(this, m_session);
        dialog.ShowModal();
    }, center_id);
    file->AppendSeparator();
    file->Append(wxID_EXIT, _("&Quit\tCtrl+Q"));

    auto* view = new wxMenu;
    view->Append(ID_FOCUS_CALLER, _("&Caller and timeline\tCtrl+1"));
    view->Append(ID_FOCUS_KNOWLEDGE, _("&Knowledge base\tCtrl+2"));
    view->Append(ID_FOCUS_WRAPUP, _("&Wrap-up\tCtrl+3"));
    view->Append(ID_SEARCH_KNOWLEDGE, _("&Search knowledge\tCtrl+K"));
    view->AppendSeparator();
    view->Append(ID_RESET_LAYOUT, _("&Reset layout"));

    auto* knowledge = new wxMenu;
    knowledge->Append(ID_INSERT_ARTICLE, _("&Insert shown article into notes\tCtrl+Shift+I"),
                      _("The article's title and reference go into the call notes"));
    knowledge->AppendSeparator();
    knowledge->Append(ID_NEW_ARTICLE, _("&New article...\tCtrl+N"));
    knowledge->Append(ID_EDIT_ARTICLE, _("&Edit shown article...\tCtrl+E"));
    knowledge->Append(ID_ARTICLE_HISTORY, _("Article &history...\tCtrl+H"));
    knowledge->AppendSeparator();
    knowledge->Append(ID_REVIEW_QUEUE, _("&Review queue...\tCtrl+Shift+R"));
    knowledge->Append(ID_SYNC_KNOWLEDGE, _("&Sync with the shared knowledge base\tF5"));

    auto* people = new wxMenu;
    people->Append(ID_FIND_CONTACT, _("&Find contact\tCtrl+F"));
    people->Append(ID_NEW_CONTACT, _("&New contact...\tCtrl+Shift+N"));
    people->Append(ID_AUDIT_LOG, _("&Audit log..."), _("Who merged, separated or told apart which contacts"));
    people->AppendSeparator();
    people->Append(ID_OUTBOX, _("&Outbox...\tCtrl+Shift+O"), _("Requests on their way to the CRM"));
    people->Append(ID_REFRESH_CRM, _("&Refresh from the CRM\tShift+F5"),
                   _("Send what waits and fetch the status of open requests now"));

    // The call or visit being served, from its start to its wrap-up.
    auto* call = new wxMenu;
    call->Append(ID_WALK_IN, _("&Walk-in visit\tF2"), _("Front counter: find or create the visitor, start the visit"));
    call->Append(ID_START_CALL, _("Start &call with shown contact\tCtrl+Shift+C"),
                 _("A call that did not pop (a transfer, a desk phone): the shown contact is the caller"));
    call->Append(ID_START_OUTGOING, _("Start o&utgoing call with shown contact\tCtrl+Shift+D"),
                 _("Calling the shown contact back"));
    call->AppendSeparator();
    call->Append(ID_END_CALL, _("&End call or visit\tF4"), _("The conversation is over: after-call work starts"));
    // Ctrl+Enter from anywhere in the window, not only inside the wrap-up.
    call->Append(ID_FINISH_WRAPUP, _("&Finish wrap-up\tCtrl+Enter"), _("Store the wrap-up of the call or visit"));
    call->Append(ID_RESUME_CALL, _("Resume &held call\tF3"), _("Take up a call whose wrap-up is not finished"));
    call->Append(ID_DISCARD_CALL, _("&Discard this call..."),
                 _("A wrong number or a dropped call: nothing is recorded"));

    auto* help = new wxMenu;
    help->Append(ID_SHORTCUTS, _("&Keyboard shortcuts\tF1"));
    help->Append(wxID_ABOUT, _("&About CivicDesk"));

    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    bar->Append(view, _("&View"));
    bar->Append(people, _("&Contacts"));
    bar->Append(call, _("C&all"));
    bar->Append(knowledge, _("&Knowledge"));
    bar->Append(help, _("&Help"));
    SetMenuBar(bar);

    Bind(wxEVT_MENU, &MainFrame::OnSettings, this, wxID_PREFERENCES);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { Close(); }, wxID_EXIT);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { FocusPane(m_caller); }, ID_FOCUS_CALLER);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { FocusPane(m_knowledge); }, ID_FOCUS_KNOWLEDGE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { FocusPane(m_knowledge); }, ID_SEARCH_KNOWLEDGE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { FocusPane(m_wrapup); }, ID_FOCUS_WRAPUP);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { ResetLayout(); }, ID_RESET_LAYOUT);
    Bind(wxEVT_MENU, &MainFrame::OnShortcuts, this, ID_SHORTCUTS);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { OpenEditor(0); }, ID_NEW_ARTICLE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        if (auto id = m_knowledge->ShownArticle())
            OpenEditor(*id);
        else
            SetStatusText(_("Open an article in the knowledge pane first."), kStatusKnowledge);
    }, ID_EDIT_ARTICLE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        if (auto id = m_knowledge->ShownArticle()) {
            HistoryDialog dialog(this, m_session.Knowledge(), [this] { return Actor(); }, *id);
            dialog.ShowModal();
        } else {
            SetStatusText(_("Open an article in the knowledge pane first."), kStatusKnowledge);
        }
    }, ID_ARTICLE_HISTORY);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { OpenReviewQueue(); }, ID_REVIEW_QUEUE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { m_knowledge->InsertShown(); }, ID_INSERT_ARTICLE);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { SyncKnowledge(); }, ID_SYNC_KNOWLEDGE);
    Bind(wxEVT_MENU, &MainFrame::OnAbout, this, wxID_ABOUT);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { m_wrapup->EndCall(); }, ID_END_CALL);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { m_wrapup->Finish(); }, ID_FINISH_WRAPUP);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { ResumeHeld(); }, ID_RESUME_CALL);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        const auto shown = m_caller->ShownContact();
        AuditDialog dialog(this, m_session, shown ? std::optional<std::int64_t>(shown) : std::nullopt,
                           m_caller->NameLabel()->GetLabel());
        dialog.ShowModal();
    }, ID_AUDIT_LOG);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { DiscardCall(); }, ID_DISCARD_CALL);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { StartCall(contacts::Channel::PhoneIn); }, ID_START_CALL);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { StartCall(contacts::Channel::PhoneOut); }, ID_START_OUTGOING);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { OpenOutbox(); }, ID_OUTBOX);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { SyncCrm(true); }, ID_REFRESH_CRM);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) { FocusPane(m_caller); }, ID_FIND_CONTACT);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        FocusPane(m_caller);
        m_caller->ShowNewContactForm(wxString(), wxString());
    }, ID_NEW_CONTACT);
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        // A call in progress is held (OnActive), not lost or carried over.
        FocusPane(m_caller);
        m_caller->StartWalkIn();
    }, ID_WALK_IN);
}

void MainFrame::BuildPanes()
{
    m_aui.SetManagedWindow(this);
    m_caller = new CallerPane(this, m_session, [this](const std::optional<ActiveContact>& a) { OnActive(a); });
    auto actor = [this] { return Actor(); };
    m_knowledge = new KnowledgePane(this, m_session.Knowledge(), actor, [this](const wxString& text) {
        m_wrapup->AppendToNotes(text);
    });
    // The center's own questions: a file a center edits, checked as it is read.
    const auto form_file = sync::CenterFormFile(m_session.GetPaths().data_dir, m_session.GetPaths().resources_dir);
    auto form = sync::LoadCenterForm(form_file);
    if (!form)
        m_form_problem = wxString::Format(_("The center's wrap-up questions were not loaded, the built-in ones are "
                                            "used: %s"),
                                          wxString::FromUTF8(form.Err().message));
    m_wrapup = new WrapUpPane(this, m_session, m_session.Knowledge(),
                              (form ? std::move(form).Value() : sync::DefaultCenterForm()).In(UiLanguage()),
                              [this](std::int64_t id) { m_knowledge->OpenArticle(id); });
    m_wrapup->OnResume([this] { ResumeHeld(); });
    m_wrapup->OnHeldAfterFailure([this](const sync::Draft& d) {
        m_held.push_back(d);
        ShowHeld();
    });
    m_wrapup->OnFinish([this](sync::WrapUp w, std::function<void(bool)> done) {
        const bool files_request = w.request.has_value();
        m_caller->FinishInteraction(std::move(w), [this, done = std::move(done), files_request](bool ok) {
            if (done)
                done(ok);
            if (!ok)
                return;
            FocusPane(m_caller);
            RefreshStatus();
            // "Restored…", "Resumed…": about the call just stored.
            ShowAgent(m_session.GetSettings());
            if (files_request)
                SyncCrm(); // on its way at once when the CRM is there
        });
    });

    // Pane names are the keys of the saved layout: never translate or rename them.
    m_aui.AddPane(m_caller, wxAuiPaneInfo()
                                .Name("caller")
                                .Caption(_("Caller and timeline"))
                                .Left()
                                .BestSize(FromDIP(wxSize(560, 600)))
                                .MinSize(FromDIP(wxSize(260, 200)))
                                .CloseButton(false));
    m_aui.AddPane(m_knowledge, wxAuiPaneInfo()
                                   .Name("knowledge")
                                   .Caption(_("Knowledge base"))
                                   .CenterPane()
                                   .PaneBorder(true)
                                   .CaptionVisible(true));
    m_aui.AddPane(m_wrapup, wxAuiPaneInfo()
                                .Name("wrapup")
                                .Caption(_("Wrap-up"))
                                .Right()
                                .BestSize(FromDIP(wxSize(380, 600)))
                                .MinSize(FromDIP(wxSize(260, 200)))
                                .CloseButton(false));
    m_aui.Update();
    m_default_perspective = m_aui.SavePerspective();

    // Past the dock size wxAUI allows by default (a third): the caller pane
    // takes its share (DeskLayout).
    m_aui.SetDockSizeConstraint(0.6, 0.6);
    wxString saved;
    const bool restored = m_config->Read("layout/perspective", &saved) && !saved.empty() &&
                          m_aui.LoadPerspective(saved, true);
    int w = 0, h = 0;
    if (m_config->Read("layout/width", &w) && m_config->Read("layout/height", &h) && w > 0 &&
        h > 0) {
        // Saved at another screen, it may not fit this one: End call and
        // Finish would be out of reach.
        const int display = wxDisplay::GetFromWindow(this);
        const wxRect area =
            wxDisplay(display == wxNOT_FOUND ? 0u : static_cast<unsigned>(display)).GetClientArea();
        SetSize(std::min(w, area.width), std::min(h, area.height));
        if (!area.Contains(GetScreenRect()))
            Move(area.GetTopLeft());
    }
    if (restored)
        m_aui.AdoptShare(GetClientSize().GetWidth());
    else
        m_aui.KeepShare(GetClientSize().GetWidth());
    Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        e.Skip(); // wxAUI lays out first
        CallAfter([this] {
            m_aui.KeepShare(GetClientSize().GetWidth());
            FitStatusFields();
        });
    });
    // A laptop-sized desk works with the whole screen from the first start.
    if (m_config->ReadBool("layout/maximized", m_small_screen && !m_config->HasEntry("layout/width")))
        Maximize();
}

void MainFrame::SaveLayout()
{
    m_config->Write("layout/perspective", m_aui.SavePerspective());
    m_config->Write("layout/maximized", IsMaximized());
    if (!IsMaximized() && !IsIconized()) {
        m_config->Write("layout/width", GetSize().GetWidth());
        m_config->Write("layout/height", GetSize().GetHeight());
    }
    m_config->Flush();
}

void MainFrame::ResetLayout()
{
    m_aui.LoadPerspective(m_default_perspective, true);
    m_aui.ResetShare(GetClientSize().GetWidth());
    SaveLayout();
}

void MainFrame::OnClose(wxCloseEvent& event)
{
    // What was typed in the last moment before quitting, not only what the
    // typing pause had saved; the store writes it before it closes.
    m_wrapup->SaveDraftNow();
    SaveLayout();
    m_session.Outbox().Stop(); // a round in progress ends between two entries
    event.Skip(); // default handling destroys the frame
}

void MainFrame::ShowRefusedPlugins()
{
    wxString files, reasons;
    int refused = 0;
    for (const auto& p : services::LoadedPlugins()) {
        if (p.loaded)
            continue;
        ++refused;
        files += (files.empty() ? "" : ", ") + wxString::FromUTF8(p.path.filename().string());
        reasons += wxString::FromUTF8(p.path.string() + ": " + p.refused) + "\n";
    }
    if (!refused)
        return;
    // The console runs without them; the reasons (English detail) in the tooltip.
    SetStatusText(wxString::Format(wxPLURAL("%d plugin was not loaded (%s): civicdesk-cli plugins list says why",
                                            "%d plugins were not loaded (%s): civicdesk-cli plugins list says why",
                                            refused),
                                   refused, files),
                  kStatusAgent);
    GetStatusBar()->SetToolTip(reasons);
}

void MainFrame::FocusPane(wxWindow* pane)
{
    auto& info = m_aui.GetPane(pane);
    if (info.IsOk() && !info.IsShown()) {
        info.Show();
        m_aui.Update();
    }
    if (pane == m_caller)
        m_caller->FocusPrimary();
    else if (pane == m_knowledge)
        m_knowledge->FocusPrimary();
    else if (pane == m_wrapup)
        m_wrapup->FocusPrimary();
}

void MainFrame::SetStatusText(const wxString& text, int number)
{
    wxFrame::SetStatusText(text, number);
    if (!m_fit_status_pending) { // once for a burst of texts
        m_fit_status_pending = true;
        CallAfter([this] {
            m_fit_status_pending = false;
            FitStatusFields();
        });
    }
}

void MainFrame::FitStatusFields()
{
    wxStatusBar* bar = GetStatusBar();
    if (!bar)
        return;
    // Widths in proportion to the texts, the space left shared alike, and
    // at least a little for a field that is empty now.
    int widths[kStatusFieldCount];
    const int pad = FromDIP(24);
    int total = 0;
    for (int i = 0; i < kStatusFieldCount; ++i) {
        const wxString t = bar->GetStatusText(i);
        widths[i] = t.empty() ? FromDIP(40) : bar->GetTextExtent(t).GetWidth() + pad;
        total += widths[i];
    }
    const int room = bar->GetClientSize().GetWidth() - FromDIP(24); // the size grip
    if (room > total) {
        const int spare = (room - total) / kStatusFieldCount;
        for (int& w : widths)
            w += spare;
    } else {
        for (int& w : widths)
            w = -std::max(1, w); // too little room for all: each gives up in proportion
    }
    bar->SetStatusWidths(kStatusFieldCount, widths);
}

void MainFrame::ShowAgent(const Settings& s)
{
    const wxString agent = s.agent_name.empty() ? _("Agent not set (File > Settings)")
                                                : wxString::FromUTF8(s.agent_name);
    SetStatusText(agent + L" \u2014 " + RoleLabel(s.role), kStatusAgent);
}

void MainFrame::ApplySettings(const Settings& s)
{
    ShowAgent(s);
    // The sync engine reports Online and Syncing; without a CRM the console is
    // offline by design and says why.
    SetStatusText(s.HasCrm() ? (m_crm_online ? _("Online") : _("Offline")) : _("Offline: no CRM configured"),
                  kStatusConnection);
    if (!s.HasKnowledgeSource())
        SetStatusText(_("Knowledge: this console only"), kStatusKnowledge);
    const bool manager = MayEditKnowledge(s.role);
    for (int id : {ID_NEW_ARTICLE, ID_EDIT_ARTICLE, ID_REVIEW_QUEUE})
        GetMenuBar()->Enable(id, manager);
    GetMenuBar()->Enable(ID_SYNC_KNOWLEDGE, s.HasKnowledgeSource());
}

void MainFrame::RefreshStatus() { m_session.Outbox().RefreshCounts(); }

void MainFrame::OnOutboxCounts(const Result<sync::OutboxCounts>& count)
{
    if (!count) {
        SetStatusText(_("Outbox: unavailable"), kStatusOutbox);
        return;
    }
    const auto [pending, attention, failing_long] = count.Value();
    wxString text = wxString::Format(wxPLURAL("Outbox: %d pending", "Outbox: %d pending", pending), pending);
    if (failing_long)
        text += wxString::Format(wxPLURAL(" (%d failing 1 h+)", " (%d failing 1 h+)",
                                          failing_long),
                                 failing_long);
    if (attention)
        text += wxString::Format(wxPLURAL(", %d needs attention", ", %d need attention", attention), attention);
    SetStatusText(text, kStatusOutbox);
}

void MainFrame::HandleArgs(const std::vector<wxString>& args)
{
    bool popped = false;
    for (size_t i = 0; i < args.size(); ++i) {
        wxString value;
        if (args[i] == "--pop" && i + 1 < args.size())
            value = args[++i];
        else if (!args[i].StartsWith("--pop=", &value))
            continue;
        m_caller->ShowIncoming(value); // a call in progress is held first (OnActive)
        // The title names the caller so the taskbar entry does too.
        SetTitle(wxString(kAppName) + L" \u2014 " + m_caller->CurrentCaller());
        FocusPane(m_caller);
        popped = true;
    }
    if (IsIconized())
        Iconize(false);
    Show();
    Raise();
    // Flashes the taskbar entry when the window manager would not raise us
    // (focus-stealing prevention). Only a mapped window can ask for attention.
    // wxGTK yields inside RequestUserAttention, which needs a running event loop.
    if (popped && wxEventLoopBase::GetActive() && IsShownOnScreen() && !IsActive())
        RequestUserAttention();
}

void MainFrame::SyncCrm(bool refresh_all) { m_session.SyncCrm(refresh_all); }

void MainFrame::WatchOutbox(OutboxDialog& view) { m_outbox_view = &view; }

void MainFrame::OpenOutbox()
{
    OutboxDialog dialog(this, m_session, [this] {
        RefreshStatus();
        SyncCrm();
    });
    WatchOutbox(dialog);
    dialog.ShowModal();
    RefreshStatus();
}

void MainFrame::OnSettings(wxCommandEvent&)
{
    SettingsDialog dialog(this, m_session.GetPaths(), m_session.GetSettings(), services::ConnectorInfos());
    if (dialog.ShowModal() != wxID_OK)
        return;
    const Settings s = dialog.GetSettings();
    m_session.SaveSettings(s);
    ApplySettings(s);
    if (dialog.KbPasswordChanged())
        m_session.SaveSecret(s.kb_source_url, dialog.GetKbPassword(),
                             OnWindow(this, [this](Result<SecretSaved>) { SyncKnowledge(); }));
    else
        SyncKnowledge();
    // The CRM is asked at once (its catalog, its statuses), not at the next
    // round half a minute on; with a new key, once the key is saved.
    if (!dialog.ApiKeyChanged()) {
        if (s.HasCrm())
            SyncCrm(true);
        return;
    }
    m_session.SaveSecret(
        s.crm_endpoint, dialog.GetApiKey(), OnWindow(this, [this](Result<SecretSaved> saved) {
            if (!saved) {
                wxMessageBox(wxString::Format(_("The API key could not be saved:\n%s"),
                                              wxString::FromUTF8(saved.Err().message)),
                             _("Settings"), wxOK | wxICON_ERROR, this);
            } else if (!saved->in_secret_service) {
                wxMessageBox(
                    wxString::Format(_("No secret service is available on this desktop (%s).\n\n"
                                       "The API key was saved in %s, readable only by you."),
                                     wxString::FromUTF8(saved->why_not),
                                     wxString::FromUTF8(saved->fallback_file.string())),
                    _("Settings"), wxOK | wxICON_INFORMATION, this);
            }
            if (saved)
                SyncCrm(true);
        }));
}

void MainFrame::OnShortcuts(wxCommandEvent&)
{
    ShortcutsDialog dialog(this, GetMenuBar());
    dialog.ShowModal();
}

void MainFrame::OnAbout(wxCommandEvent&)
{
    wxAboutDialogInfo info;
    info.SetName(kAppName);
    info.SetVersion(kVersion);
    info.SetDescription(_("The agent console for city 311 contact centers: callers and their "
                          "history, the knowledge base and call wrap-up in one window, "
                          "working offline and syncing with the city's CRM over Open311."));
    info.SetCopyright("(C) 2026 CivicDesk contributors");
    info.SetLicence("GPL-3.0-or-later");
    info.SetWebSite("https://civicdesk.example.org");
    if (const auto& icons = GetIcons(); icons.IsOk())
        info.SetIcon(icons.GetIcon(wxSize(128, 128)));
    wxAboutBox(info, this);
}

} // namespace civic::ui
