// The rules a request must meet before it is filed, the same for the wrap-up
// form and for `civicdesk-cli wrapup submit`: a known service, a location (an
// address or a position on Earth), every required question answered, numbers
// that are numbers, dates that are dates, choices among the service's values.
//
// Pure functions except CheckAgainstCatalog, which reads the cached catalog.
#pragma once

#include <civic/Result.h>
#include <civic/core/Crm.h>
#include <civic/store/Database.h>

#include <optional>
#include <string>
#include <vector>

namespace civic::sync {

enum class RequestProblem
{
    UnknownService, // not in the cached catalog
    NoLocation,
    PositionOutOfRange, // latitude -90..90, longitude -180..180
    Required,
    NotANumber,
    NotADateTime,
    NotAChoice, // a list answer that is not one of the service's values
};

struct FieldProblem
{
    std::string field; // "service", "location", or the attribute's code
    RequestProblem problem = RequestProblem::Required;
    std::string question; // the attribute's question (or code), for messages
};

// An address or "lat, long" as typed: sets r.address, or r.lat and r.lon.
// Returns the problem with it, if any (nothing set then).
std::optional<RequestProblem> ReadLocation(const std::string& text, crm::NewRequest& r);

// "2026-11-23 14:30" (or with T, or a date alone), local time, -> W3C with the
// local zone's offset ("2026-11-23T14:30:00-05:00"); nullopt when unreadable.
std::optional<std::string> LocalDateTimeToW3c(const std::string& text);

// Every problem of r against its service's definition, in the definition's
// order, the location first. Datetime answers must be W3C (ParseW3cDateTime).
std::vector<FieldProblem> CheckRequest(const crm::NewRequest& r, const crm::ServiceDefinition& definition);

// The problem in English, for the CLI and logs: "Size of the pile: required".
std::string Describe(const FieldProblem& p);

// CheckRequest against the cached catalog, and the service must be in it.
// Errors: Invalid naming the first problem; store errors.
Result<void> CheckAgainstCatalog(store::Database& db, const crm::NewRequest& r);

} // namespace civic::sync
