#include <civic/contacts/Channel.h>

#include <algorithm>
#include <mutex>

namespace civic::contacts {
namespace {

struct Registry
{
    std::mutex mutex;
    std::vector<ChannelInfo> channels{
        {Channel::PhoneIn, "Phone call in", 'C', 0x1f6fb2},  {Channel::PhoneOut, "Phone call out", 'O', 0x3c8dbc},
        {Channel::WalkIn, "Walk-in", 'W', 0x8e44ad},         {Channel::Web, "Web form", 'B', 0x16a085},
        {Channel::MobileApp, "Mobile app", 'A', 0x27ae60},   {Channel::Email, "E-mail", 'E', 0xd35400},
        {Channel::Social, "Social media", 'S', 0xc0392b},    {Channel::Mail, "Postal mail", 'M', 0x7f8c8d},
    };
};

Registry& Global()
{
    static Registry r;
    return r;
}

bool ValidId(std::string_view id)
{
    return !id.empty() && id.size() <= 32 && std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

} // namespace

std::vector<ChannelInfo> Channels()
{
    auto& r = Global();
    std::lock_guard lock(r.mutex);
    return r.channels;
}

bool RegisterChannel(ChannelInfo info)
{
    if (!ValidId(info.channel.Id()))
        return false;
    auto& r = Global();
    std::lock_guard lock(r.mutex);
    for (auto& c : r.channels)
        if (c.channel == info.channel) {
            c = std::move(info);
            return true;
        }
    r.channels.push_back(std::move(info));
    return true;
}

std::optional<ChannelInfo> FindChannel(std::string_view id)
{
    auto& r = Global();
    std::lock_guard lock(r.mutex);
    for (const auto& c : r.channels)
        if (c.channel.Id() == id)
            return c;
    return std::nullopt;
}

} // namespace civic::contacts
