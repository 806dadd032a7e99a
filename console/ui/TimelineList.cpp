#include "ui/TimelineList.h"
#include "ui/Utf8.h"

#include <algorithm>

#include <wx/datetime.h>
#include <wx/dcmemory.h>
#include <wx/imaglist.h>
#include <wx/settings.h>

namespace civic::ui {

using contacts::Channel;
using contacts::TimelineEntry;

namespace {

constexpr int kLoadAheadRows = 15; // fetch the next page this close to the end
constexpr int kMinSummary = 170;

// Small badges drawn here from each channel's letter and colour, readable in
// any theme and without image files; the last is a request's status change.
wxImageList* MakeIcons(wxWindow* w, const std::vector<contacts::ChannelInfo>& channels)
{
    const int size = w->FromDIP(16);
    auto* list = new wxImageList(size, size, true);
    struct Badge
    {
        wxString letter;
        wxColour colour;
    };
    std::vector<Badge> badges;
    for (const auto& c : channels)
        badges.push_back({wxString(c.badge), wxColour((c.rgb >> 16) & 0xff, (c.rgb >> 8) & 0xff, c.rgb & 0xff)});
    badges.push_back({"R", wxColour(0x2c, 0x3e, 0x50)});
    badges.push_back({"?", wxColour(0x95, 0xa5, 0xa6)}); // a channel no longer registered
    for (const auto& b : badges) {
        wxBitmap bmp(size, size);
        {
            wxMemoryDC dc(bmp);
            dc.SetBackground(*wxWHITE_BRUSH);
            dc.Clear();
            dc.SetBrush(wxBrush(b.colour));
            dc.SetPen(*wxTRANSPARENT_PEN);
            dc.DrawRoundedRectangle(0, 0, size, size, size / 4.0);
            dc.SetTextForeground(*wxWHITE);
            wxFont f = w->GetFont().Bold();
            f.SetPixelSize(wxSize(0, size * 3 / 4));
            dc.SetFont(f);
            const wxSize t = dc.GetTextExtent(b.letter);
            dc.DrawText(b.letter, (size - t.x) / 2, (size - t.y) / 2);
        }
        bmp.SetMask(new wxMask(bmp, *wxWHITE));
        list->Add(bmp);
    }
    return list;
}

} // namespace

// The built-in channels in the agent's language; a channel a plugin added
// by its own label, one nobody registers any more by its id.
wxString ChannelName(const Channel& c)
{
    static const std::pair<const Channel*, const char*> kBuiltIn[] = {
        {&Channel::PhoneIn, wxTRANSLATE("Phone call in")}, {&Channel::PhoneOut, wxTRANSLATE("Phone call out")},
        {&Channel::WalkIn, wxTRANSLATE("Walk-in")},        {&Channel::Web, wxTRANSLATE("Web form")},
        {&Channel::MobileApp, wxTRANSLATE("Mobile app")},  {&Channel::Email, wxTRANSLATE("E-mail")},
        {&Channel::Social, wxTRANSLATE("Social media")},   {&Channel::Mail, wxTRANSLATE("Postal mail")}};
    for (const auto& [channel, label] : kBuiltIn)
        if (*channel == c)
            return wxGetTranslation(label);
    if (auto info = contacts::FindChannel(c.Id()))
        return wxString::FromUTF8(info->label);
    return wxString::FromUTF8(c.Id());
}


wxString When(std::int64_t at)
{
    const wxDateTime t(static_cast<time_t>(at));
    const wxDateTime now = wxDateTime::Now();
    if (t.IsSameDate(now))
        return t.Format(_("Today %H:%M"));
    if (t.GetYear() == now.GetYear())
        return t.Format("%b %d %H:%M");
    return t.Format("%Y-%m-%d");
}

wxString Duration(std::optional<int> seconds)
{
    if (!seconds)
        return {};
    return wxString::Format("%d:%02d", *seconds / 60, *seconds % 60);
}

TimelineList::TimelineList(wxWindow* parent, std::function<void()> need_more)
    : wxListCtrl(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxLC_REPORT | wxLC_VIRTUAL | wxLC_SINGLE_SEL),
      m_need_more(std::move(need_more))
{
    SetName("timeline");
    for (const auto& c : contacts::Channels())
        m_channels.push_back(c);
    AssignImageList(MakeIcons(this, m_channels), wxIMAGE_LIST_SMALL);
    AppendColumn(_("When"), wxLIST_FORMAT_LEFT, FromDIP(128));
    // As wide as the longest channel's name in the agent's language.
    int channel_width = GetTextExtent(_("Request status")).GetWidth();
    for (const auto& c : m_channels)
        channel_width = std::max(channel_width, GetTextExtent(ChannelName(c.channel)).GetWidth());
    AppendColumn(_("Channel"), wxLIST_FORMAT_LEFT, std::clamp(channel_width + FromDIP(16), FromDIP(90), FromDIP(160)));
    AppendColumn(_("Summary"), wxLIST_FORMAT_LEFT, FromDIP(kMinSummary));
    AppendColumn(_("Requests"), wxLIST_FORMAT_LEFT, FromDIP(150));
    AppendColumn(_("Outcome"), wxLIST_FORMAT_LEFT, FromDIP(110));
    AppendColumn(_("Agent"), wxLIST_FORMAT_LEFT, FromDIP(80));
    AppendColumn(_("Length"), wxLIST_FORMAT_RIGHT, FromDIP(55));
    m_open_attr.SetTextColour(wxColour(0x9a, 0x4d, 0x00));
    // The summary takes what the pane has beyond the other columns through
    // Requests, so that what each contact was and what it filed show whole
    // at a 1366 px desk; the later columns are a scroll away.
    Bind(wxEVT_SIZE, [this](wxSizeEvent& e) {
        e.Skip();
        FitSummary();
    });
}

void TimelineList::FitSummary()
{
    const int others = GetColumnWidth(0) + GetColumnWidth(1) + GetColumnWidth(3);
    const int want = std::max(FromDIP(kMinSummary), GetClientSize().GetWidth() - others);
    if (want != GetColumnWidth(2))
        SetColumnWidth(2, want);
}

void TimelineList::Set(std::vector<TimelineEntry> entries, bool more, std::string owner)
{
    m_entries = std::move(entries);
    m_owner = std::move(owner);
    m_more = more;
    m_asked = false;
    SetItemCount(static_cast<long>(m_entries.size()));
    Refresh();
}

void TimelineList::Append(std::vector<TimelineEntry> entries, bool more)
{
    for (auto& e : entries)
        m_entries.push_back(std::move(e));
    m_more = more;
    m_asked = false;
    SetItemCount(static_cast<long>(m_entries.size()));
    Refresh();
}

wxString TimelineList::ChannelText(const TimelineEntry& e)
{
    return e.channel ? ChannelName(*e.channel) : _("Request status");
}

wxString TimelineList::OnGetItemText(long item, long column) const
{
    if (item < 0 || static_cast<size_t>(item) >= m_entries.size())
        return {};
    if (m_more && !m_asked && static_cast<size_t>(item) + kLoadAheadRows >= m_entries.size()) {
        // Drawing is no place to start work: ask once the paint is over.
        m_asked = true;
        const_cast<TimelineList*>(this)->CallAfter([this] { m_need_more(); });
    }
    const auto& e = m_entries[static_cast<size_t>(item)];
    switch (column) {
    case 0: return When(e.at);
    case 1: return ChannelText(e);
    case 2: {
        wxString s = U(e.summary);
        // On the organization's own timeline "for" it goes without saying:
        // which liaison reported is what tells the lines apart.
        if (!e.on_behalf_of_name.empty() && e.on_behalf_of_name != m_owner)
            s += wxString::Format(_(" (for %s)"), U(e.on_behalf_of_name));
        if (!e.contact_name.empty() && e.contact_name != m_owner && e.type == TimelineEntry::Type::Interaction)
            s = U(e.contact_name) + L": " + s;
        return s;
    }
    case 3: {
        wxString s;
        // A request the CRM has not numbered yet is not "open" there: it may
        // still be waiting in the outbox.
        for (const auto& r : e.requests)
            s += (s.empty() ? "" : "; ") + U(r.service_name) +
                 (r.request_id.empty() ? L" \u2014 " + _("no CRM number yet")
                                       : " " + U(r.request_id) + L" \u2014 " + U(r.status));
        return s;
    }
    case 4: return e.type == TimelineEntry::Type::Interaction ? U(e.disposition) : wxString();
    case 5: return U(e.agent);
    case 6: return Duration(e.talk_s);
    }
    return {};
}

int TimelineList::OnGetItemImage(long item) const
{
    if (item < 0 || static_cast<size_t>(item) >= m_entries.size())
        return -1;
    const auto& e = m_entries[static_cast<size_t>(item)];
    const int requests = static_cast<int>(m_channels.size());
    if (!e.channel)
        return requests;
    for (size_t i = 0; i < m_channels.size(); ++i)
        if (m_channels[i].channel == *e.channel)
            return static_cast<int>(i);
    return requests + 1;
}

wxItemAttr* TimelineList::OnGetItemAttr(long item) const
{
    if (item < 0 || static_cast<size_t>(item) >= m_entries.size())
        return nullptr;
    // Entries about a request still open stand out.
    for (const auto& r : m_entries[static_cast<size_t>(item)].requests)
        if (r.status == "open")
            return &m_open_attr;
    return nullptr;
}

} // namespace civic::ui
