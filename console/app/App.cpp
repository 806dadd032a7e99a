// The console application: command line, single instance, start-up.
//
//   civicdesk [--data-dir DIR] [--pop tel:+12155550100 | mailto:someone@example.org]
//   civicdesk tel:+12155550100      (a clicked phone link: the desktop file's %U)
//   civicdesk --version | --help    (answered without a display)
//
// A second launch hands its arguments to the console already running on the
// same data folder and exits; softphones and CTI connectors use this for
// screen pops.
#include <civic/core/Version.h>
#include <civic/services/Plugins.h>
#include <civic/services/Session.h>

#include "ui/I18n.h"
#include "ui/MainFrame.h"
#include "ui/PopLink.h"
#include "ui/SingleInstance.h"
#include "ui/Startup.h"

#include <wx/app.h>
#include <wx/cmdline.h>
#include <wx/image.h>
#include <wx/msgdlg.h>

#include <clocale>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <langinfo.h>
#include <optional>
#include <string_view>

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
    parser.AddParam("LINK", wxCMD_LINE_VAL_STRING, wxCMD_LINE_PARAM_OPTIONAL | wxCMD_LINE_PARAM_MULTIPLE);
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
    for (size_t i = 0; i < parser.GetParamCount(); ++i) {
        const auto pop = ui::PopFromLink(parser.GetParam(i).utf8_string());
        if (!pop) {
            std::cerr << "civicdesk: " << parser.GetParam(i).utf8_string().substr(0, 80)
                      << ": not a tel:, callto:, sip: or mailto: link\n";
            return false;
        }
        m_forward.push_back("--pop");
        m_forward.push_back(wxString::FromUTF8(*pop));
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

wxIMPLEMENT_APP_NO_MAIN(civic::App);

namespace {

constexpr const char* kUsage =
    "Usage: civicdesk [--data-dir DIR] [--pop tel:NUMBER|mailto:ADDRESS] [LINK...]\n"
    "\n"
    "The agent console for city 311 contact centers.\n"
    "\n"
    "  --data-dir DIR   folder for the local store (default: the XDG data folder)\n"
    "  --pop LINK       screen pop for a caller: tel:NUMBER or mailto:ADDRESS\n"
    "  LINK             a tel:, callto:, sip: or mailto: link, as a clicked link hands it over\n"
    "  --version        print the version and exit\n"
    "  --help           print this help and exit\n"
    "\n"
    "A second launch on the same data folder hands its pop to the console already running.\n";

} // namespace

int main(int argc, char** argv)
{
    wxDISABLE_DEBUG_SUPPORT(); // as wxIMPLEMENT_APP does: no assert dialogs in a release build
    // Answered before the toolkit starts, so scripts and package checks need no display.
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--version") {
            std::cout << "civicdesk " << civic::kVersion << "\n";
            return 0;
        }
        if (arg == "--help" || arg == "-h") {
            std::cout << kUsage;
            return 0;
        }
    }
    // Narrow text reaches wxString through the C library's character set:
    // under the "C" locale (LANG unset, as services and some kiosks start
    // programs) every non-ASCII character would be lost. UTF-8 then.
    // Set in the environment, as GTK sets the locale again from it.
    std::setlocale(LC_CTYPE, "");
    if (std::strcmp(nl_langinfo(CODESET), "UTF-8") != 0) {
        ::setenv("LC_CTYPE", "C.UTF-8", 1);
        ::unsetenv("LC_ALL"); // LC_ALL=C would override it; messages keep LANG/LANGUAGE
        std::setlocale(LC_CTYPE, "");
    }
    return wxEntry(argc, argv);
}
