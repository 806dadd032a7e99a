#include <civic/core/SecretFile.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>

namespace civic {
namespace {

std::map<std::string, std::string> ReadAll(const std::filesystem::path& path)
{
    std::map<std::string, std::string> entries;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const auto eq = line.find('=');
        if (eq != std::string::npos)
            entries[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return entries;
}

} // namespace

std::optional<std::string> SecretFile::Load(const std::string& name) const
{
    auto entries = ReadAll(m_path);
    auto it = entries.find(name);
    if (it == entries.end())
        return std::nullopt;
    return it->second;
}

Result<void> SecretFile::Save(const std::string& name, const std::string& value)
{
    if (name.find_first_of("=\n") != std::string::npos || value.find('\n') != std::string::npos)
        return Error{ErrorKind::Invalid, "a secret may not contain a line break"};
    auto entries = ReadAll(m_path);
    if (value.empty())
        entries.erase(name);
    else
        entries[name] = value;

    std::error_code ec;
    std::filesystem::create_directories(m_path.parent_path(), ec);
    const auto tmp = m_path.string() + ".tmp";
    // Created 0600 from the start: the key is never readable by others, not
    // even for the moment between creation and a chmod.
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return Error{ErrorKind::Io, tmp + ": " + std::strerror(errno)};
    ::fchmod(fd, 0600);
    std::string text;
    for (const auto& [k, v] : entries)
        text += k + "=" + v + "\n";
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!written || !synced || ::rename(tmp.c_str(), m_path.c_str()) != 0) {
        const std::string why = std::strerror(errno);
        ::unlink(tmp.c_str());
        return Error{ErrorKind::Io, m_path.string() + ": " + why};
    }
    return Ok();
}

} // namespace civic
