// The CRM API key: kept by the desktop's secret service (GNOME Keyring,
// KWallet — anything speaking the freedesktop Secret Service API, via libsecret);
// where there is none, in a file only the agent can read (SecretFile.h).
//
// Thread: call from a background executor, never the UI thread — the secret
// service is a D-Bus round trip that can stall while the service starts.
#pragma once

#include <civic/Result.h>
#include <civic/core/Paths.h>

#include <optional>
#include <string>

namespace civic {

struct SecretSaved
{
    bool in_secret_service = false;
    std::string why_not;                 // when not: what the secret service said
    std::filesystem::path fallback_file; // when not: where the key went instead
};

// account: what the key belongs to (the CRM endpoint URL). An empty key removes it.
Result<SecretSaved> SaveApiKey(const Paths& paths, const std::string& account,
                               const std::string& key);
std::optional<std::string> LoadApiKey(const Paths& paths, const std::string& account);
// The secret for an account as the console uses it: the environment variable
// first when it is set and not empty (managed desktops and cron jobs hand
// secrets over that way), else LoadApiKey, else empty.
std::string SecretFor(const Paths& paths, const std::string& account, const char* env_var);

// Set CIVICDESK_NO_SECRET_SERVICE=1 to skip the secret service (headless servers,
// tests): the key then always goes to the file.
bool SecretServiceDisabled();

} // namespace civic
