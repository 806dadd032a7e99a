// Helpers the fuzz targets share: the input as text, and the input written to
// a file for readers that take a path (imports), as an agent's file would be.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace civic::fuzz {

inline std::string Text(const std::uint8_t* data, std::size_t size)
{
    return std::string(reinterpret_cast<const char*>(data), size);
}

// One file per fuzzing process, rewritten for each input.
inline std::filesystem::path AsFile(const std::string& text, const char* extension)
{
    static const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("civicdesk-fuzz-" + std::to_string(::getpid()) + extension);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
    return path;
}

// A finding the sanitizers cannot see: a promise of the reader broken.
inline void Check(bool ok)
{
    if (!ok)
        std::abort();
}

} // namespace civic::fuzz
