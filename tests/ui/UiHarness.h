// What every UI test needs: pumping the event loop until something shows,
// one console on a private data folder with its real main window, and
// questions put to its store from the test.
#pragma once

#include "ui/MainFrame.h"

#include <civic/services/Session.h>

#include <wx/app.h>
#include <wx/choicdlg.h>
#include <wx/evtloop.h>
#include <wx/menu.h>
#include <wx/statusbr.h>
#include <wx/testing.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <thread>

namespace civic::uitest {

using ui::MainFrame;

inline void Pump()
{
    wxTheApp->ProcessPendingEvents();
    wxYield();
}

template <class Pred>
inline bool PumpUntil(Pred pred, int timeout_ms = 5000)
{
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
        Pump();
        if (pred())
            return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return pred();
}

// One console on a private data folder, with its main window.
struct ConsoleWindow
{
    explicit ConsoleWindow(const std::filesystem::path& dir)
    {
        auto opened = services::ConsoleSession::Open(Paths::FromEnvironment(dir));
        BOOST_TEST_REQUIRE(opened.IsOk());
        session = std::move(opened).Value();
        console = &session->Core();
        frame = new MainFrame(*session);
        frame->Show();
        PumpUntil([&] { return frame->IsShownOnScreen(); });
    }
    ~ConsoleWindow()
    {
        if (frame) {
            frame->Close(true);
            PumpUntil([] { return wxTopLevelWindows.empty(); });
        }
    }
    void CloseWindow()
    {
        frame->Close(true);
        PumpUntil([] { return wxTopLevelWindows.empty(); });
        frame = nullptr;
    }
    std::unique_ptr<services::ConsoleSession> session;
    Console* console = nullptr; // the session's core
    MainFrame* frame = nullptr;
};

inline wxString Status(MainFrame* f, int field) { return f->GetStatusBar()->GetStatusText(field); }

inline int MenuIdFor(MainFrame* f, const wxString& menu, const wxString& item)
{
    return f->GetMenuBar()->FindMenuItem(menu, item);
}

template <class T>
T QueryStore(ConsoleWindow& w, std::function<T(store::Database&)> fn)
{
    auto f = w.console->Store().Submit(std::move(fn));
    PumpUntil([&] { return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready; });
    return f.get();
}

// Answers a wxSingleChoiceDialog with the given row.
class ChooseRow : public wxExpectModalBase<wxSingleChoiceDialog, ChooseRow>
{
public:
    explicit ChooseRow(int row) : m_row(row) {}

protected:
    int OnInvoked(wxSingleChoiceDialog* dlg) const override
    {
        dlg->SetSelection(m_row);
        return wxID_OK;
    }

private:
    int m_row;
};

} // namespace civic::uitest
