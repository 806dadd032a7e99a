#include <civic/core/Settings.h>

#include <civic/EnumNames.h>
#include <civic/Text.h>

#include <civic/store/Database.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace civic {
namespace {

constexpr std::pair<Role, const char*> kRoles[] = {
    {Role::CallTaker, "call-taker"},
    {Role::WalkInStaff, "walk-in-staff"},
    {Role::KnowledgeManager, "knowledge-manager"},
    {Role::Supervisor, "supervisor"},
};

bool StartsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

} // namespace

std::string_view ToString(Role role) { return NameOf(role, kRoles, "call-taker"); }

std::optional<Role> RoleFromString(std::string_view text) { return FromName(text, kRoles); }

bool MayEditKnowledge(Role role) { return role == Role::KnowledgeManager || role == Role::Supervisor; }

Result<Settings> Settings::Load(store::Database& db)
{
    Settings s;
    auto q = db.Prepare("SELECT key, value FROM settings");
    auto each = q.ForEach([&](store::Query& row) {
        const auto key = row.Text(0);
        auto value = row.Text(1);
        if (key == "agent_name")
            s.agent_name = std::move(value);
        else if (key == "role")
            s.role = RoleFromString(value).value_or(Role::CallTaker);
        else if (key == "crm_endpoint")
            s.crm_endpoint = std::move(value);
        else if (key == "jurisdiction_id")
            s.jurisdiction_id = std::move(value);
        else if (key == "ui_language")
            s.ui_language = std::move(value);
        else if (key == "kb_source_url")
            s.kb_source_url = std::move(value);
        else if (key == "kb_source_user")
            s.kb_source_user = std::move(value);
        else if (key == "phone_region")
            s.phone_region = std::move(value);
        else if (key == "name_caller_to_crm")
            s.name_caller_to_crm = value != "0";
        else if (key == "crm_connector" && !value.empty())
            s.crm_connector = std::move(value);
        else if (StartsWith(key, "crm."))
            s.crm_options[key.substr(4)] = std::move(value);
    });
    if (!each)
        return each.Err();
    // The center's word wins over this console's (written at each sign-in to
    // the center, center/Center.cpp): a role claimed here grants nothing.
    auto center = db.Prepare("SELECT (SELECT value FROM settings WHERE key = 'center_agent'), "
                             "(SELECT value FROM settings WHERE key = 'center_role')");
    if (auto row = center.Step(); row && row.Value() && !center.IsNull(1)) {
        s.from_center = true;
        if (!center.IsNull(0) && !center.Text(0).empty())
            s.agent_name = center.Text(0);
        s.role = RoleFromString(center.Text(1)).value_or(Role::CallTaker); // "none": the least
    }
    return s;
}

Result<void> Settings::Save(store::Database& db) const
{
    store::Transaction tx(db);
    if (auto r = db.Exec("DELETE FROM settings WHERE key LIKE 'crm.%'"); !r)
        return r;
    for (const auto& [key, value] : crm_options) {
        auto q = db.Prepare("INSERT INTO settings(key, value) VALUES(?1, ?2)");
        if (auto r = q.BindAll("crm." + key, value).Run(); !r)
            return r;
    }
    const std::array<std::pair<std::string_view, std::string_view>, 10> values{{
        {"name_caller_to_crm", name_caller_to_crm ? "1" : "0"},
        {"crm_connector", crm_connector},
        {"agent_name", agent_name},
        {"role", ToString(role)},
        {"crm_endpoint", crm_endpoint},
        {"jurisdiction_id", jurisdiction_id},
        {"ui_language", ui_language},
        {"kb_source_url", kb_source_url},
        {"kb_source_user", kb_source_user},
        {"phone_region", phone_region},
    }};
    for (const auto& [key, value] : values) {
        if (from_center && (key == "agent_name" || key == "role"))
            continue; // the center's, not this console's to keep
        auto q = db.Prepare("INSERT INTO settings(key, value) VALUES(?1, ?2) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (auto r = q.BindAll(key, value).Run(); !r)
            return r;
    }
    return tx.Commit();
}

std::string Settings::CrmSetting(const std::string& key) const
{
    if (key == "endpoint")
        return crm_endpoint;
    if (key == "jurisdiction_id")
        return jurisdiction_id;
    const auto it = crm_options.find(key);
    return it == crm_options.end() ? std::string() : it->second;
}

void Settings::SetCrmSetting(const std::string& key, std::string value)
{
    if (key == "endpoint")
        crm_endpoint = std::move(value);
    else if (key == "jurisdiction_id")
        jurisdiction_id = std::move(value);
    else if (value.empty())
        crm_options.erase(key);
    else
        crm_options[key] = std::move(value);
}

namespace {

Result<void> CheckUrl(const std::string& what, const std::string& url)
{
    if (url.empty())
        return Ok();
    if (!StartsWith(url, "https://") && !StartsWith(url, "http://"))
        return Error{ErrorKind::Invalid, what + ": must start with https:// (or http:// on a local network)"};
    if (url.find_first_of(" \t\r\n") != std::string::npos)
        return Error{ErrorKind::Invalid, what + ": must not contain spaces"};
    return Ok();
}

} // namespace

bool InClearOverNetwork(const std::string& url)
{
    if (!StartsWith(Lower(url), "http://"))
        return false;
    std::string host = url.substr(7);
    host = host.substr(0, host.find_first_of("/?#"));
    if (const auto at = host.rfind('@'); at != std::string::npos)
        host = host.substr(at + 1);
    if (!host.empty() && host[0] == '[')
        host = host.substr(1, host.find(']') - 1);
    else
        host = host.substr(0, host.find(':'));
    host = Lower(host);
    return !(host == "localhost" || host == "::1" || StartsWith(host, "127."));
}

Result<void> Settings::Validate(const sdk::ConnectorInfo* connector) const
{
    if (agent_name.size() > 100)
        return Error{ErrorKind::Invalid, "agent name: at most 100 characters"};
    if (!connector) {
        if (auto r = CheckUrl("CRM endpoint", crm_endpoint); !r)
            return r;
    } else if (!crm_endpoint.empty()) { // a CRM is configured: its fields as it describes them
        for (const auto& f : connector->settings) {
            if (f.kind == sdk::SettingField::Kind::Secret)
                continue; // in the secret store, not here
            const std::string value = CrmSetting(f.key);
            const std::string what = f.label.empty() ? f.key : f.label;
            if (f.required && value.empty())
                return Error{ErrorKind::Invalid, what + ": required"};
            if (f.kind == sdk::SettingField::Kind::Url)
                if (auto r = CheckUrl(what, value); !r)
                    return r;
            if (f.kind == sdk::SettingField::Kind::Choice && !value.empty() &&
                std::find(f.choices.begin(), f.choices.end(), value) == f.choices.end())
                return Error{ErrorKind::Invalid, what + ": one of the listed choices"};
        }
    }
    if (!kb_source_url.empty()) {
        if (!StartsWith(kb_source_url, "https://") && !StartsWith(kb_source_url, "http://"))
            return Error{ErrorKind::Invalid,
                         "shared knowledge base: must start with https:// (or http:// on a local network)"};
        if (kb_source_url.find_first_of(" \t\r\n") != std::string::npos)
            return Error{ErrorKind::Invalid, "shared knowledge base: must not contain spaces"};
    }
    if (phone_region.size() != 2 || !std::isalpha(static_cast<unsigned char>(phone_region[0])) ||
        !std::isalpha(static_cast<unsigned char>(phone_region[1])))
        return Error{ErrorKind::Invalid, "phone region: a two-letter country code such as US or MX"};
    for (char c : ui_language) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
        if (!ok)
            return Error{ErrorKind::Invalid, "UI language: use a code such as es or pt_BR"};
    }
    return Ok();
}

} // namespace civic
