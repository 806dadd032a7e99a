#include "ui/MainFrame.h"

#include "ui/Async.h"
#include "ui/KnowledgePane.h"
#include "ui/Panes.h"
#include "ui/SettingsDialog.h"
#include "ui/ShortcutsDialog.h"

#include <civic/core/Secrets.h>
#include <civic/core/Version.h>

#include <wx/aboutdlg.h>
#include <wx/bmpbndl.h>
#include <wx/evtloop.h>
#include <wx/fileconf.h>
#include <wx/iconbndl.h>
#include <wx/menu.h>
#include <wx/msgdlg.h>
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
};

constexpr int kStatusRefreshMs = 5000;

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

} // namespace

MainFrame::MainFrame(Console& console)
    : wxFrame(nullptr, wxID_ANY, kAppName, wxDefaultPosition, wxSize(1200, 760)),
      m_console(console),
      m_knowledge_service(std::make_unique<kb::KnowledgeService>(console.GetPaths())),
      m_status_timer(this)
{
    SetName("civicdesk_main");
    SetMinSize(FromDIP(wxSize(800, 500)));
    // One SVG serves every size the window manager asks for.
    const auto svg = console.GetPaths().resources_dir / "icons" / "civicdesk.svg";
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
        wxString::FromUTF8((console.GetPaths().config_dir / "ui.ini").string()), wxEmptyString,
        wxCONFIG_USE_LOCAL_FILE);

    BuildMenus();
    CreateStatusBar(kStatusFieldCount);
    const int widths[kStatusFieldCount] = {-2, -2, -1};
    GetStatusBar()->SetStatusWidths(kStatusFieldCount, widths);
    BuildPanes();
    ApplySettings(console.GetSettings());

    Bind(wxEVT_CLOSE_WINDOW, &MainFrame::OnClose, this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { RefreshStatus(); });
    m_status_timer.Start(kStatusRefreshMs);
    RefreshStatus();
    m_caller->FocusPrimary();
}

MainFrame::~MainFrame()
{
    m_status_timer.Stop();
    m_aui.UnInit();
}

void MainFrame::BuildMenus()
{
    auto* file = new wxMenu;
    file->Append(wxID_PREFERENCES, _("&Settings...\tCtrl+,"), _("Agent, role, CRM connection"));
    file->AppendSeparator();
    file->Append(wxID_EXIT, _("&Quit\tCtrl+Q"));

    auto* view = new wxMenu;
    view->Append(ID_FOCUS_CALLER, _("&Caller and timeline\tCtrl+1"));
    view->Append(ID_FOCUS_KNOWLEDGE, _("&Knowledge base\tCtrl+2"));
    view->Append(ID_FOCUS_WRAPUP, _("&Wrap-up\tCtrl+3"));
    view->Append(ID_SEARCH_KNOWLEDGE, _("&Search knowledge\tCtrl+K"));
    view->AppendSeparator();
    view->Append(ID_RESET_LAYOUT, _("&Reset layout"));

    auto* help = new wxMenu;
    help->Append(ID_SHORTCUTS, _("&Keyboard shortcuts\tF1"));
    help->Append(wxID_ABOUT, _("&About CivicDesk"));

    auto* bar = new wxMenuBar;
    bar->Append(file, _("&File"));
    bar->Append(view, _("&View"));
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
    Bind(wxEVT_MENU, &MainFrame::OnAbout, this, wxID_ABOUT);
}

void MainFrame::BuildPanes()
{
    m_aui.SetManagedWindow(this);
    m_caller = new CallerPane(this);
    auto actor = [this] {
        const auto s = m_console.GetSettings();
        return kb::Actor{s.agent_name, s.role};
    };
    m_knowledge = new KnowledgePane(this, *m_knowledge_service, actor, [this](const wxString& text) {
        m_wrapup->AppendToNotes(text);
    });
    m_wrapup = new WrapUpPane(this, *m_knowledge_service, [this](std::int64_t id) {
        m_knowledge->OpenArticle(id);
    });

    // Pane names are the keys of the saved layout: never translate or rename them.
    m_aui.AddPane(m_caller, wxAuiPaneInfo()
                                .Name("caller")
                                .Caption(_("Caller and timeline"))
                                .Left()
                                .BestSize(FromDIP(wxSize(420, 600)))
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

    wxString saved;
    if (m_config->Read("layout/perspective", &saved) && !saved.empty())
        m_aui.LoadPerspective(saved, true);
    int w = 0, h = 0;
    if (m_config->Read("layout/width", &w) && m_config->Read("layout/height", &h) && w > 0 &&
        h > 0)
        SetSize(w, h);
    if (m_config->ReadBool("layout/maximized", false))
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
    SaveLayout();
}

void MainFrame::OnClose(wxCloseEvent& event)
{
    SaveLayout();
    event.Skip(); // default handling destroys the frame
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

void MainFrame::ApplySettings(const Settings& s)
{
    const wxString agent = s.agent_name.empty() ? _("Agent not set (File > Settings)")
                                                : wxString::FromUTF8(s.agent_name);
    SetStatusText(agent + L" \u2014 " + RoleLabel(s.role), kStatusAgent);
    // The sync engine reports Online and Syncing; without a CRM the console is
    // offline by design and says why.
    SetStatusText(s.HasCrm() ? _("Offline") : _("Offline: no CRM configured"),
                  kStatusConnection);
}

void MainFrame::RefreshStatus()
{
    QueryThenOnWindow(
        m_console.Store(), this, [](store::Database& db) { return CountPendingOutbox(db); },
        [this](Result<int> count) {
            if (!count) {
                SetStatusText(_("Outbox: unavailable"), kStatusOutbox);
                return;
            }
            SetStatusText(wxString::Format(wxPLURAL("Outbox: %d pending", "Outbox: %d pending",
                                                    count.Value()),
                                           count.Value()),
                          kStatusOutbox);
        });
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
        m_caller->ShowIncoming(value);
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

void MainFrame::OnSettings(wxCommandEvent&)
{
    SettingsDialog dialog(this, m_console.GetPaths(), m_console.GetSettings());
    if (dialog.ShowModal() != wxID_OK)
        return;
    const Settings s = dialog.GetSettings();
    m_console.SaveSettings(s);
    ApplySettings(s);
    if (!dialog.ApiKeyChanged())
        return;

    const Paths paths = m_console.GetPaths();
    RunThenOnWindow(
        m_console.Network(), this,
        [paths, account = s.crm_endpoint, key = dialog.GetApiKey()] {
            return SaveApiKey(paths, account, key);
        },
        [this](Result<SecretSaved> saved) {
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
        });
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
