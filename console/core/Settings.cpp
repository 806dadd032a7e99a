#include <civic/core/Settings.h>

#include <civic/store/Database.h>

#include <array>
#include <cctype>
#include <utility>

namespace civic {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{{
    {Role::CallTaker, "call-taker"},
    {Role::WalkInStaff, "walk-in-staff"},
    {Role::KnowledgeManager, "knowledge-manager"},
    {Role::Supervisor, "supervisor"},
}};

bool StartsWith(std::string_view s, std::string_view prefix)
{
    return s.substr(0, prefix.size()) == prefix;
}

} // namespace

std::string_view ToString(Role role)
{
    for (const auto& [r, name] : kRoles)
        if (r == role)
            return name;
    return "call-taker";
}

std::optional<Role> RoleFromString(std::string_view text)
{
    for (const auto& [r, name] : kRoles)
        if (name == text)
            return r;
    return std::nullopt;
}

Result<Settings> Settings::Load(store::Database& db)
{
    Settings s;
    auto q = db.Prepare("SELECT key, value FROM settings");
    for (;;) {
        auto row = q.Step();
        if (!row)
            return row.Err();
        if (!row.Value())
            break;
        const auto key = q.Text(0);
        auto value = q.Text(1);
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
    }
    return s;
}

Result<void> Settings::Save(store::Database& db) const
{
    store::Transaction tx(db);
    const std::array<std::pair<std::string_view, std::string_view>, 8> values{{
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
        auto q = db.Prepare("INSERT INTO settings(key, value) VALUES(?1, ?2) "
                            "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        if (auto r = q.BindAll(key, value).Run(); !r)
            return r;
    }
    return tx.Commit();
}

Result<void> Settings::Validate() const
{
    if (agent_name.size() > 100)
        return Error{ErrorKind::Invalid, "agent name: at most 100 characters"};
    if (!crm_endpoint.empty()) {
        if (!StartsWith(crm_endpoint, "https://") && !StartsWith(crm_endpoint, "http://"))
            return Error{ErrorKind::Invalid,
                         "CRM endpoint: must start with https:// (or http:// on a local network)"};
        if (crm_endpoint.find_first_of(" \t\r\n") != std::string::npos)
            return Error{ErrorKind::Invalid, "CRM endpoint: must not contain spaces"};
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
