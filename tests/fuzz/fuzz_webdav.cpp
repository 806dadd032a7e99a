// The WebDAV PROPFIND reader: a multistatus answer from any server.
#include <civic/webdav/WebDavSource.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)civic::webdav::ParseMultistatus(civic::fuzz::Text(data, size));
    return 0;
}
