// The center's own wrap-up fields (center-fields.xml), on any file.
#include <civic/sync/CenterForm.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    (void)civic::sync::ParseCenterForm(civic::fuzz::Text(data, size), "center-fields.xml");
    return 0;
}
