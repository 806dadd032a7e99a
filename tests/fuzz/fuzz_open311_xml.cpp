// The Open311 readers on XML answers: services, a definition, request lists,
// error bodies. Any input: an error or a result, never a crash or a hang.
#include <civic/open311/Open311Connector.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    const std::string body = fuzz::Text(data, size);
    (void)open311::ParseServices(body, false, "services.xml");
    if (auto d = open311::ParseDefinition(body, false, "definition.xml"))
        for (std::size_t i = 1; i < d->attributes.size(); ++i) // the form's order, as promised
            fuzz::Check(d->attributes[i - 1].order <= d->attributes[i].order);
    (void)open311::ParseRequestList(body, false, "requests.xml");
    fuzz::Check(open311::ErrorText(body, 400).size() <= 300); // one line, as promised
    return 0;
}
