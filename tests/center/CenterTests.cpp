// The center store (console/center) against a real PostgreSQL: seats are
// console.db files of their own, as on separate desks; where a seat must die
// mid-round it is a civicdesk-cli process killed with SIGKILL.
#define BOOST_TEST_MODULE center
#include <boost/test/unit_test.hpp>

#include <civic/center/Center.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>
#include <civic/core/Settings.h>
#include <civic/sync/ConsoleSchema.h>

#include "PgServer.h"
#include "TestSupport.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <thread>

using namespace civic;
namespace fs = std::filesystem;

namespace {

test::PgServer& Server()
{
    static test::PgServer server = [] {
        // The CLI seats keep passwords in a file, not on a desktop's keyring.
        ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
        return test::PgServer();
    }();
    return server;
}

// A center of its own for each test: a database in the shared cluster.
std::string NewCenter()
{
    static int n = 0;
    const std::string name = "center_" + std::to_string(::getpid()) + "_" + std::to_string(++n);
    (void)Server().Psql("CREATE DATABASE " + name);
    std::string url = Server().Url();
    url = url.substr(0, url.rfind('/') + 1) + name;
    auto v = center::Init(url);
    BOOST_TEST_REQUIRE(v.IsOk(), (v ? "" : v.Err().message));
    return url;
}

std::string CenterSql(const std::string& url, const std::string& sql)
{
    auto r = test::Run("psql -X -q -A -t " + test::Quote(url) + " -c " + test::Quote(sql));
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

// One desk: its data folder, its console.db, joined to a center.
struct Desk
{
    test::TempDir dir;
    std::unique_ptr<store::Database> db;
    std::unique_ptr<contacts::ContactStore> contacts;
    std::unique_ptr<center::Seat> seat;

    explicit Desk(const std::string& url, const std::string& name = "desk")
    {
        db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
        contacts = std::make_unique<contacts::ContactStore>(*db, "US");
        auto joined = center::Join(*db, url, name);
        BOOST_TEST_REQUIRE(joined.IsOk(), (joined ? "" : joined.Err().message));
        seat = center::Seat::Connect(*db, joined->password).Value();
    }

    center::RoundReport Round()
    {
        auto r = seat->Round();
        BOOST_TEST_REQUIRE(r.IsOk(), (r ? "" : r.Err().message));
        return r.Value();
    }

    std::int64_t Person(const std::string& name, const std::string& phone = "")
    {
        contacts::NewContact c;
        c.name = name;
        if (!phone.empty())
            c.identifiers.push_back({contacts::IdKind::Phone, phone, "mobile", false});
        return contacts->Create(c).Value();
    }

    std::int64_t Call(std::int64_t contact, const std::string& notes, std::int64_t at = 1764600000)
    {
        contacts::Interaction i;
        i.contact = contact;
        i.channel = contacts::Channel::PhoneIn;
        i.at = at;
        i.agent = "Ana";
        i.summary = notes.substr(0, 40);
        i.notes = notes;
        return contacts->Record(i).Value();
    }

    // The contact found by phone here (0 when nobody).
    std::int64_t ByPhone(const std::string& phone)
    {
        auto found = contacts->Find(phone, 5);
        return found && !found->empty() ? found->front().id : 0;
    }

    std::vector<std::string> Notes(std::int64_t contact)
    {
        std::vector<std::string> out;
        auto page = contacts->Timeline(contact, {}, std::nullopt, 500);
        if (page)
            for (const auto& e : page->entries)
                if (e.type == contacts::TimelineEntry::Type::Interaction)
                    out.push_back(e.notes);
        return out;
    }

    std::int64_t Count(const std::string& sql)
    {
        auto q = db->Prepare(sql);
        return q.Step().Value() ? q.Int(0) : -1;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(Seats)

BOOST_AUTO_TEST_CASE(a_call_recorded_at_one_seat_is_in_the_next_seats_timeline)
{
    const auto url = NewCenter();
    Desk a(url, "A"), b(url, "B");
    const auto maria = a.Person("Maria Lopez", "215-555-0100");
    a.Call(maria, "Pothole in front of 1400 Market St, about a foot wide");
    BOOST_TEST(a.Round().pushed >= 3); // contact, phone, call
    BOOST_TEST(b.Round().pulled >= 3);
    // The caller's number pops her at the other desk, with yesterday's call.
    const auto at_b = b.ByPhone("(215) 555-0100");
    BOOST_TEST_REQUIRE(at_b != 0);
    BOOST_TEST(b.contacts->Get(at_b).Value().name == "Maria Lopez");
    const auto notes = b.Notes(at_b);
    BOOST_TEST_REQUIRE(notes.size() == 1u);
    BOOST_TEST(notes[0] == "Pothole in front of 1400 Market St, about a foot wide");
    // Nothing comes back to the desk that wrote it, and nothing twice.
    BOOST_TEST(a.Round().pulled == 0);
    BOOST_TEST(b.Round().pulled == 0);
    BOOST_TEST(b.Count("SELECT count(*) FROM interaction") == 1);
    BOOST_TEST(b.Count("SELECT count(*) FROM center_queue") == 0); // applied changes are not sent back
}

BOOST_AUTO_TEST_CASE(a_seat_joining_with_history_of_its_own_uploads_it_once)
{
    const auto url = NewCenter();
    test::TempDir dir;
    {
        auto db = store::Database::Open(dir / "console.db", sync::ConsoleSchema()).Value();
        contacts::ContactStore cs(*db, "US");
        contacts::NewContact c;
        c.name = "Ben Ortiz";
        c.identifiers.push_back({contacts::IdKind::Phone, "267-555-0199", "", false});
        const auto ben = cs.Create(c).Value();
        contacts::Interaction i;
        i.contact = ben;
        i.at = 1764500000;
        i.notes = "Missed trash pickup on Tuesday";
        (void)cs.Record(i);
        auto q = db->Prepare("SELECT count(*) FROM center_queue");
        (void)q.Step();
        BOOST_TEST(q.Int(0) == 0); // not joined: nothing queued
        auto joined = center::Join(*db, url, "old desk");
        BOOST_TEST_REQUIRE(joined.IsOk());
        BOOST_TEST(joined->uploaded == 3);
        BOOST_TEST(center::Join(*db, url, "again").Err().kind == ErrorKind::Conflict);
        auto seat = center::Seat::Connect(*db, joined->password).Value();
        BOOST_TEST(seat->Round().Value().pushed == 3);
        BOOST_TEST(seat->Round().Value().pushed == 0);
    }
    Desk b(url, "B");
    b.Round();
    const auto ben = b.ByPhone("267-555-0199");
    BOOST_TEST_REQUIRE(ben != 0);
    BOOST_TEST(b.Notes(ben) == std::vector<std::string>{"Missed trash pickup on Tuesday"});
    BOOST_TEST(CenterSql(url, "SELECT count(*) FROM change") == "3");
}

BOOST_AUTO_TEST_CASE(a_transaction_that_commits_late_with_an_earlier_number_is_not_skipped)
{
    const auto url = NewCenter();
    Desk a(url, "A"), b(url, "B");
    // A writer that took its sequence number first and commits last: a psql
    // session holding its transaction open while A pushes and B reads.
    const std::string a_seat = CenterSql(url, "SELECT id FROM seat WHERE name = 'A'");
    const std::string body = "{\"kind\":\"person\",\"name\":\"Late Larry\",\"language\":\"\",\"needs\":\"\","
                             "\"notes\":\"\",\"merged_into\":null,\"created_at\":1,\"updated_at\":1}";
    const fs::path script = a.dir / "late.sql";
    test::WriteFile(script, "BEGIN;\nINSERT INTO change(uid, seat, entity, entity_uid, op, body, at) VALUES "
                            "('late-change', '" + a_seat + "', 'contact', 'late-contact', 'put', '" + body +
                                "', 1);\nSELECT pg_sleep(3);\nCOMMIT;\n");
    const pid_t late = ::fork();
    if (late == 0) {
        ::execlp("psql", "psql", "-X", "-q", "-o", "/dev/null", url.c_str(), "-f", script.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Until the late transaction has its row (and so its number).
    for (int i = 0; i < 100 && CenterSql(url, "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep%' "
                                             "AND state = 'active' AND pid <> pg_backend_pid()") != "1";
         ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    a.Person("Early Eve", "215-555-0111");
    BOOST_TEST(a.Round().pushed >= 2);
    // B reads while Larry's transaction is open: it must not read past it.
    b.Round();
    int status = 0;
    ::waitpid(late, &status, 0);
    BOOST_TEST_REQUIRE(WIFEXITED(status));
    BOOST_TEST(WEXITSTATUS(status) == 0);
    const auto seqs = CenterSql(url, "SELECT string_agg(seq::text, ',' ORDER BY seq) FROM change WHERE uid = 'late-change' "
                                     "OR body->>'name' = 'Early Eve'");
    // Larry's number is below Eve's: a cursor on the number alone, having read
    // Eve, would never read Larry.
    const auto larry = std::stoll(CenterSql(url, "SELECT seq FROM change WHERE uid = 'late-change'"));
    const auto eve = std::stoll(CenterSql(url, "SELECT seq FROM change WHERE body->>'name' = 'Early Eve'"));
    BOOST_TEST(larry < eve, seqs);
    b.Round();
    BOOST_TEST(b.Count("SELECT count(*) FROM contact WHERE name = 'Late Larry'") == 1);
    BOOST_TEST(b.Count("SELECT count(*) FROM contact WHERE name = 'Early Eve'") == 1);
}

BOOST_AUTO_TEST_CASE(edits_of_one_contact_at_two_seats_merge_field_by_field)
{
    const auto url = NewCenter();
    Desk a(url, "A"), b(url, "B");
    const auto at_a = a.Person("Maria Lopez", "215-555-0100");
    a.Round();
    b.Round();
    const auto at_b = b.ByPhone("215-555-0100");
    BOOST_TEST_REQUIRE(at_b != 0);
    // B is offline: its agent notes her language and shortens her name.
    contacts::NewContact edit_b;
    edit_b.name = "Maria L.";
    edit_b.language = "es";
    BOOST_TEST_REQUIRE(b.contacts->Update(at_b, edit_b).IsOk());
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // Later, A corrects the spelling of her name.
    contacts::NewContact edit_a;
    edit_a.name = "Mar\xC3\xAD" "a L\xC3\xB3pez";
    BOOST_TEST_REQUIRE(a.contacts->Update(at_a, edit_a).IsOk());
    a.Round();
    const auto rb = b.Round(); // B back: sends its edits, hears A's
    a.Round();
    for (Desk* d : {&a, &b}) {
        const auto id = d->ByPhone("215-555-0100");
        const auto c = d->contacts->Get(id).Value();
        BOOST_TEST(c.name == "Mar\xC3\xAD" "a L\xC3\xB3pez"); // the later edit
        BOOST_TEST(c.language == "es");                    // the field only B changed
    }
    // The edit that lost is in the history of the desk that made it.
    BOOST_TEST(rb.conflicts + a.Count("SELECT count(*) FROM audit_log WHERE action = 'contact.edit_superseded'") >= 1);
    BOOST_TEST(a.Count("SELECT count(*) FROM audit_log WHERE action = 'contact.edit_superseded' "
                       "AND detail LIKE '%Maria L.%'") == 1);
    // Found by the name as it now is, at both.
    BOOST_TEST(!b.contacts->Find("lopez", 5).Value().empty());
}

BOOST_AUTO_TEST_CASE(a_merge_racing_a_new_call_ends_with_the_call_under_the_kept_contact_and_unmerge_travels)
{
    const auto url = NewCenter();
    Desk a(url, "A"), b(url, "B");
    const auto keep_a = a.Person("Robert Chen", "215-555-0142");
    const auto dup_a = a.Person("Bob Chen", "445-555-0142");
    a.Round();
    b.Round();
    const auto dup_b = b.ByPhone("445-555-0142");
    BOOST_TEST_REQUIRE(dup_b != 0);
    // At the same time: A merges Bob into Robert, B takes a call from Bob.
    BOOST_TEST_REQUIRE(a.contacts->Merge("Sup", keep_a, dup_a).IsOk());
    b.Call(dup_b, "Streetlight out at 22nd and Pine");
    b.Round();
    a.Round();
    b.Round();
    for (Desk* d : {&a, &b}) {
        const auto keep = d->ByPhone("215-555-0142");
        const auto dup = d->Count("SELECT id FROM contact WHERE name = 'Bob Chen'");
        BOOST_TEST(d->contacts->Root(dup).Value() == keep);
        const auto notes = d->Notes(keep);
        BOOST_TEST((std::find(notes.begin(), notes.end(), "Streetlight out at 22nd and Pine") != notes.end()));
    }
    // Undone at B, undone at A.
    BOOST_TEST_REQUIRE(b.contacts->Unmerge("Sup", dup_b).IsOk());
    b.Round();
    a.Round();
    BOOST_TEST(a.contacts->Root(dup_a).Value() == dup_a);
    BOOST_TEST(a.Notes(dup_a) == std::vector<std::string>{"Streetlight out at 22nd and Pine"});
}

BOOST_AUTO_TEST_CASE(with_the_center_down_both_seats_record_and_agree_once_it_is_back)
{
    const auto url = NewCenter();
    Desk a(url, "A"), b(url, "B");
    const auto who = a.Person("Kim Nguyen", "215-555-0177");
    a.Round();
    b.Round();
    const auto who_b = b.ByPhone("215-555-0177");
    Server().Stop();
    for (int i = 0; i < 3; ++i)
        a.Call(who, "A call " + std::to_string(i), 1764600000 + i);
    for (int i = 0; i < 2; ++i)
        b.Call(who_b, "B call " + std::to_string(i), 1764600100 + i);
    auto down = a.seat->Round();
    BOOST_TEST(!down.IsOk());
    if (!down)
        BOOST_TEST((down.Err().kind == ErrorKind::Offline), down.Err().message);
    BOOST_TEST(!b.seat->Round().IsOk());
    BOOST_TEST(a.Notes(who).size() == 3u); // the desk works on its own store meanwhile
    Server().Start();
    a.Round();
    b.Round();
    a.Round();
    auto sorted = [](std::vector<std::string> v) {
        std::sort(v.begin(), v.end());
        return v;
    };
    BOOST_TEST(sorted(a.Notes(who)) == sorted(b.Notes(who_b)));
    BOOST_TEST(a.Notes(who).size() == 5u);
    BOOST_TEST(CenterSql(url, "SELECT count(*) FROM change WHERE entity = 'interaction'") == "5");
}

BOOST_AUTO_TEST_CASE(a_seat_killed_mid_push_again_and_again_sends_everything_exactly_once)
{
    const auto url = NewCenter();
    // A desk with 3,000 contacts of its own, joining: a large first upload.
    test::TempDir dir;
    {
        std::string csv = "name,phone,email\n";
        for (int i = 0; i < 3000; ++i)
            csv += "Caller " + std::to_string(i) + ",215-555-" + std::to_string(10000 + i).substr(1) + ",c" +
                   std::to_string(i) + "@example.org\n";
        test::WriteFile(dir / "c.csv", csv);
        const auto imported = test::Run(std::string(CIVICDESK_CLI) + " --data-dir " + test::Quote(dir.Path()) +
                                        " contacts import " + test::Quote((dir / "c.csv").string()));
        BOOST_TEST_REQUIRE(imported.status == 0, imported.output);
        const auto joined = test::Run(std::string(CIVICDESK_CLI) + " --data-dir " + test::Quote(dir.Path()) +
                                      " center join " + test::Quote(url) + " --name killed");
        BOOST_TEST_REQUIRE(joined.status == 0, joined.output);
    }
    std::mt19937 rng(20261201);
    int killed = 0;
    for (int round = 0; round < 20; ++round) {
        const pid_t p = ::fork();
        if (p == 0) {
            ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
            const int devnull = ::open("/dev/null", O_WRONLY);
            ::dup2(devnull, 1);
            ::dup2(devnull, 2);
            ::execl(CIVICDESK_CLI, CIVICDESK_CLI, "--data-dir", dir.Path().c_str(), "center", "sync",
                    static_cast<char*>(nullptr));
            ::_exit(127);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
        if (::kill(p, SIGKILL) == 0)
            ++killed;
        int status = 0;
        ::waitpid(p, &status, 0);
    }
    BOOST_TEST(killed >= 10);
    const auto last = test::Run("CIVICDESK_NO_SECRET_SERVICE=1 " + std::string(CIVICDESK_CLI) + " --data-dir " +
                                test::Quote(dir.Path()) + " center sync");
    BOOST_TEST_REQUIRE(last.status == 0, last.output);
    BOOST_TEST(CenterSql(url, "SELECT count(*) FROM change WHERE entity = 'contact'") == "3000");
    BOOST_TEST(CenterSql(url, "SELECT count(DISTINCT entity_uid) FROM change WHERE entity = 'identifier'") == "6000");
    BOOST_TEST(CenterSql(url, "SELECT count(*) FROM change WHERE entity = 'identifier'") == "6000");
    Desk b(url, "B");
    while (b.Round().more) {
    }
    BOOST_TEST(b.Count("SELECT count(*) FROM contact") == 3000);
    BOOST_TEST(b.ByPhone("215-555-2999") != 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Roles)

BOOST_AUTO_TEST_CASE(a_call_taker_cannot_add_agents_or_sign_a_change_as_someone_else)
{
    const auto url = NewCenter();
    const std::string base = url.substr(0, url.find("://") + 3);
    const std::string where = url.substr(url.find('@'));
    BOOST_TEST_REQUIRE(center::AddAgent(url, "sup_sam", "supervisor", "supervisor-pw").IsOk());
    BOOST_TEST_REQUIRE(center::AddAgent(base + "sup_sam:supervisor-pw" + where, "ct_carla", "call-taker",
                                        "call-taker-pw")
                           .IsOk());
    const std::string carla = base + "ct_carla:call-taker-pw" + where;
    auto refused = center::AddAgent(carla, "ct_mallory", "supervisor", "whatever-pw");
    BOOST_TEST_REQUIRE(!refused.IsOk());
    BOOST_TEST((refused.Err().kind == ErrorKind::Denied));
    BOOST_TEST(CenterSql(url, "SELECT count(*) FROM pg_roles WHERE rolname = 'ct_mallory'") == "0");
    // Nor may a supervisor take over a login that is no agent: the center's owner.
    auto takeover = center::AddAgent(base + "sup_sam:supervisor-pw" + where, "civic", "call-taker", "taken-over-pw");
    BOOST_TEST_REQUIRE(!takeover.IsOk());
    BOOST_TEST((takeover.Err().kind == ErrorKind::Denied), takeover.Err().message);
    BOOST_TEST(center::Init(url).IsOk()); // the owner's password still works
    // Whatever the console claims, the database names who recorded a change.
    const auto forged = test::Run("psql -X -q " + test::Quote(carla) +
                                  " -c \"INSERT INTO change(uid, seat, entity, entity_uid, op, body, at, recorded_by) "
                                  "VALUES ('x', 'y', 'contact', 'z', 'put', '{}', 0, 'sup_sam')\"");
    BOOST_TEST(forged.status != 0);
    BOOST_TEST(forged.output.find("permission denied") != std::string::npos, forged.output);
    // A call-taker's seat records and reads.
    Desk d(carla, "carla's desk");
    d.Person("Joan Smith", "215-555-0123");
    BOOST_TEST(d.Round().pushed == 2);
    BOOST_TEST(CenterSql(url, "SELECT DISTINCT recorded_by FROM change") == "ct_carla");
}

BOOST_AUTO_TEST_CASE(the_consoles_agent_and_role_are_the_centers_however_its_settings_are_edited)
{
    const auto url = NewCenter();
    const std::string base = url.substr(0, url.find("://") + 3);
    const std::string where = url.substr(url.find('@'));
    const auto added = center::AddAgent(url, "sup_sam", "supervisor", "supervisor-pw");
    BOOST_TEST_REQUIRE(added.IsOk(), (added ? std::string() : added.Err().message));
    const std::string sam = base + "sup_sam:supervisor-pw" + where;
    BOOST_TEST_REQUIRE(center::AddAgent(sam, "ct_carla", "call-taker", "call-taker-pw").IsOk());
    BOOST_TEST_REQUIRE(center::AddAgent(sam, "km_kim", "knowledge-manager", "knowledge-pw").IsOk());
    BOOST_TEST_REQUIRE(center::AddAgent(sam, "wi_wes", "walk-in", "walk-in-pw").IsOk());

    // Carla's console says she is a supervisor named "Boss" before it joins.
    Desk carla(base + "ct_carla:call-taker-pw" + where, "carla's desk");
    Settings claimed = Settings::Load(*carla.db).Value();
    claimed.agent_name = "Boss";
    claimed.role = Role::Supervisor;
    BOOST_TEST_REQUIRE(claimed.Save(*carla.db).IsOk());
    carla.Round(); // a sign-in: the center says who she is
    Settings s = Settings::Load(*carla.db).Value();
    BOOST_TEST(s.from_center);
    BOOST_TEST(s.agent_name == "ct_carla");
    BOOST_TEST((s.role == Role::CallTaker));
    BOOST_TEST(!MayEditKnowledge(s.role)); // no approving articles, no New article
    // Edited behind the console's back: still the center's word.
    BOOST_TEST_REQUIRE(carla.db->Exec("UPDATE settings SET value = 'supervisor' WHERE key = 'role'").IsOk());
    BOOST_TEST((Settings::Load(*carla.db).Value().role == Role::CallTaker));
    // Saving the settings keeps the console's own choice apart from the center's.
    s.crm_endpoint = "http://127.0.0.1:1/open311/v2";
    BOOST_TEST_REQUIRE(s.Save(*carla.db).IsOk());
    BOOST_TEST((Settings::Load(*carla.db).Value().role == Role::CallTaker));
    BOOST_TEST(Settings::Load(*carla.db).Value().crm_endpoint == "http://127.0.0.1:1/open311/v2");

    // Each agent's seat takes the role the supervisor granted.
    Desk kim(base + "km_kim:knowledge-pw" + where, "kim's desk");
    kim.Round();
    BOOST_TEST((Settings::Load(*kim.db).Value().role == Role::KnowledgeManager));
    Desk wes(base + "wi_wes:walk-in-pw" + where, "front counter");
    wes.Round();
    BOOST_TEST((Settings::Load(*wes.db).Value().role == Role::WalkInStaff));
    Desk boss(sam, "supervisor's desk");
    BOOST_TEST((Settings::Load(*boss.db).Value().role == Role::Supervisor)); // at join already

    // Promoted at the center: Carla's next sign-in says so.
    BOOST_TEST_REQUIRE(center::AddAgent(sam, "ct_carla", "knowledge-manager", "call-taker-pw").IsOk());
    carla.seat = center::Seat::Connect(*carla.db, "call-taker-pw").Value();
    carla.Round();
    BOOST_TEST((Settings::Load(*carla.db).Value().role == Role::KnowledgeManager));
    // And back: the higher role goes with it.
    BOOST_TEST_REQUIRE(center::AddAgent(sam, "ct_carla", "call-taker", "call-taker-pw").IsOk());
    carla.seat = center::Seat::Connect(*carla.db, "call-taker-pw").Value();
    carla.Round();
    BOOST_TEST((Settings::Load(*carla.db).Value().role == Role::CallTaker));
    BOOST_TEST(CenterSql(url, "SELECT pg_has_role('ct_carla', 'civicdesk_knowledge_manager', 'MEMBER')") == "f");
}

BOOST_AUTO_TEST_CASE(a_wrong_password_is_refused_as_such)
{
    const auto url = NewCenter();
    auto r = center::Init(Server().Url("civic", "not-the-password"));
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST((r.Err().kind == ErrorKind::Denied), r.Err().message);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Addresses)

BOOST_AUTO_TEST_CASE(a_center_on_another_machine_is_reached_only_with_its_certificate_checked)
{
    BOOST_TEST(center::Conninfo("postgresql://ana@center.city.gov/civic").Value() ==
               "postgresql://ana@center.city.gov/civic?sslmode=verify-full");
    BOOST_TEST(center::Conninfo("postgresql://ana@center.city.gov:6432/civic?application_name=x").Value() ==
               "postgresql://ana@center.city.gov:6432/civic?application_name=x&sslmode=verify-full");
    auto weak = center::Conninfo("postgresql://ana@10.0.0.5/civic?sslmode=require");
    BOOST_TEST_REQUIRE(!weak.IsOk());
    BOOST_TEST(weak.Err().message.find("verify-full") != std::string::npos);
    BOOST_TEST(!center::Conninfo("host=10.0.0.5 dbname=civic sslmode=disable").IsOk());
    // This machine: as given.
    BOOST_TEST(center::Conninfo("postgresql://ana@127.0.0.1:5432/civic").Value() ==
               "postgresql://ana@127.0.0.1:5432/civic");
    BOOST_TEST(center::Conninfo("postgresql://ana@localhost/civic?sslmode=disable").IsOk());
    BOOST_TEST(center::Conninfo("postgresql:///civic?host=/var/run/postgresql").IsOk());
    BOOST_TEST(!center::Conninfo("http://center.city.gov/").IsOk());
    // The password is kept apart from what is stored.
    const auto [bare, pw] = center::SplitPassword("postgresql://ana:s3cr%40t@db.city.gov/civic");
    BOOST_TEST(bare == "postgresql://ana@db.city.gov/civic");
    BOOST_TEST(pw == "s3cr%40t");
}

BOOST_AUTO_TEST_SUITE_END()
