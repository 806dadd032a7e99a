// The Open311 readers on JSON answers, with the depth, count and number
// limits every JSON from outside meets (civic/Json.h).
#include <civic/open311/Open311Connector.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    const std::string body = fuzz::Text(data, size);
    (void)open311::ParseServices(body, true, "services.json");
    (void)open311::ParseDefinition(body, true, "definition.json");
    (void)open311::ParseRequestList(body, true, "requests.json");
    (void)open311::ErrorText(body, 500);
    return 0;
}
