// Identifiers: how a caller is recognised — phone numbers, e-mail addresses,
// social handles and postal addresses, each reduced to one comparable form so
// "(215) 555-0100", "215.555.0100" and "+1 215 555 0100" are the same caller.
#pragma once

#include <civic/Result.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace civic::contacts {

// A phone number in E.164 with its extension, if any.
struct Phone
{
    std::string e164;      // "+12155550100"
    std::string extension; // "12", or empty

    // The stored, comparable form: "+12155550100" or "+12155550100;ext=12".
    std::string Key() const;
};

// Parses numbers as people write them, with libphonenumber. Numbers without a
// country code are read in the center's default region. Thread-safe.
class PhoneNormalizer
{
public:
    // region: ISO 3166 code of the center ("US"); an unknown one falls back to US.
    explicit PhoneNormalizer(std::string region = "US");

    // Errors: Invalid, with a message saying what is wrong with the number.
    Result<Phone> Normalize(std::string_view input) const;

    // For showing: national format in the default region ("(215) 555-0100"),
    // international elsewhere ("+44 20 7946 0958"), with " ext. 12".
    std::string Display(const Phone& phone) const;
    std::string DisplayKey(std::string_view key) const;

    // The start of the stored key that a half-typed number stands for, for
    // finding as the agent types: "215555" -> "+1215555"; "+4420" -> "+4420".
    // Empty when the input has too few digits to say anything.
    std::string PartialKey(std::string_view input) const;

    const std::string& Region() const { return m_region; }

private:
    std::string m_region;
    std::string m_country_code; // of the region, "1"
};

// Case-folded and trimmed. Errors: Invalid when it is not name@domain.
Result<std::string> NormalizeEmail(std::string_view input);

// "@Handle", "twitter: @Handle" -> "@handle" (handles are case-insensitive on
// the networks 311 centers answer). Errors: Invalid when empty.
Result<std::string> NormalizeSocial(std::string_view input);

// The comparable form of a postal address, in the style of USPS Publication
// 28: upper case, no punctuation, one space between words, street suffixes
// and directions abbreviated (STREET -> ST, NORTH -> N), ordinals as numbers
// (FIFTH -> 5TH), and every kind of unit marker (Apt, Apartment, #, Unit)
// written "UNIT": "1234 North Broad Street, Apt. 3B" -> "1234 N BROAD ST UNIT 3B".
std::string NormalizeAddress(std::string_view input);

// True when text looks like a phone number being typed: phone punctuation
// and at least three digits, nothing else.
bool LooksLikePhone(std::string_view text);

} // namespace civic::contacts
