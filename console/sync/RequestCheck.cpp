#include <civic/sync/RequestCheck.h>

#include <civic/sync/Outbox.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace civic::sync {

std::optional<RequestProblem> ReadLocation(const std::string& typed, crm::NewRequest& r)
{
    const auto first = typed.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return RequestProblem::NoLocation;
    const std::string text = typed.substr(first, typed.find_last_not_of(" \t\r\n") - first + 1);
    double lat = 0, lon = 0;
    char extra = 0;
    if (std::sscanf(text.c_str(), "%lf , %lf %c", &lat, &lon, &extra) == 2) {
        if (!std::isfinite(lat) || !std::isfinite(lon) || lat < -90 || lat > 90 || lon < -180 || lon > 180)
            return RequestProblem::PositionOutOfRange;
        r.lat = lat;
        r.lon = lon;
        r.address.clear();
        return std::nullopt;
    }
    r.address = text;
    r.lat.reset();
    r.lon.reset();
    return std::nullopt;
}

std::optional<std::string> LocalDateTimeToW3c(const std::string& text)
{
    int y = 0, mo = 0, d = 0, h = 0, mi = 0;
    const int n = std::sscanf(text.c_str(), "%4d-%2d-%2d%*[ T]%2d:%2d", &y, &mo, &d, &h, &mi);
    if (n != 3 && n != 5)
        return std::nullopt;
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1900 || mo < 1 || mo > 12 || d < 1 || d > kDays[mo - 1] || (mo == 2 && d == 29 && !leap) || h < 0 ||
        h > 23 || mi < 0 || mi > 59)
        return std::nullopt;
    std::tm t{};
    t.tm_year = y - 1900;
    t.tm_mon = mo - 1;
    t.tm_mday = d;
    t.tm_hour = h;
    t.tm_min = mi;
    t.tm_isdst = -1; // the zone's rule for that day
    const std::time_t at = std::mktime(&t);
    if (at == static_cast<std::time_t>(-1))
        return std::nullopt;
    std::tm local{};
    localtime_r(&at, &local);
    const int offset_min = static_cast<int>(local.tm_gmtoff / 60); // within a day
    const int abs_min = offset_min < 0 ? -offset_min : offset_min;
    char out[64];
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:00%c%02d:%02d", local.tm_year + 1900, local.tm_mon + 1,
                  local.tm_mday, local.tm_hour, local.tm_min, offset_min < 0 ? '-' : '+', abs_min / 60 % 100,
                  abs_min % 60);
    return std::string(out);
}

namespace {

bool IsNumber(const std::string& v)
{
    if (v.empty())
        return false;
    errno = 0;
    char* end = nullptr;
    const double x = std::strtod(v.c_str(), &end);
    return end && !*end && errno != ERANGE && std::isfinite(x);
}

} // namespace

std::vector<FieldProblem> CheckRequest(const crm::NewRequest& r, const crm::ServiceDefinition& d)
{
    std::vector<FieldProblem> problems;
    if (r.lat || r.lon) {
        const bool ok = r.lat && r.lon && std::isfinite(*r.lat) && std::isfinite(*r.lon) && *r.lat >= -90 &&
                        *r.lat <= 90 && *r.lon >= -180 && *r.lon <= 180;
        if (!ok)
            problems.push_back({"location", RequestProblem::PositionOutOfRange, "Location"});
    } else if (r.address.find_first_not_of(" \t\r\n") == std::string::npos && r.address_id.empty()) {
        problems.push_back({"location", RequestProblem::NoLocation, "Location"});
    }
    for (const auto& a : d.attributes) {
        if (!a.variable)
            continue; // information for the agent, not a question
        const std::string question = a.description.empty() ? a.code : a.description;
        const auto it = r.attributes.find(a.code);
        std::vector<std::string> values;
        if (it != r.attributes.end())
            for (const auto& v : it->second)
                if (v.find_first_not_of(" \t\r\n") != std::string::npos)
                    values.push_back(v);
        if (values.empty()) {
            if (a.required)
                problems.push_back({a.code, RequestProblem::Required, question});
            continue;
        }
        auto known = [&](const std::string& v) {
            return std::any_of(a.values.begin(), a.values.end(), [&](const auto& x) { return x.key == v; });
        };
        switch (a.datatype) {
        case crm::Datatype::Number:
            if (!std::all_of(values.begin(), values.end(), IsNumber))
                problems.push_back({a.code, RequestProblem::NotANumber, question});
            break;
        case crm::Datatype::Datetime:
            if (!std::all_of(values.begin(), values.end(),
                             [](const std::string& v) { return crm::ParseW3cDateTime(v).has_value(); }))
                problems.push_back({a.code, RequestProblem::NotADateTime, question});
            break;
        case crm::Datatype::SingleValueList:
        case crm::Datatype::MultiValueList:
            if (!std::all_of(values.begin(), values.end(), known) ||
                (a.datatype == crm::Datatype::SingleValueList && values.size() > 1))
                problems.push_back({a.code, RequestProblem::NotAChoice, question});
            break;
        case crm::Datatype::String:
        case crm::Datatype::Text:
            break;
        }
    }
    return problems;
}

std::string Describe(const FieldProblem& p)
{
    switch (p.problem) {
    case RequestProblem::UnknownService: return "service " + p.question + ": not in the CRM's service catalog";
    case RequestProblem::NoLocation: return "Location: give an address or a position (lat, long)";
    case RequestProblem::PositionOutOfRange: return "Location: latitude is -90 to 90, longitude -180 to 180";
    case RequestProblem::Required: return p.question + ": required";
    case RequestProblem::NotANumber: return p.question + ": a number, like 3 or 2.5";
    case RequestProblem::NotADateTime: return p.question + ": a date and time, like 2026-11-23T14:30:00-05:00";
    case RequestProblem::NotAChoice: return p.question + ": not one of the service's choices";
    }
    return p.question;
}

Result<void> CheckAgainstCatalog(store::Database& db, const crm::NewRequest& r)
{
    auto services = CachedServices(db);
    if (!services)
        return services.Err();
    const auto service = std::find_if(services->begin(), services->end(),
                                      [&](const crm::Service& s) { return s.code == r.service_code; });
    if (service == services->end())
        return Error{ErrorKind::Invalid, Describe({"service", RequestProblem::UnknownService,
                                                   "\"" + r.service_code + "\""})};
    crm::ServiceDefinition definition;
    if (service->has_definition) {
        auto d = CachedDefinition(db, r.service_code);
        if (!d)
            return d.Err();
        if (d.Value())
            definition = *d.Value();
    }
    const auto problems = CheckRequest(r, definition);
    if (!problems.empty())
        return Error{ErrorKind::Invalid, Describe(problems.front())};
    return Ok();
}

} // namespace civic::sync
