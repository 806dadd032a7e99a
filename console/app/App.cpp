// The console application: command line, single instance, start-up.
//
//   civicdesk [--data-dir DIR] [--pop tel:+12155550100 | mailto:someone@example.org]
//
// A second launch hands its arguments to the console already running on the
// same data folder and exits; softphones and CTI connectors use this for
// screen pops.
#include <civic/core/Version.h>
#include <civic/services/Plugins.h>
#include <civic/services/Session.h>

#include "ui/I18n.h"
#include "ui/MainFrame.h"
#include "ui/SingleInstance.h"
#include "ui/Startup.h"

#include <wx/app.h>
#include <wx/cmdline.h>
#include <wx/image.h>
#include <wx/msgdlg.h>

#include <iostream>
#include <optional>

namespace civic {
namespace {

class App : public wxApp
{
public:
    bool OnInit() override;
    int OnRun() override;
    int OnExit() override;
    void OnInitCmdLine(wxCmdLineParser& parser) override;
    bool OnCmdLineParsed(wxCmdLineParser& parser) override;

private:
    std::optional<std::filesystem::path> m_data_dir;
    std::vector<wxString> m_forward; // arguments for the (possibly other) console
    std::unique_ptr<ui::SingleInstance> m_instance;
    std::unique_ptr<services::ConsoleSession> m_session;
    // Set when this process has nothing to run (arguments handed to the
    // running console, or start-up refused): OnRun returns it at once.
    std::optional<int> m_exit_code;
};

void App::OnInitCmdLine(wxCmdLineParser& parser)
{
    wxApp::OnInitCmdLine(parser);
    parser.AddOption("", "data-dir", "folder for the local store (default: XDG data folder)");
    parser.AddOption("", "pop", "screen pop for a caller: tel:NUMBER or mailto:ADDRESS");
    parser.AddSwitch("", "version", "print the version and exit");
}

bool App::OnCmdLineParsed(wxCmdLineParser& parser)
{
    if (parser.Found("version")) {
        std::cout << "civicdesk " << kVersion << std::endl;
        std::exit(0);
    }
    wxString value;
    if (parser.Found("data-dir", &value))
        m_data_dir = std::filesystem::path(value.utf8_string());
    if (parser.Found("pop", &value)) {
        m_forward.push_back("--pop");
        m_forward.push_back(value);
    }
    return wxApp::OnCmdLineParsed(parser);
}

bool App::OnInit()
{
    SetAppName("civicdesk");
    SetAppDisplayName(kAppName);
    if (!wxApp::OnInit())
        return false;
    wxInitAllImageHandlers();

    const Paths paths = Paths::FromEnvironment(m_data_dir);
    m_instance = std::make_unique<ui::SingleInstance>(paths);
    if (!m_instance->IsPrimary()) {
        if (m_instance->SendToPrimary(m_forward)) {
            m_exit_code = 0; // the running console has it; this process is done
            return true;
        }
        std::cerr << "civicdesk: another console holds " << paths.runtime_dir.string()
                  << " but does not answer\n";
        m_exit_code = 1;
        return true;
    }

    auto session = services::ConsoleSession::Open(paths);
    if (!session) {
        ui::SetUpTranslations(paths, {});
        const wxString message = ui::StartupErrorMessage(session.Err());
        std::cerr << message.utf8_string() << std::endl;
        wxMessageBox(message, kAppName, wxOK | wxICON_ERROR);
        m_exit_code = 1;
        return true;
    }
    m_session = std::move(session).Value();
    for (const auto& p : services::LoadedPlugins())
        if (!p.loaded) // the status bar says so too; the console runs without it
            std::cerr << "civicdesk: plugin " << p.path.string() << " not loaded: " << p.refused << "\n";
    ui::SetUpTranslations(paths, m_session->GetSettings().ui_language);

    auto* frame = new ui::MainFrame(*m_session);
    frame->Show();
    SetTopWindow(frame);
    // Handled once the main loop runs, like a pop from a second launch.
    CallAfter([frame = wxWeakRef<ui::MainFrame>(frame), args = m_forward] {
        if (frame)
            frame->HandleArgs(args);
    });
    m_instance->Listen([frame = wxWeakRef<ui::MainFrame>(frame)](std::vector<wxString> args) {
        if (frame)
            frame->HandleArgs(args);
    });
    return true;
}

int App::OnRun()
{
    return m_exit_code ? *m_exit_code : wxApp::OnRun();
}

int App::OnExit()
{
    m_instance.reset();
    m_session.reset(); // after every window: pending results find no window and are dropped
    return wxApp::OnExit();
}

} // namespace
} // namespace civic

wxIMPLEMENT_APP(civic::App);
