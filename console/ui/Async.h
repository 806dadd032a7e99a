// Results of background work, landing on a window on the UI thread.
//
// OnWindow(window, then): a Reply for a service call (civic/Reply.h). When
// the service answers (on its own thread), then(result) runs later on the UI
// thread, only if the window still exists — a window closed meanwhile is not
// an error, its result is dropped. Windows only call services: the thread
// work runs on is the service's choice, never the window's.
//
// Thread rules: call from the UI thread. The wxWeakRef is created and read on
// the UI thread only, and destroyed there too: the last owner of it may be a
// worker, so its deleter hands the deletion to the UI thread.
#pragma once

#include <civic/Reply.h>

#include <wx/app.h>
#include <wx/thread.h>
#include <wx/weakref.h>
#include <wx/window.h>

#include <memory>
#include <utility>

namespace civic::ui {

namespace detail {

using WindowRef = std::shared_ptr<wxWeakRef<wxWindow>>;

inline WindowRef MakeWindowRef(wxWindow* window)
{
    return WindowRef(new wxWeakRef<wxWindow>(window), [](wxWeakRef<wxWindow>* ref) {
        wxAppConsole* app = wxApp::GetInstance();
        if (wxThread::IsMain() || !app)
            delete ref; // no app: no window left whose tracker it could race with
        else
            app->CallAfter([ref] { delete ref; });
    });
}

// On a worker: queues then(result) for the UI thread.
template <class Then, class R>
void Deliver(const WindowRef& ref, Then then, R result)
{
    wxAppConsole* app = wxApp::GetInstance();
    if (!app)
        return;
    app->CallAfter([ref, then = std::move(then), result = std::move(result)]() mutable {
        if (ref->get())
            then(std::move(result));
    });
}

} // namespace detail

// A services::Reply for a service call from a window, of the type the call
// expects: OnWindow(this, [this](Result<int> r) { ... }).
template <class Then>
auto OnWindow(wxWindow* window, Then then)
{
    return [ref = detail::MakeWindowRef(window), then = std::move(then)](auto result) {
        detail::Deliver(ref, then, std::move(result));
    };
}

} // namespace civic::ui
