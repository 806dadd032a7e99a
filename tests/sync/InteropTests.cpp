// A real GeoReport v2 endpoint, through the console's own paths: the catalog
// refresh, the status refresh with its fallbacks, delivery from the outbox.
// Opt-in, as it needs a server:
//
//   OPEN311_TEST_ENDPOINT=https://…/open311/v2   the server (required)
//   OPEN311_TEST_FORMAT=json                     default xml
//   OPEN311_TEST_JURISDICTION=…                  when the server wants one
//   OPEN311_TEST_WRITE=SERVICE_CODE              also file one request and follow it
//   OPEN311_TEST_API_KEY=…                       the key for filing
//   OPEN311_TEST_ADDRESS=…                       where (default: City Hall, Philadelphia)
//
// Calls that succeed are not enough: each answer is read again as text and
// what the console read from it is held against what it holds (services,
// attributes, request ids), so a server whose shapes the readers miss fails
// here rather than giving empty forms in the field.
#include <boost/test/unit_test.hpp>

#include <civic/contacts/Contacts.h>
#include <civic/net/HttpClient.h>
#include <civic/open311/Open311Connector.h>
#include <civic/sync/ConsoleSchema.h>
#include <civic/sync/Outbox.h>

#include <chrono>
#include <cstdlib>
#include <regex>
#include <thread>

using namespace civic;

namespace {

std::string Env(const char* name, const std::string& fallback = {})
{
    const char* v = std::getenv(name);
    return v && *v ? std::string(v) : fallback;
}

struct RealCrm
{
    crm::ConnectorConfig config;
    bool json = false;
    std::unique_ptr<open311::Open311Connector> connector;
    std::unique_ptr<store::Database> db = store::Database::Open(":memory:", sync::ConsoleSchema()).Value();

    RealCrm()
    {
        config.endpoint = Env("OPEN311_TEST_ENDPOINT");
        config.format = Env("OPEN311_TEST_FORMAT", "xml");
        config.jurisdiction_id = Env("OPEN311_TEST_JURISDICTION");
        config.api_key = Env("OPEN311_TEST_API_KEY");
        json = config.format == "json";
        connector = std::make_unique<open311::Open311Connector>(config);
    }

    // The answer as text, as the server sent it.
    std::string Raw(const std::string& path)
    {
        sdk::HttpRequest r;
        r.url = config.endpoint + "/" + path + (json ? ".json" : ".xml") +
                (config.jurisdiction_id.empty() ? "" : "?jurisdiction_id=" + config.jurisdiction_id);
        auto got = net::Perform(r);
        BOOST_TEST_REQUIRE(got.IsOk(), r.url << ": " << (got ? "" : got.Err().message));
        BOOST_TEST_REQUIRE(got->status == 200, r.url << ": HTTP " << got->status);
        return got->body;
    }

    // How many times a field holds a value in the raw text: <name>value</name>
    // in XML, "name": value in JSON (null and empty not counted).
    int Count(const std::string& body, const std::string& name) const
    {
        const std::regex re = json ? std::regex("\"" + name + "\"\\s*:\\s*(\"[^\"]+\"|-?[0-9][^,}\\]]*)")
                                   : std::regex("<(\\w+:)?" + name + ">\\s*[^<\\s][^<]*</");
        int n = 0;
        for (auto it = std::sregex_iterator(body.begin(), body.end(), re); it != std::sregex_iterator(); ++it) {
            const std::string m = it->str();
            n += m.find(">null<") == std::string::npos ? 1 : 0;
        }
        return n;
    }
};

bool Enabled()
{
    if (Env("OPEN311_TEST_ENDPOINT").empty()) {
        BOOST_TEST_MESSAGE("OPEN311_TEST_ENDPOINT is not set: skipped");
        return false;
    }
    return true;
}

} // namespace

BOOST_AUTO_TEST_SUITE(Interop)

BOOST_AUTO_TEST_CASE(the_catalog_reads_every_service_and_every_attribute)
{
    if (!Enabled())
        return;
    RealCrm t;
    auto report = sync::RefreshCatalog(*t.db, *t.connector);
    BOOST_TEST_REQUIRE(report.IsOk(), (report ? "" : report.Err().message));
    auto services = sync::CachedServices(*t.db);
    BOOST_TEST_REQUIRE(services.IsOk());
    const std::string raw = t.Raw("services");
    BOOST_TEST(!services->empty());
    BOOST_TEST(static_cast<int>(services->size()) == t.Count(raw, "service_code"), "services in the answer");
    int checked = 0;
    for (const auto& s : services.Value()) {
        if (!s.has_definition || checked >= 10)
            continue;
        ++checked;
        auto cached = sync::CachedDefinition(*t.db, s.code);
        BOOST_TEST_REQUIRE(cached.IsOk());
        BOOST_TEST_REQUIRE(cached->has_value(), s.code << ": definition not cached");
        const std::string def = t.Raw("services/" + s.code);
        // Attribute codes in the text, less the definition's own service_code.
        const int in_text = t.Count(def, "code");
        BOOST_TEST(static_cast<int>(cached->value().attributes.size()) == in_text,
                   s.code << ": " << cached->value().attributes.size() << " attributes read, " << in_text
                          << " in the answer");
        for (const auto& a : cached->value().attributes)
            if (a.datatype == crm::Datatype::SingleValueList || a.datatype == crm::Datatype::MultiValueList)
                BOOST_TEST(!a.values.empty(), s.code << "/" << a.code << ": a list with no choices read");
    }
    BOOST_TEST_MESSAGE(services->size() << " services, " << checked << " definitions checked");
}

BOOST_AUTO_TEST_CASE(a_request_list_names_its_requests_and_the_status_refresh_works)
{
    if (!Enabled())
        return;
    RealCrm t;
    const std::string raw = t.Raw("requests");
    const int ids_in_text = t.Count(raw, "service_request_id");
    // The console's own path, fallbacks included (a server that refuses
    // updated_after is asked by id).
    auto refreshed = sync::RefreshRequests(*t.db, *t.connector);
    BOOST_TEST(refreshed.IsOk(), (refreshed ? "" : refreshed.Err().message));
    auto direct = open311::ParseRequestList(raw, t.json, "requests");
    BOOST_TEST_REQUIRE(direct.IsOk(), (direct ? "" : direct.Err().message));
    int named = 0;
    for (const auto& r : direct.Value())
        named += r.request_id.empty() ? 0 : 1;
    BOOST_TEST(named == ids_in_text, named << " ids read, " << ids_in_text << " in the answer");
    BOOST_TEST_MESSAGE(ids_in_text << " requests listed");
}

// OPEN311_TEST_WRITE=SERVICE_CODE: one request filed as an agent's wrap-up
// would file it, then followed until the CRM names it.
BOOST_AUTO_TEST_CASE(a_request_filed_from_the_outbox_is_found_at_the_crm_once)
{
    if (!Enabled())
        return;
    const std::string code = Env("OPEN311_TEST_WRITE");
    if (code.empty()) {
        BOOST_TEST_MESSAGE("OPEN311_TEST_WRITE is not set: nothing filed");
        return;
    }
    RealCrm t;
    BOOST_TEST_REQUIRE(sync::RefreshCatalog(*t.db, *t.connector).IsOk());
    contacts::ContactStore cs(*t.db);
    contacts::NewContact caller;
    caller.name = "Interop Test";
    const auto contact = cs.Create(caller).Value();
    sync::WrapUp w;
    w.contact = contact;
    w.agent = "interop";
    w.disposition = "request created";
    w.started_at = w.ended_at = w.submitted_at =
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
    w.notes = "CivicDesk interoperability test: please close.";
    crm::NewRequest r;
    r.service_code = code;
    r.address = Env("OPEN311_TEST_ADDRESS", "1400 John F Kennedy Blvd, Philadelphia, PA 19107");
    r.description = w.notes;
    // Required attributes get their first choice or a placeholder.
    if (auto def = sync::CachedDefinition(*t.db, code); def && def->has_value())
        for (const auto& a : def->value().attributes)
            if (a.required && a.variable)
                r.attributes[a.code] = {a.values.empty() ? std::string("1") : a.values.front().key};
    w.request = r;
    auto submitted = sync::Submit(*t.db, w);
    BOOST_TEST_REQUIRE(submitted.IsOk(), (submitted ? "" : submitted.Err().message));
    sync::DeliverOptions now;
    now.ignore_schedule = true;
    auto round = sync::Deliver(*t.db, *t.connector, now);
    BOOST_TEST_REQUIRE(round.IsOk(), (round ? "" : round.Err().message));
    BOOST_TEST(round->delivered == 1);
    // A token resolves to an id in later rounds.
    sync::Entry e = sync::Get(*t.db, submitted->outbox).Value();
    for (int i = 0; i < 10 && e.remote_id.empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::seconds(1));
        (void)sync::Deliver(*t.db, *t.connector, now);
        e = sync::Get(*t.db, submitted->outbox).Value();
    }
    BOOST_TEST_REQUIRE(!e.remote_id.empty(), "no id after 10 rounds; token " << e.token);
    auto at_crm = t.connector->Requests({e.remote_id});
    BOOST_TEST_REQUIRE(at_crm.IsOk(), (at_crm ? "" : at_crm.Err().message));
    BOOST_TEST_REQUIRE(at_crm->size() == 1u);
    BOOST_TEST(at_crm->front().request_id == e.remote_id);
    BOOST_TEST(at_crm->front().service_code == code);
    BOOST_TEST(sync::RefreshRequests(*t.db, *t.connector).IsOk());
    BOOST_TEST_MESSAGE("filed " << e.remote_id << ", status " << at_crm->front().status);
}

BOOST_AUTO_TEST_SUITE_END()
