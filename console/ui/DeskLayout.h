// The three panes' share of the window. wxAUI gives every change of the
// window's width to the center pane (the knowledge base); a wider screen
// should widen the caller's timeline too. The left dock (the caller pane)
// keeps a share of the width: 43 % at first, then whatever share the agent
// last gave it by dragging its edge.
#pragma once

#include <wx/aui/framemanager.h>

namespace civic::ui {

class DeskLayout : public wxAuiManager
{
public:
    // Sizes the left dock to its share of this width and lays out again.
    void KeepShare(int frame_width);
    // Takes the share from the left dock as it is now (a restored layout).
    void AdoptShare(int frame_width);
    // Back to the first share (View > Reset layout).
    void ResetShare(int frame_width);

private:
    wxAuiDockInfo* LeftDock();

    static constexpr double kFirstShare = 0.43;
    double m_share = kFirstShare;
    int m_set_size = 0;  // what KeepShare last gave the dock
    int m_set_width = 0; // at this window width
};

} // namespace civic::ui
