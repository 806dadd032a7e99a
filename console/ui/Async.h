// Background work whose result lands on a window, on the UI thread.
//
// RunThenOnWindow(executor, window, work, then): work() runs on the executor;
// then(result) runs later on the UI thread, only if the window still exists —
// a window closed meanwhile is not an error, its result is dropped.
//
// Thread rules: call from the UI thread. The wxWeakRef is created, read and
// destroyed on the UI thread only; the worker merely carries it (moved, never
// copied) inside a shared_ptr.
#pragma once

#include <civic/core/ConsoleStore.h>
#include <civic/core/Executor.h>

#include <wx/app.h>
#include <wx/weakref.h>
#include <wx/window.h>

#include <memory>
#include <utility>

namespace civic::ui {

template <class Work, class Then>
void RunThenOnWindow(SerialExecutor& executor, wxWindow* window, Work work, Then then)
{
    auto weak = std::make_shared<wxWeakRef<wxWindow>>(window);
    executor.Post([weak = std::move(weak), work = std::move(work),
                   then = std::move(then)]() mutable {
        auto result = work();
        wxAppConsole* app = wxApp::GetInstance();
        if (!app)
            return;
        app->CallAfter([weak = std::move(weak), then = std::move(then),
                        result = std::move(result)]() mutable {
            if (weak->get())
                then(std::move(result));
        });
    });
}

// The same, with work running on the console store's thread and given its
// Database.
template <class Work, class Then>
void QueryThenOnWindow(ConsoleStore& store, wxWindow* window, Work work, Then then)
{
    RunThenOnWindow(store.Executor(), window,
                    [&store, work = std::move(work)]() mutable { return work(store.Db()); },
                    std::move(then));
}

} // namespace civic::ui
