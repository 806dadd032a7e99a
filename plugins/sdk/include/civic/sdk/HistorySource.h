// Part of the CivicDesk plugin SDK: what a CRM knows about a contact, brought
// into the timeline. A connector implements HistorySource; the console asks it
// on screen pop and on its status refresh and files the answer in its store
// (applying the same history twice adds nothing).
#pragma once

#include <civic/sdk/Result.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace civic::contacts {

// How the CRM may know the contact: its identifiers in comparable form.
struct ContactKeys
{
    std::vector<std::string> phones; // E.164
    std::vector<std::string> emails;
    std::vector<std::string> addresses; // NormalizeAddress
};

struct ExternalInteraction
{
    std::string external_id; // unique within the source
    std::string channel = "web"; // a channel id: phone-in, web, mobile-app, email, ...
    std::int64_t at = 0;
    std::string agent;
    std::optional<int> talk_s;
    std::string summary;
    std::string notes;
    std::string disposition;
    std::vector<std::string> request_ids; // the CRM's request ids it filed or asked about
};

struct ExternalRequest
{
    std::string request_id;
    std::string service_code;
    std::string service_name;
    std::string address;
    std::string status; // "open", "closed", or the CRM's own word
    std::string status_notes;
    std::int64_t requested_at = 0;
    std::int64_t updated_at = 0;
};

struct ContactHistory
{
    std::vector<ExternalInteraction> interactions; // self-service: web, app, e-mail, ...
    std::vector<ExternalRequest> requests;
};

class HistorySource
{
public:
    virtual ~HistorySource() = default;
    // Names the source in interaction.source ("open311:https://…").
    virtual std::string Name() const = 0;
    // Blocking network call: run it off the UI thread. Errors: Offline, Denied, Unavailable, Parse.
    virtual Result<ContactHistory> HistoryFor(const ContactKeys& keys) = 0;
    // Current state of the given requests (status refresh). Errors as above.
    virtual Result<std::vector<ExternalRequest>> Requests(const std::vector<std::string>& request_ids) = 0;
};

} // namespace civic::contacts
