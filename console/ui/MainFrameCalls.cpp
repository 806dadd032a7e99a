// The main window's call floor: a softphone pops the next caller whenever it
// likes, so the call whose wrap-up is unfinished is held (saved, shown as
// waiting, resumable with F3) and the new one starts on a clean form. Every
// change of the active call passes through OnActive, the one place that
// decides to hold: nothing typed for one caller is recorded under another.
#include "ui/MainFrame.h"

#include "ui/Async.h"
#include "ui/KnowledgePane.h"
#include "ui/Panes.h"
#include "ui/Utf8.h"

#include <civic/core/Version.h>

#include <wx/choicdlg.h>
#include <wx/datetime.h>
#include <wx/msgdlg.h>

namespace civic::ui {
namespace {

bool SameCall(const WrapUpPane::Call& call, const std::optional<ActiveContact>& active)
{
    return active && call.contact == active->contact && call.started_at == active->started_at;
}

// A console back within this long after a crash may still be on the call.
constexpr std::int64_t kRestartedMidCallS = 120;

wxString Who(const std::string& name) { return name.empty() ? _("anonymous visitor") : U(name); }

} // namespace

void MainFrame::OnActive(const std::optional<ActiveContact>& active)
{
    const auto& current = m_wrapup->CurrentCall();
    if (current && !m_wrapup->Submitting() && !SameCall(*current, active))
        HoldCall();
    // The title names the caller, so the taskbar entry does too; a pop not
    // yet settled shows its number.
    if (active)
        SetTitle(wxString(kAppName) + L" \u2014 " + Who(active->name));
    else if (m_caller->PopPending())
        SetTitle(wxString(kAppName) + L" \u2014 " + m_caller->CurrentCaller());
    else
        SetTitle(kAppName);
    if (!active) {
        m_wrapup->SetCall(std::nullopt);
        return;
    }
    const bool new_call = !current || !SameCall(*current, active);
    m_wrapup->SetCall(WrapUpPane::Call{active->contact, active->name, active->channel, active->started_at,
                                       active->organizations, active->addresses, active->language});
    if (new_call)
        m_knowledge->StartOver(); // the last caller's search is no help to this one
    if (active->channel == contacts::Channel::WalkIn)
        FocusPane(m_wrapup); // the visitor is at the counter: take notes now
}

void MainFrame::HoldCall()
{
    auto held = m_wrapup->Hold();
    if (!held)
        return;
    SetStatusText(wxString::Format(_("The call with %s is waiting for wrap-up: F3 resumes it"), Who(held->contact_name)),
                  kStatusAgent);
    m_held.push_back(std::move(*held));
    ShowHeld();
}

void MainFrame::ShowHeld()
{
    std::sort(m_held.begin(), m_held.end(),
              [](const sync::Draft& a, const sync::Draft& b) { return a.started_at < b.started_at; });
    m_wrapup->ShowHeld(m_held);
}

void MainFrame::ResumeHeld()
{
    if (m_held.empty()) {
        SetStatusText(_("No call is waiting for wrap-up."), kStatusAgent);
        return;
    }
    size_t pick = 0;
    if (m_held.size() > 1) {
        wxArrayString rows;
        for (const auto& d : m_held) {
            const wxString since = wxDateTime(static_cast<time_t>(d.started_at)).Format("%H:%M");
            wxString row = d.channel == contacts::Channel::WalkIn
                               ? wxString::Format(_("Walk-in visit with %s since %s"), Who(d.contact_name), since)
                               : wxString::Format(_("Call with %s since %s"), Who(d.contact_name), since);
            if (!d.notes.empty())
                row += L" \u2014 " + U(d.notes.substr(0, 60));
            rows.Add(row);
        }
        const int chosen = wxGetSingleChoiceIndex(_("Which call's wrap-up do you take up?"),
                                                  _("Calls waiting for wrap-up"), rows, this);
        if (chosen < 0)
            return;
        pick = static_cast<size_t>(chosen);
    }
    const sync::Draft d = m_held[pick];
    m_held.erase(m_held.begin() + static_cast<std::ptrdiff_t>(pick));
    m_session.WrapUps().HoldDraft(d.contact, d.started_at, false);
    // The call in progress, if any, is held by OnActive as this one becomes active.
    m_caller->Resume(ActiveContact{d.contact, d.contact_name, d.channel, d.started_at, {}, {}});
    m_wrapup->Restore(d);
    ShowHeld();
    FocusPane(m_wrapup);
    SetStatusText(wxString::Format(_("Resumed the wrap-up for %s"), Who(d.contact_name)), kStatusAgent);
}

void MainFrame::DiscardCall()
{
    const auto call = m_wrapup->CurrentCall();
    if (!call || m_wrapup->Submitting()) {
        SetStatusText(_("No call or visit in progress"), kStatusAgent);
        return;
    }
    const int answer = wxMessageBox(
        wxString::Format(_("Discard the call with %s? Nothing about it is recorded and what was typed is removed."),
                         Who(call->name)),
        _("Discard this call"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION, this);
    if (answer != wxYES)
        return;
    m_wrapup->SetCall(std::nullopt); // cleared first, so the call is not held
    m_session.WrapUps().DiscardDraft(call->contact, call->started_at);
    m_caller->EndActive();
    SetStatusText(wxString::Format(_("Discarded the call with %s"), Who(call->name)), kStatusAgent);
    FocusPane(m_caller);
}

void MainFrame::StartCall(contacts::Channel channel)
{
    if (!m_caller->StartCall(channel))
        SetStatusText(_("Find the contact first (Ctrl+F), then start the call."), kStatusAgent);
    else
        FocusPane(m_wrapup);
}

void MainFrame::RestoreWrapUp()
{
    m_session.WrapUps().LoadDrafts(OnWindow(this, [this](Result<std::vector<sync::Draft>> drafts) {
        if (!drafts) {
            SetStatusText(wxString::Format(_("The unfinished wrap-up could not be restored: %s"),
                                           wxString::FromUTF8(drafts.Err().message)),
                          kStatusAgent);
            return;
        }
        for (auto& d : drafts.Value()) {
            if (!d.contact)
                continue;
            // A pop that came with the start, or a second unheld one a crash
            // left behind: this one waits.
            if (d.held || m_caller->Active() || m_wrapup->CurrentCall()) {
                if (!d.held)
                    m_session.WrapUps().HoldDraft(d.contact, d.started_at, true);
                d.held = true;
                m_held.push_back(std::move(d));
                continue;
            }
            // Closed for more than a moment: the conversation did not go on
            // while the console was not running; talk time stops at the last save.
            if (!d.ended_at && d.saved_at && wxDateTime::Now().GetTicks() - d.saved_at > kRestartedMidCallS)
                d.ended_at = d.saved_at;
            m_caller->Resume(ActiveContact{d.contact, d.contact_name, d.channel, d.started_at, {}, {}});
            m_wrapup->Restore(d);
            FocusPane(m_wrapup);
            SetStatusText(wxString::Format(_("Restored the unfinished wrap-up for %s (saved %s)"),
                                           d.contact_name.empty() ? _("an anonymous visitor")
                                                                  : wxString::FromUTF8(d.contact_name),
                                           wxDateTime(static_cast<time_t>(d.saved_at)).Format("%H:%M")),
                          kStatusAgent);
        }
        ShowHeld();
    }));
}

} // namespace civic::ui
