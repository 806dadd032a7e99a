// The fallback keeper of secrets (the CRM API key) on desktops with no secret
// service: a key=value file readable by its owner only (mode 0600). The file is
// written to a temporary name and renamed, so a crash never leaves half a file.
#pragma once

#include <civic/Result.h>

#include <filesystem>
#include <optional>
#include <string>

namespace civic {

class SecretFile
{
public:
    explicit SecretFile(std::filesystem::path path) : m_path(std::move(path)) {}

    std::optional<std::string> Load(const std::string& name) const;
    // An empty value removes the entry. Errors: Io.
    Result<void> Save(const std::string& name, const std::string& value);

    const std::filesystem::path& Path() const { return m_path; }

private:
    std::filesystem::path m_path;
};

} // namespace civic
