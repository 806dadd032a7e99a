// The caller pane's timeline: every contact across channels and the
// requests with their status, newest first, filtered by channel and period,
// paged as the agent scrolls; the selected entry's details beside it.
#include "ui/CallerPane.h"
#include "ui/I18n.h"
#include "ui/Utf8.h"

#include "ui/Async.h"

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/datetime.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace civic::ui {

using contacts::Channel;
using contacts::TimelineEntry;

namespace {

constexpr int kTimelinePage = 60; // a screen and a half

} // namespace

void CallerPane::BuildTimeline()
{
    auto* filters = new wxBoxSizer(wxHORIZONTAL);
    m_channel = new wxChoice(this, wxID_ANY);
    m_channel->SetName("channel_filter");
    m_channel->Append(_("All channels"));
    m_channel_filter = contacts::Channels();
    for (const auto& c : m_channel_filter)
        m_channel->Append(ChannelName(c.channel));
    m_channel->SetSelection(0);
    m_period = new wxChoice(this, wxID_ANY);
    m_period->SetName("period_filter");
    for (const wxString& p : {_("Any time"), _("Today"), _("Last 7 days"), _("Last 30 days"), _("Last 12 months")})
        m_period->Append(p);
    m_period->SetSelection(0);
    m_open_only = new wxCheckBox(this, wxID_ANY, _("&Open requests only"));
    m_filter_text = new wxSearchCtrl(this, wxID_ANY);
    m_filter_text->SetDescriptiveText(_("Filter the timeline"));
    filters->Add(m_channel, 0, wxRIGHT, FromDIP(6));
    filters->Add(m_period, 0, wxRIGHT, FromDIP(6));
    GetSizer()->Add(filters, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(6));
    auto* second = new wxBoxSizer(wxHORIZONTAL);
    second->Add(m_filter_text, 1, wxRIGHT, FromDIP(6));
    second->Add(m_open_only, 0, wxALIGN_CENTER_VERTICAL);
    GetSizer()->Add(second, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(6));

    auto* split = new wxSplitterWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxSP_LIVE_UPDATE | wxSP_3DSASH);
    split->SetMinimumPaneSize(FromDIP(80));
    m_timeline = new TimelineList(split, [this] { LoadTimeline(true); });
    m_detail = new wxTextCtrl(split, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                              wxTE_MULTILINE | wxTE_READONLY | wxTE_RICH2);
    m_detail->SetName("timeline_detail");
    // Room for a call's notes and what it filed, about eight lines.
    split->SplitHorizontally(m_timeline, m_detail, -FromDIP(150));
    split->SetSashGravity(1.0);
    GetSizer()->Add(split, 1, wxEXPAND | wxALL, FromDIP(6));

    m_channel->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { ApplyFilter(); });
    m_period->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { ApplyFilter(); });
    m_open_only->Bind(wxEVT_CHECKBOX, [this](wxCommandEvent&) { ApplyFilter(); });
    m_filter_text->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { m_filter_typing.StartOnce(250); });
    m_timeline->Bind(wxEVT_LIST_ITEM_SELECTED, [this](wxListEvent& e) { OnEntrySelected(e.GetIndex()); });
    m_timeline->Bind(wxEVT_LIST_ITEM_FOCUSED, [this](wxListEvent& e) { OnEntrySelected(e.GetIndex()); });
}


void CallerPane::ApplyFilter()
{
    contacts::TimelineFilter f;
    const int ch = m_channel->GetSelection();
    if (ch > 0)
        f.channels.insert(m_channel_filter.at(static_cast<size_t>(ch - 1)).channel);
    // Periods end now; "today" starts at local midnight.
    static const int kDays[] = {0, 0, 7, 30, 365};
    const int period = m_period->GetSelection();
    if (period == 1)
        f.from = wxDateTime::Today().GetTicks();
    else if (period > 1)
        f.from = Now() - static_cast<std::int64_t>(kDays[period]) * 86400;
    f.open_requests_only = m_open_only->GetValue();
    f.text = m_filter_text->GetValue().Strip(wxString::both).utf8_string();
    m_filter = f;
    LoadTimeline(false);
}

void CallerPane::LoadTimeline(bool more)
{
    if (!m_contact || m_contact->anonymous) // no history shown at the counter (ShowContact)
        return;
    if (more && (!m_next || m_loading))
        return;
    m_loading = true;
    const std::uint64_t generation = more ? m_timeline_generation : ++m_timeline_generation;
    const auto id = m_contact->id;
    const auto cursor = more ? m_next : std::nullopt;
    const auto filter = m_filter;
    m_session.Contacts().Timeline(id, filter, cursor, kTimelinePage, OnWindow(this, [this, generation, more](Result<contacts::TimelinePage> page) {
            if (generation != m_timeline_generation)
                return;
            m_loading = false;
            if (!page) {
                m_detail->ChangeValue(U(page.Err().message));
                return;
            }
            m_next = page->next;
            const bool has_more = page->next.has_value();
            if (more) {
                m_timeline->Append(std::move(page.Value().entries), has_more);
                return;
            }
            m_timeline->Set(std::move(page.Value().entries), has_more, m_contact ? m_contact->name : std::string());
            m_detail->ChangeValue(m_timeline->Entries().empty() ? _("No contacts with the city yet.") : wxString());
            if (!m_timeline->Entries().empty()) {
                m_timeline->SetItemState(0, wxLIST_STATE_FOCUSED, wxLIST_STATE_FOCUSED);
                OnEntrySelected(0);
            }
        }));
}

void CallerPane::OnEntrySelected(long row)
{
    const auto& entries = m_timeline->Entries();
    if (row < 0 || static_cast<size_t>(row) >= entries.size())
        return;
    const auto& e = entries[static_cast<size_t>(row)];
    wxString text = When(e.at) + L" \u2014 " + TimelineList::ChannelText(e);
    if (!e.agent.empty())
        text += wxString::Format(_(", agent %s"), U(e.agent));
    if (e.talk_s)
        text += wxString::Format(_(", %s talk time"), Duration(e.talk_s));
    text += "\n" + U(e.summary) + "\n";
    if (!e.contact_name.empty() && (!m_contact || e.contact_name != m_contact->name))
        text += wxString::Format(_("By: %s\n"), U(e.contact_name));
    if (!e.on_behalf_of_name.empty())
        text += wxString::Format(_("On behalf of: %s\n"), U(e.on_behalf_of_name));
    if (!e.disposition.empty() && e.type == TimelineEntry::Type::Interaction)
        text += wxString::Format(_("Outcome: %s\n"), U(e.disposition));
    if (!e.notes.empty() && e.notes != e.summary)
        text += (e.type == TimelineEntry::Type::Interaction ? _("Notes:\n") : _("Status notes:\n")) + U(e.notes) + "\n";
    if (!e.answers.empty()) {
        // A wrap-up written here reads as its questions; anything else as written.
        auto w = sync::WrapUpFromJson(e.answers, "answers");
        if (w && w->contact) {
            if (!w->reason.empty())
                text += wxString::Format(_("Call reason: %s\n"), U(w->reason));
            if (!w->language.empty())
                text += wxString::Format(w->interpreter ? _("Language: %s, with an interpreter\n") : _("Language: %s\n"),
                                         LanguageName(w->language));
            if (w->notify)
                text += _("Agreed to status notifications\n");
            for (const auto& [id, value] : w->extra)
                text += wxString::Format("%s: %s\n", U(id), U(value));
            if (w->request) {
                // What the caller answered about the request: its size, its lane.
                const auto& r = *w->request;
                const wxString where = !r.address.empty() ? U(r.address)
                                       : r.lat && r.lon    ? wxString::Format("%.5f, %.5f", *r.lat, *r.lon)
                                                           : wxString();
                text += wxString::Format(_("Filed: %s at %s\n"),
                                         U(w->service_name.empty() ? r.service_code : w->service_name), where);
                for (const auto& [code, values] : r.attributes) {
                    wxString joined;
                    for (const auto& v : values)
                        joined += (joined.empty() ? wxString() : wxString(", ")) + U(v);
                    text += wxString::Format(L"  %s: %s\n", U(code), joined);
                }
            }
        } else {
            text += _("Form answers:\n") + U(e.answers) + "\n";
        }
    }
    for (const auto& r : e.requests)
        text += r.request_id.empty()
                    ? wxString::Format(_("Request (%s): no CRM number yet; the outbox says whether it was sent\n"),
                                       U(r.service_name))
                    : wxString::Format(_("Request %s (%s): %s\n"), U(r.request_id), U(r.service_name), U(r.status));
    m_detail->ChangeValue(text);
}

} // namespace civic::ui
