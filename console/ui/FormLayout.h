// What the wrap-up's generated forms share: the colour of a mistake shown
// beside its field, and laying out again up to the scrolled area they sit in.
#pragma once

#include <wx/colour.h>
#include <wx/scrolwin.h>
#include <wx/window.h>

namespace civic::ui {

inline const wxColour kFieldError(0xb0, 0x00, 0x20);

// Relays out up to the wrap-up pane: when the form sits in a scrolled area,
// that area's scrollable size changes with it.
inline void LayoutUp(wxWindow* w)
{
    w->Layout();
    for (wxWindow* p = w->GetParent(); p; p = p->GetParent()) {
        p->Layout();
        if (auto* scrolled = dynamic_cast<wxScrolledWindow*>(p)) {
            scrolled->FitInside();
            if (scrolled->GetParent())
                scrolled->GetParent()->Layout();
            return;
        }
    }
}

} // namespace civic::ui
