#include <civic/core/Secrets.h>

#include <civic/core/SecretFile.h>

#include <libsecret/secret.h>

#include <cstdlib>

namespace civic {
namespace {

const SecretSchema* Schema()
{
    static const SecretSchema schema = {
        "org.civicdesk.CrmApiKey",
        SECRET_SCHEMA_NONE,
        {{"account", SECRET_SCHEMA_ATTRIBUTE_STRING}, {nullptr, SECRET_SCHEMA_ATTRIBUTE_STRING}},
        0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
    return &schema;
}

std::string TakeMessage(GError* error)
{
    std::string text = error && error->message ? error->message : "unknown error";
    if (error)
        g_error_free(error);
    return text;
}

} // namespace

bool SecretServiceDisabled()
{
    const char* v = std::getenv("CIVICDESK_NO_SECRET_SERVICE");
    return v && *v && std::string(v) != "0";
}

Result<SecretSaved> SaveApiKey(const Paths& paths, const std::string& account,
                               const std::string& key)
{
    SecretSaved saved;
    SecretFile file(paths.SecretFile());
    if (SecretServiceDisabled()) {
        saved.why_not = "CIVICDESK_NO_SECRET_SERVICE is set";
    } else {
        GError* error = nullptr;
        const gboolean done =
            key.empty()
                ? (secret_password_clear_sync(Schema(), nullptr, &error, "account",
                                              account.c_str(), nullptr),
                   error == nullptr)
                : secret_password_store_sync(Schema(), SECRET_COLLECTION_DEFAULT,
                                             ("CivicDesk CRM API key for " + account).c_str(),
                                             key.c_str(), nullptr, &error, "account",
                                             account.c_str(), nullptr);
        if (done) {
            (void)file.Save(account, ""); // leave no stale copy in the file
            saved.in_secret_service = true;
            return saved;
        }
        saved.why_not = TakeMessage(error);
    }
    if (auto r = file.Save(account, key); !r)
        return r.Err();
    saved.fallback_file = file.Path();
    return saved;
}

std::optional<std::string> LoadApiKey(const Paths& paths, const std::string& account)
{
    if (!SecretServiceDisabled()) {
        GError* error = nullptr;
        gchar* value = secret_password_lookup_sync(Schema(), nullptr, &error, "account",
                                                   account.c_str(), nullptr);
        if (error)
            g_error_free(error);
        if (value) {
            std::string key = value;
            secret_password_free(value);
            return key;
        }
    }
    return SecretFile(paths.SecretFile()).Load(account);
}

std::string SecretFor(const Paths& paths, const std::string& account, const char* env_var)
{
    if (const char* env = std::getenv(env_var); env && *env)
        return env;
    return LoadApiKey(paths, account).value_or("");
}

} // namespace civic
