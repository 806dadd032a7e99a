// One console per data folder. A second launch (say, a softphone running
// `civicdesk --pop tel:+12155550100`) hands its arguments to the running console
// over a Unix socket in the runtime folder and exits.
//
// Thread: UI thread. The handler passed to Listen() runs on the UI thread.
#pragma once

#include <civic/core/Paths.h>

#include <wx/ipc.h>
#include <wx/string.h>

#include <functional>
#include <memory>
#include <vector>

class wxSingleInstanceChecker;

namespace civic::ui {

class SingleInstance
{
public:
    explicit SingleInstance(const Paths& paths);
    ~SingleInstance();

    // True when no other console runs on this data folder.
    bool IsPrimary() const;

    // Second instance: gives args to the primary. False if it did not answer.
    bool SendToPrimary(const std::vector<wxString>& args);

    // Primary: accepts arguments from later launches.
    bool Listen(std::function<void(std::vector<wxString>)> handler);

private:
    std::unique_ptr<wxSingleInstanceChecker> m_checker;
    std::unique_ptr<wxServer> m_server;
    wxString m_socket;
};

} // namespace civic::ui
