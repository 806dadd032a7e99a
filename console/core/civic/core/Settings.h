// The console's settings: who the agent is and which CRM it talks to.
// Stored in the console database (table settings), so the console and the CLI
// agree. The CRM API key is not here: it lives in the desktop's secret service,
// or in a 0600 file where there is none (SecretFile.h).
#pragma once

#include <civic/Result.h>
#include <civic/sdk/Plugin.h>

#include <map>

#include <optional>
#include <string>
#include <string_view>

namespace civic {
namespace store {
class Database;
}

enum class Role
{
    CallTaker,
    WalkInStaff,
    KnowledgeManager,
    Supervisor,
};

std::string_view ToString(Role role);
std::optional<Role> RoleFromString(std::string_view text);
// The one rule for the knowledge base: knowledge managers and supervisors
// write, review and publish articles and resolve sync conflicts; everyone
// else reads and gives feedback.
bool MayEditKnowledge(Role role);

struct Settings
{
    std::string agent_name;
    Role role = Role::CallTaker;
    // Joined to a center, the agent and role are the center's (the agent
    // signs in to it; a supervisor grants roles there): agent_name and role
    // then say what the center said, and Save leaves this console's own.
    bool from_center = false;
    // The CRM: which connector (a plugin's name), and the settings it asks
    // for (sdk::ConnectorInfo): "endpoint" and "jurisdiction_id" here, its
    // secret (the API key) in the secret store, any other in crm_options.
    std::string crm_connector = "open311";
    std::string crm_endpoint;    // empty = offline
    std::string jurisdiction_id; // optional
    std::map<std::string, std::string> crm_options;
    std::string ui_language;     // BCP 47 ("es"); empty = follow the system
    // The shared knowledge base: a WebDAV collection (or any HTTP store with
    // ETags and conditional PUT); empty = this console's articles only. Its
    // password is kept like the API key, under the URL.
    std::string kb_source_url;
    std::string kb_source_user;
    // Where numbers without a country code are read (ISO 3166: "US", "MX").
    std::string phone_region = "US";
    // Requests carry the caller's name, and the e-mail and phone they agreed
    // to be notified on, so the CRM can tell them of progress. A center that
    // must not pass them on turns it off.
    bool name_caller_to_crm = true;

    bool HasCrm() const { return !crm_endpoint.empty(); }
    bool HasKnowledgeSource() const { return !kb_source_url.empty(); }

    // Reads every key; absent keys keep their defaults. Errors: store errors.
    static Result<Settings> Load(store::Database& db);
    // Writes every key in one transaction.
    Result<void> Save(store::Database& db) const;

    // Checks what a user typed. Errors: Invalid, with a message naming the
    // field. The CRM's fields are checked as the connector describes them
    // (a required field set, a URL that is one, a choice among its choices);
    // without a description, the endpoint must be an http(s) URL.
    Result<void> Validate(const sdk::ConnectorInfo* connector = nullptr) const;
    // The value of a connector's setting by its key ("endpoint", "format"...).
    std::string CrmSetting(const std::string& key) const;
    void SetCrmSetting(const std::string& key, std::string value);

    bool operator==(const Settings&) const = default;
};

// True for an http:// address of another machine: a key or password sent to
// it crosses the network unencrypted. Loopback addresses are not counted.
bool InClearOverNetwork(const std::string& url);

} // namespace civic
