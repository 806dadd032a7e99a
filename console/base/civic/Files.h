// ReadWholeFile: a file of outside input (an import, a wrap-up, a form) read
// whole, after its size is checked: a file of gigabytes is refused with its
// size rather than read until memory runs out.
#pragma once

#include <civic/sdk/Result.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>

namespace civic {

// Errors: Io (missing or unreadable), Invalid (larger than max_bytes).
inline Result<std::string> ReadWholeFile(const std::filesystem::path& file, std::size_t max_bytes)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec)
        return Error{ErrorKind::Io, file.string() + ": cannot be read (" + ec.message() + ")"};
    if (size > max_bytes)
        return Error{ErrorKind::Invalid, file.string() + ": " + std::to_string(size / (1024 * 1024)) +
                                             " MB is more than is read at once (at most " +
                                             std::to_string(max_bytes / (1024 * 1024)) + " MB); split it"};
    std::ifstream in(file, std::ios::binary);
    std::string data(static_cast<std::size_t>(size), '\0');
    if (!in || !in.read(data.data(), static_cast<std::streamsize>(data.size())))
        return Error{ErrorKind::Io, file.string() + ": cannot be read"};
    return data;
}

} // namespace civic
