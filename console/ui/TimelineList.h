// The caller's timeline as a list, and the words and badges it shows
// (channel names, when, how long), which the caller pane's detail uses too.
#pragma once

#include <civic/contacts/Contacts.h>

#include <wx/listctrl.h>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace civic::ui {

// A channel in the agent's language (a plugin's by its own label).
wxString ChannelName(const contacts::Channel& c);
// "Today 10:03", "Mon 14:20", "2023-11-02 09:15".
wxString When(std::int64_t at);
// "4:05"; empty when not known.
wxString Duration(std::optional<int> seconds);

// The timeline as a virtual list: rows are drawn from the pages loaded so far,
// and scrolling near the end asks for the next page. Cost per screen does not
// grow with the length of the history.
class TimelineList : public wxListCtrl
{
public:
    TimelineList(wxWindow* parent, std::function<void()> need_more);
    // owner: whose timeline it is; entries filed by someone else (a liaison,
    // in an organization's timeline) are prefixed with their name.
    void Set(std::vector<contacts::TimelineEntry> entries, bool more, std::string owner);
    void Append(std::vector<contacts::TimelineEntry> entries, bool more);
    const std::vector<contacts::TimelineEntry>& Entries() const { return m_entries; }

    static wxString ChannelText(const contacts::TimelineEntry& e);

private:
    void FitSummary();
    std::vector<contacts::ChannelInfo> m_channels; // the badges, in image-list order
    wxString OnGetItemText(long item, long column) const override;
    int OnGetItemImage(long item) const override;
    wxItemAttr* OnGetItemAttr(long item) const override;

    std::vector<contacts::TimelineEntry> m_entries;
    bool m_more = false;
    std::string m_owner;
    std::function<void()> m_need_more;
    mutable bool m_asked = false;
    mutable wxItemAttr m_open_attr;
};

} // namespace civic::ui
