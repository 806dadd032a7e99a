// MainFrame: what the window shows of the rounds with the CRM and the
// center (the status bar, the timeline refreshed when they bring news).
#include "ui/MainFrame.h"

#include "ui/Async.h"

#include "ui/OutboxDialog.h"
#include "ui/Panes.h"
#include "ui/RequestForm.h"
#include "ui/Utf8.h"

#include <wx/datetime.h>
#include <wx/statusbr.h>

namespace civic::ui {

void MainFrame::OnCrmRound(const services::CrmRound& round)
{
    if (!round.finished) {
        SetStatusText(_("Syncing with the CRM..."), kStatusConnection);
        m_round_started = std::chrono::steady_clock::now();
        m_crm_watch.Start(1000);
        return;
    }
    m_crm_watch.Stop();
    const sync::Round& r = round.round;
    if (!r.configured)
        SetStatusText(_("Offline: no CRM configured"), kStatusConnection);
    else if (r.offline)
        SetStatusText(_("Offline: the CRM cannot be reached; requests wait in the outbox"), kStatusConnection);
    else if (!r.error.empty())
        SetStatusText(wxString::Format(_("CRM: %s"), wxString::FromUTF8(r.error)), kStatusConnection);
    else
        SetStatusText(wxString::Format(_("Online, synced %s"), wxDateTime::Now().Format("%H:%M")),
                      kStatusConnection);
    m_crm_online = r.configured && !r.offline && r.error.empty();
    if (m_outbox_view)
        m_outbox_view->Reload(); // "Send now" shows what came of it
    if (r.delivery.delivered || r.status_changes)
        m_caller->RefreshShown(); // new request ids and statuses in the timeline
    if (r.catalog_services >= 0)
        m_wrapup->Request()->ReloadServices();
}

void MainFrame::OnCenterRound(const services::CenterRound& r)
{
    if (!r.joined) {
        SetStatusText(wxString(), kStatusCenter);
        return;
    }
    wxString text;
    if (!r.online)
        // Short: a 1366-pixel screen gives the field about 250 pixels.
        text = r.queued ? wxString::Format(wxPLURAL("Center offline: %lld waiting", "Center offline: %lld waiting",
                                                    r.queued),
                                           static_cast<long long>(r.queued))
                        : wxString(_("Center offline"));
    else
        text = wxString::Format(_("Center: up to date %s"), wxDateTime::Now().Format("%H:%M"));
    SetStatusText(text, kStatusCenter);
    // Signed in to the center, the agent and role are the center's: granted
    // or taken away there, they hold here from the round after.
    if (r.online) {
        m_session.Core().ReloadSettings(OnWindow(this, [this](bool changed) {
            if (changed)
                ApplySettings(m_session.GetSettings());
        }));
    }
    // Another seat's calls and edits: the caller shown now may have new history.
    if (r.report.pulled)
        m_caller->RefreshShown();
}

} // namespace civic::ui
