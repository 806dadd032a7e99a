// A stored request as delivery reads it (the store may be old or damaged):
// where the fast reader reads a document at all, it reads exactly what the
// general reader does, so the shortcut can never change what is sent.
#include "OutboxRows.h"

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    using namespace civic::sync::detail;
    const std::string text = fuzz::Text(data, size);
    crm::NewRequest fast, general;
    std::string fast_name, general_name;
    if (!ReadPayloadFast(text, fast, fast_name))
        return 0;
    fuzz::Check(ReadPayloadGeneral(text, general, general_name));
    fuzz::Check(fast_name == general_name);
    fuzz::Check(fast.service_code == general.service_code && fast.address == general.address &&
                fast.address_id == general.address_id && fast.email == general.email &&
                fast.first_name == general.first_name && fast.last_name == general.last_name &&
                fast.phone == general.phone && fast.description == general.description &&
                fast.media_url == general.media_url && fast.attributes == general.attributes);
    fuzz::Check(fast.lat.has_value() == general.lat.has_value() && fast.lon.has_value() == general.lon.has_value());
    if (fast.lat && general.lat)
        fuzz::Check(*fast.lat == *general.lat && *fast.lon == *general.lon);
    return 0;
}
