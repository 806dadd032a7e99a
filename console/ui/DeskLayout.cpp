#include "ui/DeskLayout.h"

#include <algorithm>
#include <cmath>

namespace civic::ui {

wxAuiDockInfo* DeskLayout::LeftDock()
{
    for (size_t i = 0; i < m_docks.GetCount(); ++i) {
        wxAuiDockInfo& d = m_docks.Item(i);
        if (d.dock_direction == wxAUI_DOCK_LEFT && !d.panes.IsEmpty())
            return &d;
    }
    return nullptr;
}

void DeskLayout::AdoptShare(int frame_width)
{
    wxAuiDockInfo* d = LeftDock();
    if (d && frame_width > 0 && d->size > 0)
        m_share = std::clamp(static_cast<double>(d->size) / frame_width, 0.2, 0.6);
    m_set_size = d ? d->size : 0;
    m_set_width = frame_width;
}

void DeskLayout::ResetShare(int frame_width)
{
    m_share = kFirstShare;
    m_set_size = 0;
    KeepShare(frame_width);
}

void DeskLayout::KeepShare(int frame_width)
{
    wxAuiDockInfo* d = LeftDock();
    if (!d || frame_width <= 0)
        return;
    // A size other than the one given last: the agent dragged the edge.
    if (m_set_size > 0 && m_set_width > 0 && d->size != m_set_size)
        m_share = std::clamp(static_cast<double>(d->size) / m_set_width, 0.2, 0.6);
    const int want = static_cast<int>(std::lround(m_share * frame_width));
    m_set_width = frame_width;
    if (want == d->size && want == m_set_size)
        return;
    d->size = want;
    Update();
    // Laying out may bound it (the window's minimum sizes): what it became
    // is what was given.
    if (wxAuiDockInfo* after = LeftDock())
        m_set_size = after->size;
}

} // namespace civic::ui
