#define BOOST_TEST_MODULE sync
#include <boost/test/unit_test.hpp>

#include <tuple>

#include <civic/sync/ConsoleSchema.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>
#include <civic/open311/Open311Connector.h>
#include <civic/sync/Outbox.h>

#include "Bounded.h"
#include "FaultRelay.h"
#include "ForwardingConnector.h"
#include "Open311Server.h"
#include "TestSupport.h"

#include <algorithm>
#include <chrono>

using namespace civic;
using civic::test::Fault;
using civic::test::Open311Server;

namespace {

struct World
{
    World() : db(store::Database::Open(":memory:", sync::ConsoleSchema()).Value())
    {
        contacts::ContactStore cs(*db);
        contacts::NewContact c;
        c.name = "Maria Lopez";
        c.identifiers = {{contacts::IdKind::Phone, "2155550100", "", true}};
        maria = cs.Create(c).Value();
    }
    std::unique_ptr<store::Database> db;
    std::int64_t maria = 0;

    sync::WrapUp Pothole(const std::string& notes = "Pothole in the right lane")
    {
        sync::WrapUp w;
        w.contact = maria;
        w.agent = "Dana";
        w.disposition = "request created";
        w.started_at = 1000;
        w.ended_at = 1300;
        w.submitted_at = 1400;
        w.notes = notes;
        crm::NewRequest r;
        r.service_code = "POTHOLE";
        r.address = "1234 N Broad St";
        r.attributes["SIZE"] = {"L"};
        r.description = notes;
        w.request = r;
        w.service_name = "Pothole repair";
        return w;
    }
    sync::Entry Only()
    {
        auto all = sync::List(*db);
        BOOST_TEST_REQUIRE(all->size() == 1u);
        return all->front();
    }
};

// console.db's modules as they stood when the single list reached `legacy`.
store::Schema ConsoleSchemaUpTo(int legacy)
{
    auto schema = sync::ConsoleSchema();
    for (auto& module : schema) {
        size_t n = 0;
        while (n < module.steps.size() && module.steps[n].legacy > 0 && module.steps[n].legacy <= legacy)
            ++n;
        module.steps = module.steps.first(n);
    }
    return schema;
}

crm::ConnectorConfig Config(const Open311Server& s, long timeout_ms = 5000)
{
    crm::ConnectorConfig c;
    c.endpoint = s.Endpoint();
    c.api_key = "test-key";
    c.timeout_ms = timeout_ms;
    return c;
}

crm::ConnectorConfig Unreachable()
{
    crm::ConnectorConfig c;
    c.endpoint = "http://127.0.0.1:9/open311/v2";
    c.api_key = "test-key";
    return c;
}

} // namespace

BOOST_AUTO_TEST_SUITE(Submitting)

BOOST_AUTO_TEST_CASE(a_wrap_up_is_an_interaction_a_request_and_an_outbox_entry_at_once)
{
    World w;
    auto s = sync::Submit(*w.db, w.Pothole());
    BOOST_TEST_REQUIRE(s.IsOk(), (s ? "" : s.Err().message));
    BOOST_TEST(s->outbox > 0);
    const auto e = w.Only();
    BOOST_TEST((e.state == sync::State::Pending));
    BOOST_TEST(e.key.size() == 32u);
    BOOST_TEST(e.payload.description.find(sync::ReferenceFor(e.key)) != std::string::npos);
    BOOST_TEST(sync::CountPendingOutbox(*w.db).Value() == 1);
    auto page = contacts::ContactStore(*w.db).Timeline(w.maria, {}, std::nullopt, 10).Value();
    BOOST_TEST_REQUIRE(page.entries.size() == 2u); // the call and the request's "opened"
    const auto& call = page.entries[1].type == contacts::TimelineEntry::Type::Interaction ? page.entries[1]
                                                                                          : page.entries[0];
    BOOST_TEST(call.talk_s.value() == 300);
    BOOST_TEST_REQUIRE(call.requests.size() == 1u);
    BOOST_TEST(call.requests[0].request_id.empty()); // not yet known
}

BOOST_AUTO_TEST_CASE(information_only_calls_send_nothing)
{
    World w;
    auto info = w.Pothole("Snow emergency: where to park");
    info.request.reset();
    info.disposition = "information only";
    auto s = sync::Submit(*w.db, info);
    BOOST_TEST_REQUIRE(s.IsOk());
    BOOST_TEST(s->outbox == 0);
    BOOST_TEST(sync::List(*w.db)->empty());
}

BOOST_AUTO_TEST_CASE(a_request_without_a_location_is_refused_before_anything_is_written)
{
    World w;
    auto bad = w.Pothole();
    bad.request->address.clear();
    auto s = sync::Submit(*w.db, bad);
    BOOST_TEST_REQUIRE(!s.IsOk());
    BOOST_TEST(s.Err().message.rfind("Location:", 0) == 0);
    BOOST_TEST(contacts::ContactStore(*w.db).Timeline(w.maria, {}, std::nullopt, 10)->entries.empty());
}

BOOST_AUTO_TEST_CASE(wrap_ups_from_files_say_where_they_are_wrong)
{
    auto xml = sync::WrapUpFromXml("<wrapup contact='3' channel='walk-in'><notes>Bin</notes>"
                                   "<request service='POTHOLE'><address>1 Main St</address>"
                                   "<attribute code='SIZE'>L</attribute></request></wrapup>",
                                   "w.xml");
    BOOST_TEST_REQUIRE(xml.IsOk());
    BOOST_TEST(xml->contact == 3);
    BOOST_TEST((xml->channel == contacts::Channel::WalkIn));
    BOOST_TEST(xml->request->attributes.at("SIZE").at(0) == "L");
    BOOST_TEST(sync::WrapUpFromXml("<wrapup>\n<notes>x</wrapup>", "w.xml").Err().message.find("w.xml: line 2") !=
               std::string::npos);
    BOOST_TEST(sync::WrapUpFromJson("{\"contact\": 3, \"channel\": \"fax\"}", "w.json").Err().message.find("fax") !=
               std::string::npos);
    BOOST_TEST(sync::WrapUpFromJson("{\"contact\": 3,", "w.json").Err().message.find("not valid JSON") !=
               std::string::npos);
    auto round = sync::WrapUpFromJson(sync::ToJson(xml.Value()), "again");
    BOOST_TEST(round->request->address == "1 Main St");
    // No <description>: the notes are what the CRM is told.
    World w;
    auto scripted = xml.Value();
    scripted.contact = w.maria;
    BOOST_TEST_REQUIRE(sync::Submit(*w.db, scripted).IsOk());
    BOOST_TEST(w.Only().payload.description.rfind("Bin\n\nRef: CD-", 0) == 0, w.Only().payload.description);
}

// The outbox reads its stored requests field by field with SQLite's JSON
// functions: every field, escapes and all, comes back as it was queued, and a
// payload that is not JSON spoils only its own entry.
BOOST_AUTO_TEST_CASE(a_queued_request_reads_back_exactly_and_a_damaged_one_alone_is_unreadable)
{
    World w;
    auto call = w.Pothole("Caf\xC3\xA9 \"Le Bec\" \\ back door\n\ttab \xF0\x9F\x9A\xA7 \x01");
    call.request->address = "12 W Main St, Apt \"2\"";
    call.request->address_id = "545483";
    call.request->email = "ana@example.org";
    call.request->first_name = "Ana";
    call.request->last_name = "N\xC3\xBA\xC3\xB1" "ez";
    call.request->phone = "+12155550100";
    call.request->media_url = "https://example.org/a.jpg?x=1&y=2";
    call.request->lat = 39.952583;
    call.request->lon = -75.165222;
    call.request->attributes["HAZARDS"] = {"water", "traffic", "\xC3\xB1"};
    call.service_name = "Pothole \"repair\"";
    BOOST_TEST_REQUIRE(sync::Submit(*w.db, call).IsOk());
    BOOST_TEST_REQUIRE(sync::Submit(*w.db, w.Pothole("second")).IsOk());
    auto all = sync::List(*w.db).Value();
    BOOST_TEST_REQUIRE(all.size() == 2u);
    const auto& got = all[0].payload;
    const crm::NewRequest want = *call.request;
    BOOST_TEST(got.service_code == want.service_code);
    BOOST_TEST(got.address == want.address);
    BOOST_TEST(got.address_id == want.address_id);
    BOOST_TEST(got.email == want.email);
    BOOST_TEST(got.first_name == want.first_name);
    BOOST_TEST(got.last_name == want.last_name);
    BOOST_TEST(got.phone == want.phone);
    BOOST_TEST(got.media_url == want.media_url);
    BOOST_TEST(got.description.rfind(want.description, 0) == 0, got.description); // the reference follows
    BOOST_TEST(got.lat.value() == 39.952583);
    BOOST_TEST(got.lon.value() == -75.165222);
    BOOST_TEST(got.attributes.at("HAZARDS") == want.attributes.at("HAZARDS"));
    BOOST_TEST(got.attributes.at("SIZE") == want.attributes.at("SIZE"));
    BOOST_TEST(all[0].service_name == call.service_name);
    BOOST_TEST(all[0].last_error.empty());
    // One payload damaged: that entry says so, the other reads as before.
    BOOST_TEST_REQUIRE(w.db->Prepare("UPDATE outbox_request SET payload = '{\"request\": {' WHERE entry = ?1")
                           .Bind(1, all[0].id)
                           .Run()
                           .IsOk());
    auto after = sync::List(*w.db);
    BOOST_TEST_REQUIRE(after.IsOk(), (after ? "" : after.Err().message));
    BOOST_TEST(after->at(0).last_error == "the stored request cannot be read");
    BOOST_TEST(after->at(1).payload.description.rfind("second", 0) == 0);
}

// Bytes that are not UTF-8 in a wrap-up file once ended the process when the
// request was stored (nlohmann refuses to write them).
BOOST_AUTO_TEST_CASE(a_wrap_up_file_that_is_not_utf8_is_refused_and_a_declared_encoding_is_read)
{
    World w;
    const std::string contact = std::to_string(w.maria);
    auto bad = sync::WrapUpFromXml("<wrapup contact='" + contact +
                                       "' channel='walk-in'><disposition>information only</disposition>"
                                       "<notes>bad \xff\xfe byte</notes></wrapup>",
                                   "w.xml");
    BOOST_TEST_REQUIRE(!bad.IsOk());
    BOOST_TEST(bad.Err().message == "w.xml: <notes> holds text that is not UTF-8; save the file as UTF-8 or declare its "
                                    "encoding");
    auto latin1 = sync::WrapUpFromXml("<?xml version='1.0' encoding='ISO-8859-1'?><wrapup contact='" + contact +
                                          "'><notes>Caf\xe9</notes></wrapup>",
                                      "w.xml");
    BOOST_TEST_REQUIRE(latin1.IsOk(), (latin1 ? "" : latin1.Err().message));
    BOOST_TEST(latin1->notes == "Caf\xC3\xA9");
    // Stored even so (a script that builds its wrap-up in memory): replaced, not fatal.
    auto call = w.Pothole("bad \xff byte");
    BOOST_TEST(sync::Submit(*w.db, call).IsOk());
}

BOOST_AUTO_TEST_CASE(a_hostile_wrap_up_file_is_refused_with_its_reason)
{
    World w;
    const std::string contact = std::to_string(w.maria);
    const std::string huge_number = "{\"contact\": " + contact + ", \"fields\": {\"x\": 1e400}}";
    const std::string deep = "{\"contact\": " + contact + ", \"fields\": {\"x\": " + std::string(200'000, '[') +
                             std::string(200'000, ']') + "}}";
    for (const auto& [text, words] : {std::pair{huge_number, std::string("holds a number too large")},
                                      std::pair{deep, std::string("nested deeper than 64 levels")}}) {
        // In a child process: before the limits these aborted or overflowed the stack.
        const auto outcome = civic::test::RunBounded(600u * 1024 * 1024, [&] {
            auto parsed = sync::WrapUpFromJson(text, "w.json");
            return !parsed && parsed.Err().message.find("w.json: " + words) != std::string::npos;
        });
        BOOST_TEST((outcome == civic::test::Bounded::Returned), words);
    }
    // Found by fuzz_wrapup: a time as a float beyond any integer was cast unchecked.
    auto huge_time = sync::WrapUpFromJson("{\"contact\": " + contact + ", \"started_at\": 2e111}", "w.json");
    BOOST_TEST_REQUIRE(!huge_time.IsOk());
    BOOST_TEST(huge_time.Err().message == "w.json: started_at must be a whole number");
}

BOOST_AUTO_TEST_CASE(handle_time_is_counted_for_conversations_only_and_the_summary_says_what_happened)
{
    World w;
    auto stored = [&](const sync::WrapUp& wrap) {
        auto s = sync::Submit(*w.db, wrap);
        BOOST_TEST_REQUIRE(s.IsOk(), (s ? "" : s.Err().message));
        auto q = w.db->Prepare("SELECT coalesce(talk_s, -1), coalesce(wrap_s, -1), summary FROM interaction WHERE id = ?1");
        BOOST_TEST_REQUIRE(q.Bind(1, s->interaction).Step().Value());
        return std::make_tuple(q.Int(0), q.Int(1), q.Text(2));
    };
    const std::int64_t now = 1'800'000'000;
    sync::WrapUp call;
    call.contact = w.maria;
    call.agent = "Dana";
    call.started_at = now - 400;
    call.ended_at = now - 100;
    call.submitted_at = now;
    call.reason = "Complaint";
    call.notes = "Streetlight out at 5th and Oak\nsince Tuesday";
    BOOST_TEST((stored(call) == std::make_tuple(std::int64_t{300}, std::int64_t{100},
                                                std::string("Complaint: Streetlight out at 5th and Oak"))));
    // A letter that arrived 40 days ago, logged today: no talk, no 40 days of after-call work.
    sync::WrapUp letter = call;
    letter.channel = contacts::Channel::Mail;
    letter.started_at = letter.ended_at = now - 40 * 86400;
    letter.reason.clear();
    letter.notes = "Letter about a tree";
    BOOST_TEST((stored(letter) == std::make_tuple(std::int64_t{-1}, std::int64_t{-1}, std::string("Letter about a tree"))));
    // A call whose wrap-up is finished two days on: its talk time counts, the wait does not.
    sync::WrapUp late = call;
    late.started_at = now - 2 * 86400 - 300;
    late.ended_at = now - 2 * 86400;
    late.notes.clear();
    BOOST_TEST((stored(late) == std::make_tuple(std::int64_t{300}, std::int64_t{-1}, std::string("Complaint"))));
}

BOOST_AUTO_TEST_CASE(unfinished_wrap_ups_of_several_calls_are_kept_and_storing_one_leaves_the_others)
{
    World w;
    contacts::NewContact ben;
    ben.name = "Ben Okafor";
    const auto ben_id = contacts::ContactStore(*w.db).Create(ben).Value();
    sync::Draft maria{w.maria, "Maria Lopez"};
    maria.started_at = 1000; // the pothole call below
    maria.notes = "Pothole, right lane";
    maria.held = true;
    sync::Draft second{ben_id, "Ben Okafor"};
    second.started_at = 1500;
    second.notes = "Recycling";
    BOOST_TEST_REQUIRE(sync::SaveDraft(*w.db, "Dana", maria).IsOk());
    BOOST_TEST_REQUIRE(sync::SaveDraft(*w.db, "Dana", second).IsOk());
    BOOST_TEST_REQUIRE(sync::SaveDraft(*w.db, "Lee", second).IsOk()); // another agent's is theirs
    auto drafts = sync::LoadDrafts(*w.db, "Dana").Value();
    BOOST_TEST_REQUIRE(drafts.size() == 2u);
    BOOST_TEST(drafts[0].notes == "Recycling"); // the one being typed first
    BOOST_TEST(!drafts[0].held);
    BOOST_TEST(drafts[1].notes == "Pothole, right lane");
    BOOST_TEST(drafts[1].held);
    // Maria's call is finished: only her draft goes with it.
    BOOST_TEST_REQUIRE(sync::Submit(*w.db, w.Pothole()).IsOk());
    drafts = sync::LoadDrafts(*w.db, "Dana").Value();
    BOOST_TEST_REQUIRE(drafts.size() == 1u);
    BOOST_TEST(drafts[0].contact == ben_id);
    BOOST_TEST_REQUIRE(sync::HoldDraft(*w.db, "Dana", ben_id, 1500, true).IsOk());
    BOOST_TEST(sync::LoadDrafts(*w.db, "Dana").Value().at(0).held);
    BOOST_TEST_REQUIRE(sync::ClearDraft(*w.db, "Dana", ben_id, 1500).IsOk());
    BOOST_TEST(sync::LoadDrafts(*w.db, "Dana").Value().empty());
    BOOST_TEST(sync::LoadDrafts(*w.db, "Lee").Value().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_wrap_up_typed_before_the_upgrade_is_restored_after_it)
{
    civic::test::TempDir dir;
    {
        // The release that kept one draft per agent.
        auto schema = sync::ConsoleSchema();
        for (auto& module : schema)
            if (module.name == "sync")
                module.steps = module.steps.first(7);
        auto old = store::Database::Open(dir / "console.db", schema).Value();
        BOOST_TEST_REQUIRE(old->Exec(R"(INSERT INTO wrapup_draft(agent, saved_at, body) VALUES('Dana', 5,
            '{"contact":1,"contact_name":"Maria Lopez","started_at":900,"notes":"Typed before the upgrade"}'))")
                               .IsOk());
    }
    auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
    const auto drafts = sync::LoadDrafts(*db, "Dana").Value();
    BOOST_TEST_REQUIRE(drafts.size() == 1u);
    BOOST_TEST(drafts[0].notes == "Typed before the upgrade");
    BOOST_TEST(drafts[0].started_at == 900);
    BOOST_TEST(!drafts[0].held);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Delivering)

BOOST_AUTO_TEST_CASE(delivered_requests_take_the_crms_id)
{
    World w;
    Open311Server server;
    open311::Open311Connector crm(Config(server));
    const auto s = sync::Submit(*w.db, w.Pothole()).Value();
    auto r = sync::Deliver(*w.db, crm);
    BOOST_TEST_REQUIRE(r.IsOk());
    BOOST_TEST(r->delivered == 1);
    const auto e = w.Only();
    BOOST_TEST((e.state == sync::State::Delivered));
    BOOST_TEST(e.remote_id == server.Requests().at(0).id);
    BOOST_TEST(contacts::ContactStore(*w.db).GetRequest(s.request)->request_id == e.remote_id);
    BOOST_TEST(server.Requests().at(0).idempotency_key == e.key);
    BOOST_TEST(sync::CountPendingOutbox(*w.db).Value() == 0);
}

// A CRM's answer with bytes that are not UTF-8 once ended the process when
// delivery stored what the CRM said (nlohmann refuses to write them).
BOOST_AUTO_TEST_CASE(an_answer_that_is_not_utf8_is_stored_and_delivery_goes_on)
{
    World w;
    Open311Server server;
    open311::Open311Connector crm(Config(server));
    (void)sync::Submit(*w.db, w.Pothole());
    server.SetHostileBody("<service_requests><request><service_request_id>77\xff</service_request_id>"
                          "<service_notice>Gracias \xe9</service_notice></request></service_requests>");
    server.Inject(Fault::HostileBody);
    auto r = sync::Deliver(*w.db, crm);
    BOOST_TEST_REQUIRE(r.IsOk(), (r ? "" : r.Err().message));
    BOOST_TEST(r->delivered == 1);
    BOOST_TEST(w.Only().remote_id == "77\xEF\xBF\xBD"); // the byte replaced, the rest as the CRM said
}

BOOST_AUTO_TEST_CASE(offline_it_waits_and_backs_off_then_delivers)
{
    World w;
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector down(Unreachable());
    sync::DeliverOptions o;
    o.now = 10000;
    o.seed = 7;
    auto r = sync::Deliver(*w.db, down, o);
    BOOST_TEST_REQUIRE(r.IsOk());
    BOOST_TEST(r->offline);
    auto e = w.Only();
    BOOST_TEST((e.state == sync::State::Pending));
    BOOST_TEST(!e.uncertain); // refused connection: certainly not delivered
    BOOST_TEST(e.next_attempt_at >= 10000 + 2); // 5 s with jitter of ±50 %
    BOOST_TEST(e.next_attempt_at <= 10000 + 8);
    // Later attempts wait longer, up to the cap.
    for (int i = 0; i < 12; ++i) {
        o.now = w.Only().next_attempt_at;
        (void)sync::Deliver(*w.db, down, o);
    }
    e = w.Only();
    BOOST_TEST(e.next_attempt_at - o.now >= 15 * 60 / 2);
    BOOST_TEST(e.next_attempt_at - o.now <= 15 * 60 * 3 / 2);
    BOOST_TEST(e.attempts == 13);

    Open311Server server;
    open311::Open311Connector up(Config(server));
    o.now = e.next_attempt_at;
    BOOST_TEST(sync::Deliver(*w.db, up, o)->delivered == 1);
    BOOST_TEST(server.Requests().size() == 1u);
}

BOOST_AUTO_TEST_CASE(retry_after_is_honoured)
{
    World w;
    Open311Server server;
    server.SetRetryAfter(42);
    server.Inject(Fault::RateLimited);
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector crm(Config(server));
    sync::DeliverOptions o;
    o.now = 5000;
    BOOST_TEST(sync::Deliver(*w.db, crm, o)->retry_later == 1);
    BOOST_TEST(w.Only().next_attempt_at == 5042);
    BOOST_TEST(sync::Deliver(*w.db, crm, o)->delivered == 0); // not due yet
    o.now = 5042;
    BOOST_TEST(sync::Deliver(*w.db, crm, o)->delivered == 1);
}

BOOST_AUTO_TEST_CASE(a_refusal_needs_attention_with_the_servers_words_and_can_be_corrected)
{
    World w;
    Open311Server server;
    auto bad = w.Pothole();
    bad.request->service_code = "POTHOLES";
    (void)sync::Submit(*w.db, bad);
    open311::Open311Connector crm(Config(server));
    BOOST_TEST(sync::Deliver(*w.db, crm)->attention == 1);
    auto e = w.Only();
    BOOST_TEST((e.state == sync::State::Attention));
    BOOST_TEST(e.last_error.find("service_code 'POTHOLES' is not a known service") != std::string::npos,
               e.last_error);
    BOOST_TEST(sync::CountPendingOutbox(*w.db).Value() == 1); // still counted: the agent must act
    auto fixed = e.payload;
    fixed.service_code = "POTHOLE";
    BOOST_TEST(sync::Edit(*w.db, e.id, fixed).IsOk());
    BOOST_TEST(sync::Deliver(*w.db, crm)->delivered == 1);
    BOOST_TEST(server.Requests().size() == 1u);
    BOOST_TEST(server.Requests()[0].fields.at("description").find(sync::ReferenceFor(e.key)) != std::string::npos);
}

// A pothole filed while the CRM takes the POST and answers too late, then the
// next round's report: the entry must be found at the CRM, not filed again.
// The server ignores Idempotency-Key: only the reference can tell.
sync::DeliverReport DeliverAfterAnUnansweredAttempt(World& w, Open311Server& server)
{
    server.IgnoreIdempotencyKey(true);
    server.SetSlowMs(1500);
    server.Inject(Fault::SlowAfterCreate);
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector impatient(Config(server, 400));
    sync::DeliverOptions o;
    o.now = 100000;
    auto first = sync::Deliver(*w.db, impatient, o);
    BOOST_TEST(first->retry_later == 1);
    BOOST_TEST(w.Only().uncertain);
    BOOST_TEST(server.Requests().size() == 1u); // it did arrive
    std::this_thread::sleep_for(std::chrono::milliseconds(1300));
    open311::Open311Connector crm(Config(server));
    o.now = w.Only().next_attempt_at;
    return sync::Deliver(*w.db, crm, o).Value();
}

BOOST_AUTO_TEST_CASE(an_unanswered_attempt_is_found_at_the_crm_not_filed_again)
{
    World w;
    Open311Server server;
    const auto second = DeliverAfterAnUnansweredAttempt(w, server);
    BOOST_TEST(second.reconciled == 1);
    BOOST_TEST(server.Requests().size() == 1u); // still one
    BOOST_TEST(w.Only().remote_id == server.Requests()[0].id);
}

BOOST_AUTO_TEST_CASE(a_crm_reading_start_date_backwards_still_finds_the_unanswered_request)
{
    World w;
    Open311Server server;
    server.InvertStartDate(true); // lists what came before start_date
    const auto second = DeliverAfterAnUnansweredAttempt(w, server);
    BOOST_TEST(second.reconciled == 1);
    BOOST_TEST(server.Requests().size() == 1u); // not filed again
}

BOOST_AUTO_TEST_CASE(a_post_whose_answer_is_lost_on_a_kept_alive_connection_is_not_filed_twice)
{
    // The CRM files the second POST of each connection, then the connection
    // dies before its answer (a worker that died, a proxy): an HTTP client
    // that quietly sends it again on a fresh connection files it twice.
    World w;
    Open311Server server;
    server.IgnoreIdempotencyKey(true); // only the reference can tell
    test::FaultRelay relay(server.Port());
    relay.DropAnswerToPost(2);
    for (int i = 0; i < 3; ++i)
        (void)sync::Submit(*w.db, w.Pothole("Pothole " + std::to_string(i)));
    auto config = Config(server);
    config.endpoint = relay.Url(server.Endpoint());
    open311::Open311Connector crm(config);
    sync::DeliverOptions o;
    o.now = 100000;
    auto first = sync::Deliver(*w.db, crm, o);
    BOOST_TEST_REQUIRE(first.IsOk());
    BOOST_TEST(relay.Dropped() >= 1);
    BOOST_TEST(server.Requests().size() == 3u); // not 4
    BOOST_TEST(first->delivered == 2);
    BOOST_TEST(first->retry_later == 1); // may have arrived: looked for before sending again
    o.ignore_schedule = true;
    relay.DropAnswerToPost(0);
    auto second = sync::Deliver(*w.db, crm, o);
    BOOST_TEST_REQUIRE(second.IsOk());
    BOOST_TEST(second->reconciled == 1);
    BOOST_TEST(server.Requests().size() == 3u);
    BOOST_TEST(sync::CountPendingOutbox(*w.db).Value() == 0);
}

BOOST_AUTO_TEST_CASE(a_round_tries_each_entry_once_even_ignoring_the_schedule)
{
    World w;
    Open311Server server;
    server.Inject(Fault::Status500, 10);
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector crm(Config(server));
    sync::DeliverOptions o;
    o.ignore_schedule = true; // as `outbox flush --now`
    auto r = sync::Deliver(*w.db, crm, o);
    BOOST_TEST_REQUIRE(r.IsOk());
    BOOST_TEST(r->retry_later == 1);
    BOOST_TEST(server.Calls() == 1); // not once more per chunk it could claim
}

BOOST_AUTO_TEST_CASE(the_crm_learns_who_called_only_on_the_channels_they_agreed_to)
{
    World w; // Maria Lopez agreed to be told on her phone
    contacts::ContactStore cs(*w.db);
    contacts::NewContact quiet;
    quiet.name = "Ana Quiet";
    quiet.identifiers = {{contacts::IdKind::Phone, "2155550111", "", false},
                         {contacts::IdKind::Email, "ana@example.org", "", false}};
    const auto ana = cs.Create(quiet).Value();
    Open311Server server;
    open311::Open311Connector crm(Config(server));

    auto consented = w.Pothole("Maria's pothole");
    consented.name_caller = true;
    (void)sync::Submit(*w.db, consented);
    auto refused = w.Pothole("Ana's pothole");
    refused.contact = ana;
    refused.name_caller = true;
    (void)sync::Submit(*w.db, refused);
    auto center_off = w.Pothole("Maria again, center setting off");
    center_off.name_caller = false;
    (void)sync::Submit(*w.db, center_off);
    BOOST_TEST_REQUIRE(sync::Deliver(*w.db, crm)->delivered == 3);

    const auto filed = server.Requests();
    BOOST_TEST_REQUIRE(filed.size() == 3u);
    auto field = [](const Open311Server::Filed& f, const char* name) {
        auto it = f.fields.find(name);
        return it == f.fields.end() ? std::string() : it->second;
    };
    BOOST_TEST(field(filed[0], "first_name") == "Maria");
    BOOST_TEST(field(filed[0], "last_name") == "Lopez");
    BOOST_TEST(field(filed[0], "phone") == "+12155550100");
    for (const auto* f : {&filed[1], &filed[2]})
        for (const char* name : {"first_name", "last_name", "email", "phone"})
            BOOST_TEST(field(*f, name).empty(), name << " sent for " << field(*f, "description"));
}

BOOST_AUTO_TEST_CASE(a_crm_that_keeps_answering_500_is_pointed_out_after_an_hour)
{
    World w; // the wrap-up was filed long ago (submitted_at 1400)
    Open311Server server;
    server.Inject(Fault::Status500, 10);
    (void)sync::Submit(*w.db, w.Pothole());
    BOOST_TEST(sync::CountOutbox(*w.db)->failing_long == 0); // not tried yet: nothing to point out
    open311::Open311Connector crm(Config(server));
    sync::DeliverOptions o;
    o.now = 1400 + 2 * 3600 + 60;
    BOOST_TEST(sync::Deliver(*w.db, crm, o)->retry_later == 1);
    const auto e = w.Only();
    BOOST_TEST(e.last_error.rfind("still refused after 2 h: ", 0) == 0, e.last_error);
    BOOST_TEST(e.last_error.find("Internal error, try later") != std::string::npos, e.last_error);
    BOOST_TEST((sync::ToString(e.state) == "pending")); // still retried
    BOOST_TEST(sync::CountOutbox(*w.db)->failing_long == 1);
}

BOOST_AUTO_TEST_CASE(a_crash_while_sending_is_treated_as_uncertain)
{
    World w;
    Open311Server server;
    (void)sync::Submit(*w.db, w.Pothole());
    // As a process killed mid-request leaves it.
    BOOST_TEST(w.db->Exec("UPDATE outbox SET state = 'sending'").IsOk());
    BOOST_TEST(sync::RecoverInterrupted(*w.db).Value() == 1);
    BOOST_TEST(w.Only().uncertain);
    open311::Open311Connector crm(Config(server));
    auto r = sync::Deliver(*w.db, crm);
    BOOST_TEST(r->reconciled == 0); // not there: filed now, once
    BOOST_TEST(r->delivered == 1);
    BOOST_TEST(server.Requests().size() == 1u);
}

// Takes a copy of the store as it is on disk when the first request leaves:
// what a process killed at that moment leaves behind.
class SnapshotAtFirstSubmit : public test::ForwardingConnector
{
public:
    SnapshotAtFirstSubmit(crm::Connector& inner, store::Database& db, std::filesystem::path to)
        : ForwardingConnector(inner), m_db(db), m_to(std::move(to))
    {
    }
    Result<crm::Submitted> Submit(const crm::NewRequest& r, const std::string& key) override
    {
        if (!std::filesystem::exists(m_to))
            BOOST_TEST(m_db.Exec("VACUUM INTO '" + m_to.string() + "'").IsOk());
        return m_inner.Submit(r, key);
    }

private:
    store::Database& m_db;
    std::filesystem::path m_to;
};

BOOST_AUTO_TEST_CASE(a_process_killed_mid_round_looks_for_the_round_at_the_crm_before_sending_again)
{
    test::TempDir dir;
    World w;
    Open311Server server;
    (void)sync::Submit(*w.db, w.Pothole("First"));
    (void)sync::Submit(*w.db, w.Pothole("Second"));
    open311::Open311Connector crm(Config(server));
    SnapshotAtFirstSubmit killed(crm, *w.db, dir / "at-crash.db");
    BOOST_TEST(sync::Deliver(*w.db, killed)->delivered == 2);
    BOOST_TEST(server.Requests().size() == 2u);

    // The store as the killed process left it: both entries were on their way,
    // marked by a process that no longer runs (this one, which made the
    // snapshot, still does).
    auto after = store::Database::Open(dir / "at-crash.db", sync::ConsoleSchema()).Value();
    BOOST_TEST(after->Exec("UPDATE outbox_inflight SET owner = '2147483646:1'").IsOk());
    for (const auto& e : sync::List(*after).Value())
        BOOST_TEST(sync::ToString(e.state) == "sending");
    BOOST_TEST(sync::RecoverInterrupted(*after).Value() == 2);
    for (const auto& e : sync::List(*after).Value()) {
        BOOST_TEST(sync::ToString(e.state) == "pending");
        BOOST_TEST(e.uncertain);
    }
    auto r = sync::Deliver(*after, crm);
    BOOST_TEST(r->reconciled == 2); // found by their reference, not filed again
    BOOST_TEST(server.Requests().size() == 2u);
    for (const auto& e : sync::List(*after).Value())
        BOOST_TEST(sync::ToString(e.state) == "delivered");
}

BOOST_AUTO_TEST_CASE(a_round_that_cannot_record_its_outcome_checks_the_crm_next_time)
{
    World w;
    Open311Server server;
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector crm(Config(server));
    // The disk refuses the write that records the delivery.
    BOOST_TEST(w.db->Exec("CREATE TEMP TRIGGER full BEFORE UPDATE OF state ON outbox WHEN NEW.state = 'delivered' "
                          "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END")
                   .IsOk());
    auto failed = sync::Deliver(*w.db, crm);
    BOOST_TEST(!failed);
    BOOST_TEST(server.Requests().size() == 1u); // it did arrive
    BOOST_TEST(sync::ToString(w.Only().state) == "pending"); // not stuck 'sending'
    BOOST_TEST(w.Only().uncertain);
    BOOST_TEST(w.db->Exec("DROP TRIGGER full").IsOk());
    auto r = sync::Deliver(*w.db, crm);
    BOOST_TEST(r->reconciled == 1);
    BOOST_TEST(server.Requests().size() == 1u);
    BOOST_TEST(w.Only().remote_id == server.Requests()[0].id);
}

BOOST_AUTO_TEST_CASE(a_crm_id_the_store_already_knows_moves_to_the_request_just_filed)
{
    // The console used to talk to another CRM (a test one) that used the same ids.
    World w;
    Open311Server server;
    BOOST_TEST(w.db->Exec("INSERT INTO service_request(request_id, contact, service_code, opened_at, updated_at) "
                          "VALUES('1000', " + std::to_string(w.maria) + ", 'POTHOLE', 0, 0)")
                   .IsOk());
    const auto s = sync::Submit(*w.db, w.Pothole()).Value();
    open311::Open311Connector crm(Config(server));
    BOOST_TEST(sync::Deliver(*w.db, crm)->delivered == 1);
    BOOST_TEST_REQUIRE(server.Requests().size() == 1u);
    BOOST_TEST(server.Requests()[0].id == "1000");
    contacts::ContactStore cs(*w.db);
    BOOST_TEST(cs.GetRequest(s.request)->request_id == "1000");
    auto q = w.db->Prepare("SELECT count(*) FROM service_request WHERE request_id = '1000'");
    BOOST_TEST(q.Step().Value());
    BOOST_TEST(q.Int(0) == 1);
}

BOOST_AUTO_TEST_CASE(entries_queued_before_an_upgrade_are_sent_after_it)
{
    test::TempDir dir;
    Open311Server server;
    {
        // Schema 6 kept each request in the outbox row itself.
        auto old = store::Database::Open(dir / "console.db", ConsoleSchemaUpTo(6)).Value();
        BOOST_TEST(old->Exec(R"(INSERT INTO outbox(idempotency_key, kind, payload, state, created_at, updated_at)
            VALUES('0123456789abcdef', 'service_request', '{"request":{"service_code":"POTHOLE",
            "address":"1234 N Broad St","attributes":{"SIZE":["L"]},"description":"Queued before the upgrade"},
            "service_name":"Pothole repair"}', 'pending', 0, 0))")
                       .IsOk());
    }
    auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
    auto entries = sync::List(*db).Value();
    BOOST_TEST_REQUIRE(entries.size() == 1u);
    BOOST_TEST(entries[0].service_name == "Pothole repair");
    BOOST_TEST(entries[0].payload.address == "1234 N Broad St");
    open311::Open311Connector crm(Config(server));
    BOOST_TEST(sync::Deliver(*db, crm)->delivered == 1);
    BOOST_TEST_REQUIRE(server.Requests().size() == 1u);
    BOOST_TEST(server.Requests()[0].fields.at("description") == "Queued before the upgrade");
    BOOST_TEST(server.Requests()[0].fields.at("attribute[SIZE]") == "L");
}

BOOST_AUTO_TEST_CASE(tokens_are_polled_until_the_request_has_an_id)
{
    World w;
    Open311Server server;
    server.SetTokenPolls(2);
    auto bulk = w.Pothole("Old sofa on the curb");
    bulk.request->service_code = "BULK";
    const auto s = sync::Submit(*w.db, bulk).Value();
    open311::Open311Connector crm(Config(server));
    auto r = sync::Deliver(*w.db, crm);
    BOOST_TEST(r->delivered == 1);
    BOOST_TEST(!w.Only().token.empty());
    BOOST_TEST(w.Only().remote_id.empty());
    BOOST_TEST(r->tokens_resolved == 0); // first poll: not processed yet
    BOOST_TEST(sync::Deliver(*w.db, crm)->tokens_resolved == 1);
    BOOST_TEST(contacts::ContactStore(*w.db).GetRequest(s.request)->request_id == server.Requests().at(0).id);
}

BOOST_AUTO_TEST_CASE(status_changes_reach_the_timeline)
{
    World w;
    Open311Server server;
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector crm(Config(server));
    (void)sync::Deliver(*w.db, crm);
    BOOST_TEST(sync::RefreshRequests(*w.db, crm).Value() == 0);
    server.Close(server.Requests().at(0).id, "Streets crew filled it", 1900000000);
    BOOST_TEST(sync::RefreshRequests(*w.db, crm).Value() == 1);
    auto page = contacts::ContactStore(*w.db).Timeline(w.maria, {}, std::nullopt, 10).Value();
    BOOST_TEST(page.entries.front().summary.find(": closed") != std::string::npos, page.entries.front().summary);
    BOOST_TEST(page.entries.front().notes == "Streets crew filled it");
}

BOOST_AUTO_TEST_CASE(a_request_list_that_is_not_there_is_an_error_not_zero_changes)
{
    World w;
    Open311Server server;
    open311::Open311Connector crm(Config(server));
    (void)sync::Submit(*w.db, w.Pothole());
    (void)sync::Deliver(*w.db, crm);
    server.Inject(Fault::NotFound404, 10); // the listing and the by-id lookup alike
    auto r = sync::RefreshRequests(*w.db, crm);
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().message.find("statuses were not refreshed") != std::string::npos, r.Err().message);
}

BOOST_AUTO_TEST_CASE(status_sync_asks_only_for_what_changed_where_the_server_can)
{
    World w;
    Open311Server server;
    (void)sync::Submit(*w.db, w.Pothole());
    open311::Open311Connector crm(Config(server));
    (void)sync::Deliver(*w.db, crm);
    BOOST_TEST(sync::RefreshRequests(*w.db, crm).Value() == 0); // first: updated_after, then by id
    const int before = server.Calls();
    BOOST_TEST(sync::RefreshRequests(*w.db, crm).Value() == 0);
    BOOST_TEST(server.Calls() - before == 1); // updated_after honoured: no list of ids
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    server.Close(server.Requests().at(0).id, "Filled", now + 5);
    BOOST_TEST(sync::RefreshRequests(*w.db, crm).Value() == 1);
    BOOST_TEST(contacts::ContactStore(*w.db).Timeline(w.maria, {}, std::nullopt, 1)->entries.front().notes ==
               "Filled");
}

BOOST_AUTO_TEST_CASE(discarding_is_audited_and_never_sends)
{
    World w;
    Open311Server server;
    (void)sync::Submit(*w.db, w.Pothole());
    const auto e = w.Only();
    BOOST_TEST(sync::Discard(*w.db, e.id, "Dana", "caller withdrew").IsOk());
    open311::Open311Connector crm(Config(server));
    BOOST_TEST(sync::Deliver(*w.db, crm)->delivered == 0);
    BOOST_TEST(server.Requests().empty());
    auto q = w.db->Prepare("SELECT agent || ' ' || action || ' ' || detail FROM audit_log");
    BOOST_TEST_REQUIRE(q.Step().Value());
    BOOST_TEST(q.Text(0) == "Dana outbox.discard POTHOLE for Maria Lopez: caller withdrew");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Catalog)

BOOST_AUTO_TEST_CASE(services_and_definitions_are_cached_with_a_version)
{
    World w;
    Open311Server server;
    open311::Open311Connector crm(Config(server));
    auto r = sync::RefreshCatalog(*w.db, crm);
    BOOST_TEST_REQUIRE(r.IsOk(), (r ? "" : r.Err().message));
    BOOST_TEST(r->services == 4);
    BOOST_TEST(r->definitions == 1);
    BOOST_TEST(r->changed);
    BOOST_TEST(!sync::RefreshCatalog(*w.db, crm)->changed);
    auto services = sync::CachedServices(*w.db);
    BOOST_TEST(services->size() == 4u);
    auto def = sync::CachedDefinition(*w.db, "POTHOLE");
    BOOST_TEST_REQUIRE(def->has_value());
    BOOST_TEST(def.Value()->attributes.size() == 5u);
    BOOST_TEST(def.Value()->attributes[1].required);
    // Offline, the cache still answers.
    open311::Open311Connector down(Unreachable());
    BOOST_TEST(!sync::RefreshCatalog(*w.db, down).IsOk());
    BOOST_TEST(sync::CachedServices(*w.db)->size() == 4u);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Duplicates)

BOOST_AUTO_TEST_CASE(addresses_match_however_they_are_written)
{
    BOOST_TEST(sync::AddressKey("1234 North Broad Street, Philadelphia, PA") == "1234 n broad st");
    BOOST_TEST(sync::AddressKey("1234 N. Broad St.") == "1234 n broad st");
    BOOST_TEST(sync::AddressKey("1234  n broad  ST") == "1234 n broad st");
    BOOST_TEST(sync::AddressKey("1236 N Broad St") != sync::AddressKey("1234 N Broad St"));
    BOOST_TEST(sync::AddressKey("1234 N Broad St Apt 3") == "1234 n broad st");
    BOOST_TEST(sync::AddressKey("1234 N Broad St #3") == "1234 n broad st");
}

BOOST_AUTO_TEST_CASE(open_requests_near_the_same_place_are_shown_before_filing_even_offline)
{
    World w;
    Open311Server server;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    const auto same_address = server.Seed({{"service_code", "POTHOLE"}, {"address_string", "1234 North Broad Street"},
                                           {"description", "Deep hole by the bus stop"}}, now - 3600);
    const auto near_point = server.Seed({{"service_code", "POTHOLE"}, {"lat", "39.9800000"}, {"long", "-75.1570000"},
                                         {"address_string", "Broad & Oxford"}}, now - 7200);
    const auto closed = server.Seed({{"service_code", "POTHOLE"}, {"address_string", "1234 N Broad St"}}, now - 600);
    server.Close(closed, "Filled", now - 60);
    (void)server.Seed({{"service_code", "STREETLIGHT"}, {"address_string", "1234 N Broad St"}}, now - 60);
    (void)server.Seed({{"service_code", "POTHOLE"}, {"lat", "39.9900000"}, {"long", "-75.1570000"}}, now - 60);
    open311::Open311Connector crm(Config(server));
    BOOST_TEST_REQUIRE(sync::RefreshRequests(*w.db, crm).IsOk());
    server.Stop(); // the check works from what was cached

    crm::NewRequest by_address;
    by_address.service_code = "POTHOLE";
    by_address.address = "1234 N Broad St, Philadelphia";
    auto found = sync::NearbyOpen(*w.db, by_address).Value();
    BOOST_TEST_REQUIRE(found.size() == 1u);
    BOOST_TEST(found[0].state.request_id == same_address);
    BOOST_TEST(found[0].state.description == "Deep hole by the bus stop");

    crm::NewRequest by_point;
    by_point.service_code = "POTHOLE";
    by_point.lat = 39.9804; // about 45 m north
    by_point.lon = -75.1570;
    found = sync::NearbyOpen(*w.db, by_point).Value();
    BOOST_TEST_REQUIRE(found.size() == 1u); // the one 1.1 km away is not near
    BOOST_TEST(found[0].state.request_id == near_point);
    BOOST_TEST(found[0].distance_m > 30);
    BOOST_TEST(found[0].distance_m < 60);

    // What this console filed itself counts too, before it is delivered.
    (void)sync::Submit(*w.db, w.Pothole());
    by_address.address = "1234 N. Broad Street";
    found = sync::NearbyOpen(*w.db, by_address).Value();
    BOOST_TEST(found.size() == 2u);
}

BOOST_AUTO_TEST_CASE(linking_a_caller_to_an_existing_request_files_nothing_and_follows_its_status)
{
    World w;
    Open311Server server;
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch()).count();
    const auto id = server.Seed({{"service_code", "POTHOLE"}, {"address_string", "1234 N Broad St"}}, now - 3600);
    open311::Open311Connector crm(Config(server));
    BOOST_TEST_REQUIRE(sync::RefreshRequests(*w.db, crm).IsOk());
    auto wrap = w.Pothole();
    crm::NewRequest at;
    at.service_code = "POTHOLE";
    at.address = wrap.request->address;
    wrap.link_remote = sync::NearbyOpen(*w.db, at).Value().at(0).state;
    wrap.request.reset();
    wrap.disposition = "duplicate";
    auto s = sync::Submit(*w.db, wrap);
    BOOST_TEST_REQUIRE(s.IsOk());
    BOOST_TEST(s->outbox == 0);
    BOOST_TEST(sync::List(*w.db)->empty());
    auto page = contacts::ContactStore(*w.db).Timeline(w.maria, {}, std::nullopt, 10).Value();
    const auto call = std::find_if(page.entries.begin(), page.entries.end(), [](const auto& e) {
        return e.type == contacts::TimelineEntry::Type::Interaction;
    });
    BOOST_TEST_REQUIRE((call != page.entries.end()));
    BOOST_TEST_REQUIRE(call->requests.size() == 1u);
    BOOST_TEST(call->requests[0].request_id == id);

    server.Close(id, "Crew filled it", now + 5);
    BOOST_TEST(sync::RefreshRequests(*w.db, crm).Value() == 1);
    page = contacts::ContactStore(*w.db).Timeline(w.maria, {}, std::nullopt, 10).Value();
    BOOST_TEST(page.entries.front().notes == "Crew filled it");
    BOOST_TEST(server.Requests().size() == 1u); // nothing filed twice
}

BOOST_AUTO_TEST_SUITE_END()
