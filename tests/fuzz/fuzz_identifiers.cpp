// Identifier normalisation (phones, e-mail, social handles, addresses) as an
// agent types or an import holds them. A normalised value normalises to itself.
#include <civic/contacts/Identifiers.h>

#include "FuzzInput.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace civic;
    using namespace civic::contacts;
    static const PhoneNormalizer phones("US");
    const std::string text = fuzz::Text(data, size);
    if (auto p = phones.Normalize(text))
        (void)phones.Display(p.Value());
    (void)phones.PartialKey(text);
    if (auto e = NormalizeEmail(text)) {
        auto again = NormalizeEmail(e.Value());
        fuzz::Check(again.IsOk() && again.Value() == e.Value());
    }
    (void)NormalizeSocial(text);
    const std::string address = NormalizeAddress(text);
    fuzz::Check(NormalizeAddress(address) == address);
    (void)LooksLikePhone(text);
    return 0;
}
