// The Open311 connector against the loopback test server, in XML and JSON,
// with the faults deployed servers and networks produce.
#include <boost/test/unit_test.hpp>

#include <civic/open311/Open311Connector.h>

#include "Bounded.h"
#include "Open311Server.h"

#include <chrono>
#include <limits>

using namespace civic;
using civic::open311::Open311Connector;
using civic::test::Fault;
using civic::test::Open311Server;

namespace {

crm::ConnectorConfig Config(const Open311Server& server, const std::string& format, long timeout_ms = 5000)
{
    crm::ConnectorConfig c;
    c.endpoint = server.Endpoint();
    c.api_key = "test-key";
    c.format = format;
    c.timeout_ms = timeout_ms;
    return c;
}

crm::NewRequest Pothole()
{
    crm::NewRequest r;
    r.service_code = "POTHOLE";
    r.address = "1234 N Broad St";
    r.attributes["SIZE"] = {"L"};
    r.attributes["HAZARDS"] = {"water", "traffic"};
    r.description = "Deep pothole in the right lane & growing";
    r.phone = "+12155550100";
    return r;
}

} // namespace

BOOST_AUTO_TEST_SUITE(Open311)

BOOST_AUTO_TEST_CASE(catalog_and_definition_in_xml_and_json)
{
    Open311Server server;
    for (const char* format : {"xml", "json"}) {
        Open311Connector c(Config(server, format));
        auto services = c.Services();
        BOOST_TEST_REQUIRE(services.IsOk(), (services ? "" : services.Err().message));
        BOOST_TEST_REQUIRE(services->size() == 4u);
        BOOST_TEST(services->at(0).code == "POTHOLE");
        BOOST_TEST(services->at(0).has_definition);
        BOOST_TEST(services->at(2).type == "batch");
        BOOST_TEST(services->at(0).keywords == (std::vector<std::string>{"street", "road"}));
        auto def = c.Definition("POTHOLE");
        BOOST_TEST_REQUIRE(def.IsOk(), (def ? "" : def.Err().message));
        BOOST_TEST_REQUIRE(def->attributes.size() == 5u);
        BOOST_TEST((def->attributes[3].datatype == crm::Datatype::Number));
        BOOST_TEST((def->attributes[4].datatype == crm::Datatype::Datetime));
        BOOST_TEST(def->attributes[0].code == "LANE"); // sorted by order
        BOOST_TEST(def->attributes[1].required);
        BOOST_TEST((def->attributes[1].datatype == crm::Datatype::SingleValueList));
        BOOST_TEST(def->attributes[1].values.size() == 2u);
        BOOST_TEST(def->attributes[2].variable); // "true" as a string in JSON
        auto missing = c.Definition("NOPE");
        BOOST_TEST((missing.Err().kind == ErrorKind::NotFound));
    }
}

BOOST_AUTO_TEST_CASE(a_request_is_filed_with_its_attributes_and_found_again)
{
    Open311Server server;
    for (const char* format : {"xml", "json"}) {
        Open311Connector c(Config(server, format));
        auto s = c.Submit(Pothole(), std::string("key-") + format);
        BOOST_TEST_REQUIRE(s.IsOk(), (s ? "" : s.Err().message));
        BOOST_TEST(!s->request_id.empty());
        BOOST_TEST(s->service_notice == "Crews respond within 3 days");
        auto got = c.Requests({s->request_id});
        BOOST_TEST_REQUIRE(got.IsOk());
        BOOST_TEST_REQUIRE(got->size() == 1u);
        BOOST_TEST(got->at(0).status == "open");
        BOOST_TEST(got->at(0).requested_at > 0);
    }
    const auto filed = server.Requests();
    BOOST_TEST_REQUIRE(filed.size() == 2u);
    BOOST_TEST(filed[0].fields.at("attribute[SIZE]") == "L");
    BOOST_TEST(filed[0].fields.at("attribute[HAZARDS][]") == "water,traffic");
    BOOST_TEST(filed[0].fields.at("description") == "Deep pothole in the right lane & growing");
    BOOST_TEST(filed[0].fields.at("address_string") == "1234 N Broad St");
}

BOOST_AUTO_TEST_CASE(the_same_key_twice_files_one_request)
{
    Open311Server server;
    Open311Connector c(Config(server, "xml"));
    auto a = c.Submit(Pothole(), "same-key");
    auto b = c.Submit(Pothole(), "same-key");
    BOOST_TEST_REQUIRE((a.IsOk() && b.IsOk()));
    BOOST_TEST(a->request_id == b->request_id);
    BOOST_TEST(server.Requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(batch_services_answer_a_token_that_becomes_an_id)
{
    Open311Server server;
    server.SetTokenPolls(2);
    Open311Connector c(Config(server, "json"));
    crm::NewRequest r = Pothole();
    r.service_code = "BULK";
    auto s = c.Submit(r, "bulk-1");
    BOOST_TEST_REQUIRE(s.IsOk());
    BOOST_TEST(s->request_id.empty());
    BOOST_TEST_REQUIRE(!s->token.empty());
    auto first = c.FromToken(s->token);
    BOOST_TEST_REQUIRE(first.IsOk());
    BOOST_TEST(first->at(0).request_id.empty()); // not processed yet
    auto second = c.FromToken(s->token);
    BOOST_TEST(second->at(0).request_id == server.Requests().at(0).id);
    // A blackbox service gives no id and no token: a notice only.
    r.service_code = "TIP";
    auto tip = c.Submit(r, "tip-1");
    BOOST_TEST_REQUIRE(tip.IsOk());
    BOOST_TEST((tip->request_id.empty() && tip->token.empty()));
    BOOST_TEST(tip->service_notice == "Thank you");
}

BOOST_AUTO_TEST_CASE(refusals_carry_the_servers_own_words)
{
    Open311Server server;
    auto bad_key = Config(server, "xml");
    bad_key.api_key = "wrong";
    auto r = Open311Connector(bad_key).Submit(Pothole(), "k1");
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST((r.Err().kind == ErrorKind::Denied)); // a wrong key: an agent must act
    BOOST_TEST(r.Err().message.find("403: Invalid api_key") != std::string::npos, r.Err().message);

    Open311Connector c(Config(server, "xml"));
    crm::NewRequest nowhere = Pothole();
    nowhere.address.clear();
    auto no_location = c.Submit(nowhere, "k2");
    BOOST_TEST((no_location.Err().kind == ErrorKind::Rejected));
    BOOST_TEST(no_location.Err().message.find("A location is required") != std::string::npos);

    server.Inject(Fault::JsonErrorOnXml);
    BOOST_TEST(c.Submit(Pothole(), "k3").Err().message.find("400: service_code is not valid") != std::string::npos);
    server.Inject(Fault::HtmlError);
    auto html = c.Services();
    BOOST_TEST((html.Err().kind == ErrorKind::Unavailable)); // a proxy's 502: try later
    BOOST_TEST(html.Err().message.find("Bad Gateway The proxy server received an invalid response.") !=
                   std::string::npos,
               html.Err().message);
    server.Inject(Fault::EmptyError);
    BOOST_TEST(c.Services().Err().message.find("no explanation given") != std::string::npos);
    BOOST_TEST(server.Requests().empty());
}

BOOST_AUTO_TEST_CASE(an_error_code_that_repeats_the_status_is_left_out)
{
    const std::string body = "<errors><error><code>403</code><description>Invalid api_key</description></error>"
                             "<error><code>E12</code><description>Jurisdiction closed</description></error></errors>";
    BOOST_TEST(open311::ErrorText(body, 403) == "Invalid api_key; E12: Jurisdiction closed");
    BOOST_TEST(open311::ErrorText(body, 400) == "403: Invalid api_key; E12: Jurisdiction closed");
}

BOOST_AUTO_TEST_CASE(a_server_listing_many_errors_is_told_in_a_line_that_fits_and_stays_readable)
{
    // Found by fuzzing: forty <error>s made a message of 2,000 characters
    // for the status bar and the outbox; a cut inside a letter made it unreadable.
    std::string body = "<errors>";
    for (int i = 0; i < 40; ++i)
        body += "<error><code>E" + std::to_string(i) + "</code><description>Invalid api_key received for "
                "this jurisdiction</description></error>";
    body += "</errors>";
    const std::string listed = open311::ErrorText(body, 403);
    BOOST_TEST(listed.size() <= 300u);
    BOOST_TEST(listed.starts_with("E0: Invalid api_key received for this jurisdiction; E1: "));
    BOOST_TEST(listed.ends_with("..."));
    std::string accents;
    for (int i = 0; i < 400; ++i)
        accents += "\xC3\xA9"; // é
    for (const std::string& b : {accents, "<errors><error><description>" + accents + "</description></error></errors>"}) {
        const std::string said = open311::ErrorText(b, 500);
        BOOST_TEST(said.size() <= 300u);
        BOOST_TEST(said.ends_with("\xC3\xA9..."), said.substr(said.size() - 6)); // whole letters only
    }
}

BOOST_AUTO_TEST_CASE(overload_says_when_to_come_back)
{
    Open311Server server;
    server.SetRetryAfter(7);
    Open311Connector c(Config(server, "xml"));
    server.Inject(Fault::RateLimited);
    auto r = c.Submit(Pothole(), "k");
    BOOST_TEST((r.Err().kind == ErrorKind::Unavailable));
    BOOST_TEST(r.Err().retry_after_s == 7);
    server.Inject(Fault::Unavailable);
    BOOST_TEST(c.Services().Err().retry_after_s == 7);
    server.Inject(Fault::Status500);
    auto e = c.Services();
    BOOST_TEST((e.Err().kind == ErrorKind::Unavailable));
    BOOST_TEST(e.Err().retry_after_s == -1);
}

BOOST_AUTO_TEST_CASE(broken_documents_are_parse_errors_with_a_place)
{
    Open311Server server;
    Open311Connector xml(Config(server, "xml"));
    server.Inject(Fault::MalformedXml);
    auto a = xml.Requests({"1"});
    BOOST_TEST((a.Err().kind == ErrorKind::Parse));
    BOOST_TEST(a.Err().message.find("requests.xml: line 1") != std::string::npos, a.Err().message);
    Open311Connector json(Config(server, "json"));
    server.Inject(Fault::TruncatedJson);
    auto b = json.Services();
    BOOST_TEST((b.Err().kind == ErrorKind::Parse));
    BOOST_TEST(b.Err().message.find("services.json: not valid JSON") != std::string::npos, b.Err().message);
}

BOOST_AUTO_TEST_CASE(an_answer_lost_after_the_request_arrived_is_flagged_uncertain)
{
    Open311Server server;
    server.SetSlowMs(1500);
    Open311Connector c(Config(server, "xml", 500));
    server.Inject(Fault::SlowAfterCreate);
    auto slow = c.Submit(Pothole(), "uncertain-1");
    BOOST_TEST_REQUIRE(!slow.IsOk());
    BOOST_TEST((slow.Err().kind == ErrorKind::Offline));
    BOOST_TEST(slow.Err().maybe_delivered); // and indeed the server has it
    BOOST_TEST(server.Requests().size() == 1u);

    server.Inject(Fault::DropAfterCreate);
    auto dropped = Open311Connector(Config(server, "xml")).Submit(Pothole(), "uncertain-2");
    BOOST_TEST_REQUIRE(!dropped.IsOk());
    BOOST_TEST(dropped.Err().maybe_delivered);
    BOOST_TEST(server.Requests().size() == 2u);

    // Resending with the same key is safe on a server that honours it.
    std::this_thread::sleep_for(std::chrono::milliseconds(1200)); // the slow answer has gone out
    auto again = Open311Connector(Config(server, "xml")).Submit(Pothole(), "uncertain-2");
    BOOST_TEST_REQUIRE(again.IsOk());
    BOOST_TEST(server.Requests().size() == 2u);

    // Nobody listening: certainly not delivered.
    auto closed = Config(server, "xml");
    closed.endpoint = "http://127.0.0.1:9/open311/v2";
    auto refused = Open311Connector(closed).Submit(Pothole(), "k");
    BOOST_TEST((refused.Err().kind == ErrorKind::Offline));
    BOOST_TEST(!refused.Err().maybe_delivered);
}

BOOST_AUTO_TEST_CASE(status_changes_since_a_time)
{
    Open311Server server;
    Open311Connector c(Config(server, "json"));
    auto s = c.Submit(Pothole(), "k");
    BOOST_TEST_REQUIRE(s.IsOk());
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    server.Close(s->request_id, "Filled by the Streets Department", now + 60);
    auto changed = c.UpdatedSince(now + 30);
    BOOST_TEST_REQUIRE(changed.IsOk());
    BOOST_TEST_REQUIRE(changed->size() == 1u);
    BOOST_TEST(changed->at(0).status == "closed");
    BOOST_TEST(changed->at(0).status_notes == "Filled by the Streets Department");
    BOOST_TEST(changed->at(0).updated_at == now + 60);
    BOOST_TEST(c.Requests({"999999"})->empty()); // unknown id: nothing, not an error
}

BOOST_AUTO_TEST_CASE(w3c_datetimes_with_any_zone)
{
    BOOST_TEST(crm::ParseW3cDateTime("2026-11-23T12:00:00Z").value() == 1795435200);
    BOOST_TEST(crm::ParseW3cDateTime("2026-11-23T07:00:00-05:00").value() == 1795435200);
    BOOST_TEST(crm::ParseW3cDateTime("2026-11-23T13:00:00+0100").value() == 1795435200);
    BOOST_TEST(crm::ParseW3cDateTime("2026-11-23T12:00:00.250Z").value() == 1795435200);
    BOOST_TEST(!crm::ParseW3cDateTime("yesterday").has_value());
    BOOST_TEST(crm::FormatW3cDateTime(1795435200) == "2026-11-23T12:00:00Z");
}

BOOST_AUTO_TEST_CASE(the_connector_is_found_by_name)
{
    open311::RegisterOpen311();
    Open311Server server;
    auto c = crm::MakeConnector("open311", Config(server, "xml"));
    BOOST_TEST_REQUIRE(c != nullptr);
    BOOST_TEST(c->Name() == "open311:" + server.Endpoint());
    BOOST_TEST(crm::MakeConnector("salesforce", Config(server, "xml")) == nullptr);
}

BOOST_AUTO_TEST_SUITE_END()

// Answers as deployed GeoReport v2 servers send them, beside the standard's:
// each must read to the same content, or say it cannot.
BOOST_AUTO_TEST_SUITE(DeployedShapes)

BOOST_AUTO_TEST_CASE(a_definition_whose_lists_repeat_their_container_name_keeps_its_attributes)
{
    const std::string xml = R"(<?xml version="1.0" encoding="utf-8"?>
<service_definition><service_code>POTHOLE</service_code>
  <attributes><attributes>
    <variable>true</variable><code>SIZE</code><datatype>singlevaluelist</datatype>
    <required>true</required><datatype_description/><order>1</order>
    <description>How big is it?</description>
    <values><values><key>S</key><name>Small</name></values><values><key>L</key><name>Large</name></values></values>
  </attributes></attributes>
</service_definition>)";
    auto d = open311::ParseDefinition(xml, false, "SIZE.xml");
    BOOST_TEST_REQUIRE(d.IsOk(), (d ? "" : d.Err().message));
    BOOST_TEST_REQUIRE(d->attributes.size() == 1u);
    BOOST_TEST(d->attributes[0].code == "SIZE");
    BOOST_TEST(d->attributes[0].required);
    BOOST_TEST_REQUIRE(d->attributes[0].values.size() == 2u);
    BOOST_TEST(d->attributes[0].values[1].key == "L");
    BOOST_TEST(d->attributes[0].values[1].name == "Large");
}

BOOST_AUTO_TEST_CASE(a_post_answer_in_doubled_containers_with_null_texts_names_the_request)
{
    const std::string xml = R"(<?xml version="1.0" encoding="UTF-8"?>
<service_requests><service_requests>
  <service_request_id>638344</service_request_id><token>null</token>
  <service_notice>null</service_notice><account_id>null</account_id>
</service_requests></service_requests>)";
    auto list = open311::ParseRequestList(xml, false, "requests.xml");
    BOOST_TEST_REQUIRE(list.IsOk(), (list ? "" : list.Err().message));
    BOOST_TEST_REQUIRE(list->size() == 1u);
    BOOST_TEST(list->front().request_id == "638344");
    BOOST_TEST(list->front().token.empty()); // "null" is no token to poll
    BOOST_TEST(list->front().service_notice.empty());
}

BOOST_AUTO_TEST_CASE(a_list_of_service_request_elements_is_read)
{
    const std::string xml = R"(<service_requests>
  <service_request><service_request_id>101</service_request_id><status>closed</status></service_request>
  <service_request><service_request_id>102</service_request_id><status>open</status></service_request>
</service_requests>)";
    auto list = open311::ParseRequestList(xml, false, "requests.xml");
    BOOST_TEST_REQUIRE(list.IsOk(), (list ? "" : list.Err().message));
    BOOST_TEST_REQUIRE(list->size() == 2u);
    BOOST_TEST(list->at(0).request_id == "101");
    BOOST_TEST(list->at(0).status == "closed");
}

BOOST_AUTO_TEST_CASE(a_json_answer_to_an_xml_post_is_read_as_json_with_its_data_wrapper)
{
    const std::string body = R"({"data": {"service_request_id": "SR-77", "service_notice": ""}, "success": true})";
    auto as_xml_call = open311::ParseRequestList(body, false, "requests.xml");
    BOOST_TEST_REQUIRE(as_xml_call.IsOk(), (as_xml_call ? "" : as_xml_call.Err().message));
    BOOST_TEST_REQUIRE(as_xml_call->size() == 1u);
    BOOST_TEST(as_xml_call->front().request_id == "SR-77");
    auto as_json_call = open311::ParseRequestList(body, true, "requests.json");
    BOOST_TEST_REQUIRE(as_json_call.IsOk());
    BOOST_TEST_REQUIRE(as_json_call->size() == 1u);
    BOOST_TEST(as_json_call->front().request_id == "SR-77");
}

BOOST_AUTO_TEST_CASE(an_xml_answer_to_a_json_call_is_read_as_xml)
{
    const std::string body = "<service_requests><request><service_request_id>5</service_request_id>"
                             "</request></service_requests>";
    auto list = open311::ParseRequestList(body, true, "requests.json");
    BOOST_TEST_REQUIRE(list.IsOk(), (list ? "" : list.Err().message));
    BOOST_TEST_REQUIRE(list->size() == 1u);
    BOOST_TEST(list->front().request_id == "5");
}

BOOST_AUTO_TEST_SUITE_END()

// What a CRM answers is input the console does not control: out-of-range
// numbers, nesting, sheer size. Each is refused with a message, in bounded
// memory; the process goes on. Run in a child process with a memory bound, so
// a defect shows as a failed test, not a lost test run.
BOOST_AUTO_TEST_SUITE(HostileAnswers)

namespace {

constexpr std::size_t kBound = 600u * 1024 * 1024;

// The parse in a child: true when it returned the expected Parse error.
template <class Parse>
civic::test::Bounded RefusedWithin(Parse parse, const std::string& words)
{
    return civic::test::RunBounded(kBound, [&] {
        auto r = parse();
        return !r && r.Err().kind == ErrorKind::Parse && r.Err().message.find(words) != std::string::npos;
    });
}

} // namespace

BOOST_AUTO_TEST_CASE(a_number_out_of_range_is_a_parse_error_not_an_abort)
{
    const std::string services = R"([{"service_code":"A","service_name":"A","order":1e400}])";
    BOOST_TEST((RefusedWithin([&] { return open311::ParseServices(services, true, "services.json"); },
                              "number too large") == civic::test::Bounded::Returned));
    const std::string post = R"([{"service_request_id":1e999999}])";
    BOOST_TEST((RefusedWithin([&] { return open311::ParseRequestList(post, true, "requests.json"); },
                              "number too large") == civic::test::Bounded::Returned));
    // An order as XML text out of an int's range is read, at the end of the form.
    const std::string xml = "<service_definition><service_code>A</service_code><attributes><attribute>"
                            "<code>X</code><datatype>string</datatype><order>99999999999999999999</order>"
                            "</attribute></attributes></service_definition>";
    auto d = open311::ParseDefinition(xml, false, "A.xml");
    BOOST_TEST_REQUIRE(d.IsOk());
    BOOST_TEST(d->attributes.at(0).order == std::numeric_limits<int>::max());
}

BOOST_AUTO_TEST_CASE(deep_nesting_is_refused_naming_the_depth)
{
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    BOOST_TEST((RefusedWithin([&] { return open311::ParseServices(deep, true, "services.json"); },
                              "nested deeper than 64 levels") == civic::test::Bounded::Returned));
    BOOST_TEST((RefusedWithin([&] { return open311::ParseRequestList(deep, true, "requests.json"); },
                              "nested deeper") == civic::test::Bounded::Returned));
    // A real answer's depth (a definition: 4 levels) is far inside the bound.
    const std::string def = R"({"service_code":"A","attributes":[{"code":"S","datatype":"singlevaluelist",
        "values":[{"key":"L","name":"Large"}]}]})";
    BOOST_TEST(open311::ParseDefinition(def, true, "A.json").IsOk());
}

BOOST_AUTO_TEST_CASE(an_answer_of_sixty_megabytes_of_tiny_values_is_refused_in_bounded_memory)
{
    // Below the transport's 64 MiB cap, so it reaches the parser.
    std::string json = "[";
    while (json.size() < 60u * 1024 * 1024)
        json += "{},";
    json += "{}]";
    BOOST_TEST((RefusedWithin([&] { return open311::ParseServices(json, true, "services.json"); },
                              "more than 1000000 values") == civic::test::Bounded::Returned));
    BOOST_TEST((RefusedWithin([&] { return open311::ParseRequestList(json, true, "requests.json"); },
                              "values") == civic::test::Bounded::Returned));
    std::string xml = "<services>";
    while (xml.size() < 60u * 1024 * 1024)
        xml += "<service/>";
    xml += "</services>";
    BOOST_TEST((RefusedWithin([&] { return open311::ParseServices(xml, false, "services.xml"); },
                              "elements") == civic::test::Bounded::Returned));
}

BOOST_AUTO_TEST_CASE(a_hostile_answer_from_the_server_is_an_error_and_the_connector_goes_on)
{
    Open311Server server;
    Open311Connector c(Config(server, "json"));
    server.SetHostileBody(R"([{"service_code":"A","order":1e400}])");
    server.Inject(Fault::HostileBody);
    auto services = c.Services();
    BOOST_TEST_REQUIRE(!services.IsOk());
    BOOST_TEST((services.Err().kind == ErrorKind::Parse));
    BOOST_TEST(services.Err().message.find("number too large") != std::string::npos);
    server.SetHostileBody(std::string(200'000, '['));
    server.Inject(Fault::HostileBody);
    auto filed = c.Submit(Pothole(), "hostile-1");
    BOOST_TEST_REQUIRE(!filed.IsOk());
    BOOST_TEST((filed.Err().kind == ErrorKind::Parse));
    // The next answer is an honest one, and it is read.
    auto again = c.Services();
    BOOST_TEST_REQUIRE(again.IsOk(), (again ? "" : again.Err().message));
    BOOST_TEST(again->size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
