// Before filing a duplicate: open requests of the same kind near the same place.
#include "OutboxRows.h"

#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

#include <algorithm>
#include <cmath>

namespace civic::sync {

using namespace detail;

std::string AddressKey(const std::string& address)
{
    // The street part in the contacts' normal form ("1234 N BROAD ST UNIT 3"),
    // without the city after a comma or the unit within the building: for a
    // pothole or a street light those are the same place.
    const std::string normal = contacts::NormalizeAddress(address.substr(0, address.find(',')));
    static const std::set<std::string, std::less<>> kUnit = {"UNIT", "STE", "FL", "RM", "BLDG"};
    std::string key;
    size_t words = 0;
    for (size_t b = 0; b < normal.size();) {
        size_t e = normal.find(' ', b);
        if (e == std::string::npos)
            e = normal.size();
        const std::string_view word(normal.data() + b, e - b);
        if (words >= 2 && kUnit.count(word))
            break;
        key += Lower(word) + ' ';
        ++words;
        b = e + 1;
    }
    if (!key.empty())
        key.pop_back();
    return key;
}

Result<std::vector<Nearby>> NearbyOpen(store::Database& db, const crm::NewRequest& request, double radius_m,
                                       int limit)
{
    const std::string key = AddressKey(request.address);
    const bool has_point = request.lat && request.lon;
    if (key.empty() && !has_point)
        return std::vector<Nearby>{};
    // Equirectangular distance: exact enough within a city block or two.
    auto distance = [&](double lat, double lon) {
        constexpr double kEarth = 6371000.0, kRad = 3.14159265358979323846 / 180.0;
        const double x = (lon - *request.lon) * kRad * std::cos((lat + *request.lat) / 2 * kRad);
        const double y = (lat - *request.lat) * kRad;
        return std::sqrt(x * x + y * y) * kEarth;
    };
    std::vector<Nearby> out;
    auto consider = [&](Nearby n, std::optional<double> lat, std::optional<double> lon) {
        if (IsClosed(n.state.status))
            return;
        if (has_point && lat && lon) {
            const double d = distance(*lat, *lon);
            if (d > radius_m)
                return;
            n.distance_m = d;
        } else if (key.empty() || AddressKey(n.state.address) != key) {
            return;
        }
        for (const auto& x : out)
            if (!n.state.request_id.empty() && x.state.request_id == n.state.request_id)
                return;
        out.push_back(std::move(n));
    };
    // The console's own first: they carry the local id the link needs.
    auto own = db.Prepare("SELECT id, COALESCE(request_id, ''), service_code, service_name, address, status, "
                          "status_notes, opened_at FROM service_request WHERE service_code = ?1 AND status <> 'closed' "
                          "ORDER BY opened_at DESC LIMIT 500");
    auto r = own.Bind(1, request.service_code).ForEach([&](store::Query& row) {
        Nearby n;
        n.local = row.Int(0);
        n.state.request_id = row.Text(1);
        n.state.service_code = row.Text(2);
        n.state.service_name = row.Text(3);
        n.state.address = row.Text(4);
        n.state.status = row.Text(5);
        n.state.status_notes = row.Text(6);
        n.state.requested_at = row.Int(7);
        consider(std::move(n), std::nullopt, std::nullopt);
    });
    if (!r)
        return r.Err();
    // Coordinates from the CRM's listing where it has them.
    auto listed = db.Prepare("SELECT request_id, service_code, service_name, status, status_notes, address, lat, lon, "
                             "description, requested_at FROM crm_request WHERE service_code = ?1 AND status <> 'closed' "
                             "ORDER BY requested_at DESC LIMIT 2000");
    r = listed.Bind(1, request.service_code).ForEach([&](store::Query& row) {
        Nearby n;
        n.state.request_id = row.Text(0);
        n.state.service_code = row.Text(1);
        n.state.service_name = row.Text(2);
        n.state.status = row.Text(3);
        n.state.status_notes = row.Text(4);
        n.state.address = row.Text(5);
        std::optional<double> lat, lon;
        if (!row.IsNull(6) && !row.IsNull(7)) {
            lat = row.Real(6);
            lon = row.Real(7);
        }
        n.state.lat = lat;
        n.state.lon = lon;
        n.state.description = row.Text(8);
        n.state.requested_at = row.Int(9);
        // Already in the list as the console's own: add what the CRM knows.
        for (auto& x : out)
            if (x.state.request_id == n.state.request_id && !n.state.request_id.empty()) {
                x.state.description = n.state.description;
                return;
            }
        consider(std::move(n), lat, lon);
    });
    if (!r)
        return r.Err();
    std::stable_sort(out.begin(), out.end(), [](const Nearby& a, const Nearby& b) {
        return a.state.requested_at > b.state.requested_at;
    });
    if (out.size() > static_cast<size_t>(limit))
        out.resize(static_cast<size_t>(limit));
    return out;
}

} // namespace civic::sync
