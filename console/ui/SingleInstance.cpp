#include "ui/SingleInstance.h"

#include <wx/filefn.h>
#include <wx/ipc.h>
#include <wx/log.h>
#include <wx/snglinst.h>
#include <wx/tokenzr.h>

#include <filesystem>

namespace civic::ui {
namespace {

const wxString kTopic = "civicdesk-args";

class ArgsConnection : public wxConnection
{
public:
    explicit ArgsConnection(std::function<void(std::vector<wxString>)> handler)
        : m_handler(std::move(handler))
    {
    }

    bool OnExecute(const wxString&, const void* data, size_t size, wxIPCFormat format) override
    {
        const wxString text = GetTextFromData(data, size, format);
        std::vector<wxString> args;
        wxStringTokenizer tokens(text, "\n", wxTOKEN_RET_EMPTY_ALL);
        while (tokens.HasMoreTokens())
            args.push_back(tokens.GetNextToken());
        if (!args.empty() && args.back().empty())
            args.pop_back();
        // Handle after this IPC callback returns, so a modal dialog opened by the
        // handler cannot block the sender waiting for its acknowledgement.
        wxTheApp->CallAfter([h = m_handler, args] { h(args); });
        return true;
    }

private:
    std::function<void(std::vector<wxString>)> m_handler;
};

class ArgsServer : public wxServer
{
public:
    explicit ArgsServer(std::function<void(std::vector<wxString>)> handler)
        : m_handler(std::move(handler))
    {
    }
    wxConnectionBase* OnAcceptConnection(const wxString& topic) override
    {
        return topic == kTopic ? new ArgsConnection(m_handler) : nullptr;
    }

private:
    std::function<void(std::vector<wxString>)> m_handler;
};

} // namespace

SingleInstance::SingleInstance(const Paths& paths)
{
    (void)paths.Create();
    m_socket = wxString::FromUTF8((paths.runtime_dir / "console.sock").string());
    m_checker = std::make_unique<wxSingleInstanceChecker>();
    // A lock that cannot be written (a full disk, a read-only folder) is not
    // told here in wxWidgets' English: opening the store that comes next says
    // what is wrong, translated.
    wxLogNull quiet;
    m_checker->Create("console.lock", wxString::FromUTF8(paths.runtime_dir.string()));
}

SingleInstance::~SingleInstance()
{
    if (m_server) {
        m_server.reset();
        if (wxFileExists(m_socket))
            wxRemoveFile(m_socket);
    }
}

bool SingleInstance::IsPrimary() const { return !m_checker->IsAnotherRunning(); }

bool SingleInstance::SendToPrimary(const std::vector<wxString>& args)
{
    wxLogNull quiet;
    wxClient client;
    std::unique_ptr<wxConnectionBase> conn(client.MakeConnection("localhost", m_socket, kTopic));
    if (!conn)
        return false;
    wxString text;
    for (const auto& a : args)
        text << a << "\n";
    const bool sent = conn->Execute(text);
    conn->Disconnect();
    return sent;
}

bool SingleInstance::Listen(std::function<void(std::vector<wxString>)> handler)
{
    // We hold the instance lock, so a socket file left here is a crashed
    // console's and safe to remove.
    if (wxFileExists(m_socket))
        wxRemoveFile(m_socket);
    auto server = std::make_unique<ArgsServer>(std::move(handler));
    if (!server->Create(m_socket))
        return false;
    m_server = std::move(server);
    return true;
}

} // namespace civic::ui
