// Channels as data: how a contact reached the city — an id ("phone-in",
// "sms"), the name people give it and its badge in the timeline. Eight are
// built in; a plugin (Host::AddChannel) or a center adds more with
// RegisterChannel and nothing else changes: the store keeps the id as text,
// the timeline draws the badge, the filter lists it.
//
// Thread-safe: the registry may be read and added to from any thread.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace civic::contacts {

class Channel
{
public:
    Channel() : m_id("phone-in") {}
    explicit Channel(std::string id) : m_id(std::move(id)) {}
    const std::string& Id() const { return m_id; }
    auto operator<=>(const Channel&) const = default;

    // The built-in channels.
    static const Channel PhoneIn, PhoneOut, WalkIn, Web, MobileApp, Email, Social, Mail;

private:
    std::string m_id;
};

inline const Channel Channel::PhoneIn{"phone-in"};
inline const Channel Channel::PhoneOut{"phone-out"};
inline const Channel Channel::WalkIn{"walk-in"};
inline const Channel Channel::Web{"web"};
inline const Channel Channel::MobileApp{"mobile-app"};
inline const Channel Channel::Email{"email"};
inline const Channel Channel::Social{"social"};
inline const Channel Channel::Mail{"mail"};

struct ChannelInfo
{
    Channel channel;
    std::string label;          // in English; the console translates the built-in ones
    char badge = '?';           // the letter on its timeline badge
    std::uint32_t rgb = 0x7f8c8d; // the badge's colour
};

// Every known channel: the built-in ones first, then those registered, in
// order of registration. A timeline may still hold a channel no longer
// registered (its plugin removed): it shows by its id.
std::vector<ChannelInfo> Channels();
// Adds a channel, or replaces the description of one with the same id.
// An id is lower-case letters, digits and '-' (1 to 32 of them); false otherwise.
bool RegisterChannel(ChannelInfo info);
std::optional<ChannelInfo> FindChannel(std::string_view id);

} // namespace civic::contacts
