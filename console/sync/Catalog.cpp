// The service catalog, cached with a version so forms work offline.
#include "OutboxRows.h"

#include <civic/Json.h>
#include <civic/Text.h>
#include <civic/contacts/Identifiers.h>
#include <civic/core/ConsoleStore.h>

namespace civic::sync {

using namespace detail;


Result<CatalogReport> RefreshCatalog(store::Database& db, crm::Connector& crm)
{
    auto services = crm.Services();
    if (!services)
        return services.Err();
    std::vector<std::pair<std::string, std::string>> definitions; // code, JSON
    for (const auto& s : services.Value()) {
        if (!s.has_definition)
            continue;
        auto d = crm.Definition(s.code);
        if (!d)
            return Error{d.Err().kind, s.code + ": " + d.Err().message};
        json attrs = json::array();
        for (const auto& a : d->attributes) {
            json values = json::array();
            for (const auto& v : a.values)
                values.push_back({{"key", v.key}, {"name", v.name}});
            attrs.push_back({{"code", a.code},
                             {"datatype", static_cast<int>(a.datatype)},
                             {"variable", a.variable},
                             {"required", a.required},
                             {"description", a.description},
                             {"datatype_description", a.datatype_description},
                             {"order", a.order},
                             {"values", values}});
        }
        definitions.emplace_back(s.code, DumpJson(attrs));
    }
    // The version: a hash of everything listed, so a change is noticed.
    std::string all;
    for (const auto& s : services.Value())
        all += s.code + "\x1f" + s.name + "\x1f" + s.type + "\x1f" + s.description + "\x1e";
    for (const auto& [c, d] : definitions)
        all += c + "\x1f" + d + "\x1e";
    std::uint64_t h = 1469598103934665603ull; // FNV-1a
    for (unsigned char ch : all)
        h = (h ^ ch) * 1099511628211ull;
    char version[20];
    std::snprintf(version, sizeof version, "%016llx", static_cast<unsigned long long>(h));

    CatalogReport report;
    report.services = static_cast<int>(services->size());
    report.definitions = static_cast<int>(definitions.size());
    report.version = version;
    report.changed = CatalogVersion(db) != version;
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    if (auto r = db.Exec("DELETE FROM service"); !r)
        return r.Err();
    const std::int64_t now = Now();
    for (const auto& s : services.Value()) {
        std::string kw;
        for (const auto& k : s.keywords)
            kw += (kw.empty() ? "" : ", ") + k;
        std::optional<std::string> def;
        for (const auto& [c, d] : definitions)
            if (c == s.code)
                def = d;
        auto q = db.Prepare("INSERT OR REPLACE INTO service(code, name, description, grp, type, keywords, "
                            "has_definition, definition, fetched_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)");
        if (auto r = q.BindAll(s.code, s.name, s.description, s.group, s.type, kw, s.has_definition ? 1 : 0, def, now)
                         .Run();
            !r)
            return r.Err();
    }
    for (const auto& [k, v] : std::initializer_list<std::pair<const char*, std::string>>{
             {"version", report.version}, {"fetched_at", std::to_string(now)}, {"source", crm.Name()}}) {
        auto q = db.Prepare("INSERT OR REPLACE INTO catalog_state(key, value) VALUES(?1, ?2)");
        if (auto r = q.BindAll(k, v).Run(); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return report;
}

std::string CatalogVersion(store::Database& db)
{
    auto q = db.Prepare("SELECT value FROM catalog_state WHERE key = 'version'");
    return q.Step().Value() ? q.Text(0) : std::string();
}

Result<std::vector<crm::Service>> CachedServices(store::Database& db)
{
    std::vector<crm::Service> out;
    auto q = db.Prepare("SELECT code, name, description, grp, type, keywords, has_definition FROM service ORDER BY name");
    auto r = q.ForEach([&](store::Query& row) {
        crm::Service s{row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Text(4), {}, row.Int(6) != 0};
        const std::string kw = row.Text(5);
        for (size_t b = 0, e; b < kw.size(); b = e + 2) {
            e = kw.find(", ", b);
            if (e == std::string::npos)
                e = kw.size();
            s.keywords.push_back(kw.substr(b, e - b));
        }
        out.push_back(std::move(s));
    });
    if (!r)
        return r.Err();
    return out;
}

Result<std::optional<crm::ServiceDefinition>> CachedDefinition(store::Database& db, const std::string& code)
{
    auto q = db.Prepare("SELECT definition FROM service WHERE code = ?1");
    auto row = q.Bind(1, code).Step();
    if (!row)
        return row.Err();
    if (!row.Value() || q.IsNull(0))
        return std::optional<crm::ServiceDefinition>{};
    crm::ServiceDefinition d;
    d.service_code = code;
    try {
        for (const auto& a : json::parse(q.Text(0))) {
            crm::Attribute at;
            at.code = a.value("code", "");
            at.datatype = static_cast<crm::Datatype>(a.value("datatype", 0));
            at.variable = a.value("variable", true);
            at.required = a.value("required", false);
            at.description = a.value("description", "");
            at.datatype_description = a.value("datatype_description", "");
            at.order = a.value("order", 0);
            for (const auto& v : a.value("values", json::array()))
                at.values.push_back({v.value("key", ""), v.value("name", "")});
            d.attributes.push_back(std::move(at));
        }
    } catch (const json::exception&) {
        return Error{ErrorKind::Corrupt, "the cached definition of " + code + " cannot be read"};
    }
    return std::optional<crm::ServiceDefinition>(std::move(d));
}

} // namespace civic::sync
