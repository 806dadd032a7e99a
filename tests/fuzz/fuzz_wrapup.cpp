// A wrap-up from a file (civicdesk-cli wrapup submit), JSON or XML. What is
// read from JSON reads back the same after being written.
#include <civic/sync/Outbox.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    const std::string text = fuzz::Text(data, size);
    if (auto w = sync::WrapUpFromJson(text, "w.json")) {
        auto again = sync::WrapUpFromJson(sync::ToJson(w.Value()), "again.json");
        fuzz::Check(again.IsOk());
        fuzz::Check(again->notes == w->notes && again->contact == w->contact);
    }
    (void)sync::WrapUpFromXml(text, "w.xml");
    return 0;
}
