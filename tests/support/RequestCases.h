// Requests for the test CRM's POTHOLE service (SIZE required, a choice;
// DEPTH a number; SEEN a date and time), as an agent types them into the
// wrap-up form and as a script writes them into a wrap-up file. The UI and
// CLI suites run the same cases: a script must be refused exactly what the
// form refuses.
#pragma once

#include <string>
#include <vector>

namespace civic::test {

struct RequestCase
{
    const char* name;
    std::string location; // an address, or "lat, long"
    std::string size, depth, seen;
    bool refused;
    const char* says; // in the refusal, in English
};

inline const std::vector<RequestCase>& RequestCases()
{
    static const std::vector<RequestCase> cases = {
        {"complete", "1234 N Broad St", "S", "3.5", "2026-11-23T14:30:00-05:00", false, ""},
        {"no size", "1234 N Broad St", "", "3", "", true, "How big is it?"},
        {"depth not a number", "1234 N Broad St", "L", "deep", "", true, "Depth in inches"},
        {"depth out of range", "1234 N Broad St", "L", "1e400", "", true, "Depth in inches"},
        {"seen not a date", "1234 N Broad St", "L", "", "yesterday", true, "When was it first seen?"},
        {"no location", "", "S", "", "", true, "Location"},
        {"latitude off the Earth", "200, -75.16", "S", "", "", true, "latitude is -90 to 90"},
        {"position", "39.9526, -75.1652", "L", "", "", false, ""},
    };
    return cases;
}

} // namespace civic::test
