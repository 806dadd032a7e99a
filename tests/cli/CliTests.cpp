#define BOOST_TEST_MODULE cli
#include <boost/test/unit_test.hpp>

#include <nlohmann/json.hpp>

#include <civic/sync/ConsoleSchema.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/Console.h>
#include <civic/core/Version.h>

#include "Open311Server.h"
#include "RequestCases.h"
#include "TestSupport.h"

using namespace civic;
using civic::test::Quote;
using civic::test::ReadFile;
using civic::test::Run;
using civic::test::TempDir;
using civic::test::WriteFile;

namespace {

test::RunResult Cli(const std::string& args) { return Run(std::string(CIVICDESK_CLI) + " " + args); }

bool Contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

// A console store with some data in it, as a real agent's would have.
void MakeStore(const std::filesystem::path& dir)
{
    auto console = Console::Open(Paths::FromEnvironment(dir), sync::ConsoleSchema());
    BOOST_TEST_REQUIRE(console.IsOk());
    auto r = console.Value()
                 ->Store()
                 .Submit([](store::Database& db) {
                     for (int i = 0; i < 400; ++i)
                         (void)Audit(db, "agent", "test", "row " + std::to_string(i),
                                     std::string(200, 'x'));
                     return db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
                 })
                 .get();
    BOOST_TEST_REQUIRE(r.IsOk());
}

} // namespace

BOOST_AUTO_TEST_SUITE(Basics)

BOOST_AUTO_TEST_CASE(version_prints_the_release)
{
    auto r = Cli("--version");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(Contains(r.output, std::string("civicdesk-cli ") + kVersion));
}

BOOST_AUTO_TEST_CASE(plugins_list_says_what_is_loaded_and_why_anything_is_refused)
{
    TempDir dir;
    const auto d = "--data-dir " + Quote(dir.Path().string()) + " ";
    auto ok = Cli(d + "plugins list");
    BOOST_TEST(ok.status == 0, ok.output);
    BOOST_TEST(Contains(ok.output, "open311 " + std::string(kVersion) + ": loaded from "), ok.output);
    BOOST_TEST(Contains(ok.output, "CRM connector: open311"), ok.output);
    BOOST_TEST(Contains(ok.output, "knowledge source: webdav"), ok.output);
    BOOST_TEST(Contains(ok.output, "endpoint (url, required): CRM endpoint"), ok.output);

    auto bad = Run("CIVICDESK_PLUGIN_PATH=" + Quote(BAD_PLUGINS) + " " + CIVICDESK_CLI + " " + d + "plugins list");
    BOOST_TEST(bad.status == 1, bad.output);
    BOOST_TEST(Contains(bad.output, "oldapi 0.9: REFUSED, it was built for plugin API 0, this console has 1"),
               bad.output);
    BOOST_TEST(Contains(bad.output, "civicdesk-plugin-notaplugin.so: REFUSED, it is not a CivicDesk plugin"),
               bad.output);
    BOOST_TEST(Contains(bad.output, "no CRM connector"), bad.output);
}

BOOST_AUTO_TEST_CASE(help_lists_the_commands)
{
    auto r = Cli("--help");
    BOOST_TEST(r.status == 0);
    BOOST_TEST(Contains(r.output, "db check"));
    BOOST_TEST(Contains(r.output, "--data-dir"));
}

BOOST_AUTO_TEST_CASE(unknown_command_is_a_usage_error)
{
    auto r = Cli("frobnicate");
    BOOST_TEST(r.status == 2);
    BOOST_TEST(Contains(r.output, "unknown command 'frobnicate'"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(DbCheck)

BOOST_AUTO_TEST_CASE(sound_store_passes)
{
    TempDir dir;
    MakeStore(dir.Path());
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "console.db: ok"));
}

BOOST_AUTO_TEST_CASE(truncated_store_fails_naming_the_file_and_is_left_alone)
{
    TempDir dir;
    MakeStore(dir.Path());
    const auto db = dir / "console.db";
    const auto bytes = ReadFile(db);
    const auto cut = bytes.substr(0, bytes.size() / 2);
    WriteFile(db, cut);

    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, db.string()), r.output);
    BOOST_TEST(Contains(r.output, "truncated"), r.output);
    BOOST_TEST((ReadFile(db) == cut));
}

BOOST_AUTO_TEST_CASE(garbage_file_fails)
{
    TempDir dir;
    WriteFile(dir / "console.db", std::string(8192, '\x7f'));
    auto r = Cli("db check --file " + Quote((dir / "console.db").string()));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "not an SQLite database"), r.output);
}

BOOST_AUTO_TEST_CASE(store_from_a_newer_version_fails)
{
    TempDir dir;
    MakeStore(dir.Path());
    {
        auto opened = store::Database::Open(dir / "console.db", sync::ConsoleSchema());
        BOOST_TEST_REQUIRE(opened.IsOk());
        BOOST_TEST(opened.Value()->Exec("UPDATE schema_module SET version = 99 WHERE module = 'sync'").IsOk());
    }
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "newer version"), r.output);
}

BOOST_AUTO_TEST_CASE(missing_store_is_not_an_error)
{
    TempDir dir;
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " db check");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "not created yet"));
    BOOST_TEST(!std::filesystem::exists(dir / "console.db"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Knowledge)

BOOST_AUTO_TEST_CASE(first_use_loads_the_starter_knowledge_base)
{
    TempDir dir;
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " kb stats");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "en=66"), r.output);
    BOOST_TEST(Contains(r.output, "es=17"), r.output);
}

BOOST_AUTO_TEST_CASE(search_prints_json_with_highlights)
{
    TempDir dir;
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) +
                 " kb search 'snow emergency' --limit 2 --json");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "\"title\": \"Snow emergency parking rules\""), r.output);
    BOOST_TEST(Contains(r.output, "<mark>"), r.output);
}

BOOST_AUTO_TEST_CASE(search_in_spanish_with_a_typo)
{
    TempDir dir;
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " kb search 'bashura' --lang es");
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(r.output, "Recogida de basura"), r.output);
}

// A pasted page that finds nothing is told by its beginning, not echoed whole.
BOOST_AUTO_TEST_CASE(a_search_for_a_pasted_page_answers_briefly)
{
    TempDir dir;
    auto r = Cli("--data-dir " + Quote(dir.Path().string()) + " kb search " + std::string(10'000, 'q'));
    BOOST_TEST(r.status == 0, r.output.substr(0, 200));
    BOOST_TEST(Contains(r.output, "no articles match \"qqq"));
    BOOST_TEST(r.output.size() < 200u, r.output.size() << " bytes");
}

BOOST_AUTO_TEST_CASE(a_failed_import_says_where_and_changes_nothing)
{
    TempDir dir;
    const auto d = Quote(dir.Path().string());
    WriteFile(dir / "bad.xml", "<knowledge-base>\n<article><title>x</title>\n</knowledge-base>\n");
    auto r = Cli("--data-dir " + d + " kb import " + Quote((dir / "bad.xml").string()));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "line 3"), r.output);
    BOOST_TEST(Contains(r.output, "Nothing was imported"), r.output);
    BOOST_TEST(Contains(Cli("--data-dir " + d + " kb stats").output, "articles: 83"));
}

BOOST_AUTO_TEST_CASE(several_files_import_in_order_until_one_fails)
{
    TempDir dir;
    const auto d = Quote(dir.Path().string());
    WriteFile(dir / "good.csv", "title,body,status\nCooling centers,Open when it is hot.,published\n");
    WriteFile(dir / "bad.xml", "<knowledge-base>\n<article><title>x</title>\n</knowledge-base>\n");
    WriteFile(dir / "later.csv", "title,body,status\nWarming centers,Open when it is cold.,published\n");
    auto r = Cli("--data-dir " + d + " kb import " + Quote((dir / "good.csv").string()) + " " +
                 Quote((dir / "bad.xml").string()) + " " + Quote((dir / "later.csv").string()));
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "imported 1 article from"), r.output);
    BOOST_TEST(Contains(r.output, "bad.xml: line 3"), r.output);
    BOOST_TEST(Contains(r.output, "Nothing was imported from " + (dir / "bad.xml").string() + " or the files after it"),
               r.output);
    const auto stats = Cli("--data-dir " + d + " kb stats").output;
    BOOST_TEST(Contains(stats, "articles: 84"), stats); // the starter 83 and the good file's one
    BOOST_TEST(Contains(Cli("--data-dir " + d + " kb search cooling").output, "Cooling centers"));
    BOOST_TEST(!Contains(Cli("--data-dir " + d + " kb search warming").output, "Warming centers"));
}

BOOST_AUTO_TEST_CASE(export_and_import_into_another_console)
{
    TempDir a, b;
    const auto xml = (a / "kb.xml").string();
    BOOST_TEST(Cli("--data-dir " + Quote(a.Path().string()) + " kb export " + Quote(xml)).status == 0);
    WriteFile(b / "extra.csv", "title,body,status\nCooling centers,Open when it is hot.,published\n");
    BOOST_TEST(Cli("--data-dir " + Quote(b.Path().string()) + " kb import " + Quote((b / "extra.csv").string())).status == 0);
    auto r = Cli("--data-dir " + Quote(b.Path().string()) + " kb import " + Quote(xml));
    BOOST_TEST(r.status == 0, r.output);
    BOOST_TEST(Contains(Cli("--data-dir " + Quote(b.Path().string()) + " kb stats").output, "articles: 84"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Contacts)

BOOST_AUTO_TEST_CASE(scripted_wrap_ups_answer_the_centers_questions)
{
    TempDir dir;
    const auto d = "--data-dir " + Quote(dir.Path().string()) + " ";
    WriteFile(dir / "crm.csv", "name,phone\nMaria Lopez,(215) 555-0100\n");
    BOOST_TEST(Cli(d + "contacts import " + Quote((dir / "crm.csv").string())).status == 0);
    WriteFile(dir / "bad.xml", "<wrapup contact='1' channel='walk-in'><disposition>maybe later</disposition>"
                               "<notes>Where to park in a snow emergency</notes></wrapup>");
    auto bad = Cli(d + "wrapup submit " + Quote((dir / "bad.xml").string()) + " --as Dana");
    BOOST_TEST(bad.status == 1, bad.output);
    BOOST_TEST(Contains(bad.output, "bad.xml: disposition: \"maybe later\" is not one of the options"), bad.output);
    BOOST_TEST(Contains(bad.output, "nothing was submitted"), bad.output);
    BOOST_TEST(Cli(d + "timeline 1").output.find("snow") == std::string::npos);

    WriteFile(dir / "ok.xml", "<wrapup contact='1' channel='walk-in'><disposition>information only</disposition>"
                              "<notes>Where to park in a snow emergency</notes></wrapup>");
    auto ok = Cli(d + "wrapup submit " + Quote((dir / "ok.xml").string()) + " --as Dana");
    BOOST_TEST(ok.status == 0, ok.output);
    BOOST_TEST(Contains(Cli(d + "timeline 1").output, "snow"));
}

// A first refresh that fails says that there is no catalog, not "version ".
BOOST_AUTO_TEST_CASE(a_failed_first_catalog_refresh_says_no_catalog_is_cached)
{
    TempDir dir;
    const auto d = "--data-dir " + Quote(dir.Path().string()) + " ";
    auto r = Cli(d + "services refresh --endpoint http://127.0.0.1:9/open311/v2");
    BOOST_TEST(r.status == 1);
    BOOST_TEST(Contains(r.output, "no catalog is cached yet"), r.output);
    BOOST_TEST(!Contains(r.output, "(version )"), r.output);
}

// A script files nothing the wrap-up form would refuse: the same cases as the
// UI suite's form test, against the catalog the test CRM serves.
BOOST_AUTO_TEST_CASE(scripted_requests_meet_the_forms_rules)
{
    TempDir dir;
    test::Open311Server crm;
    const auto d = "--data-dir " + Quote(dir.Path().string()) + " ";
    WriteFile(dir / "crm.csv", "name,phone\nMaria Lopez,(215) 555-0100\n");
    BOOST_TEST_REQUIRE(Cli(d + "contacts import " + Quote((dir / "crm.csv").string())).status == 0);
    auto refreshed = Cli(d + "services refresh --endpoint " + crm.Endpoint());
    BOOST_TEST_REQUIRE(refreshed.status == 0, refreshed.output);

    auto wrapup = [](const std::string& service, const test::RequestCase& c) {
        std::string where;
        if (const auto comma = c.location.find(','); comma != std::string::npos)
            where = "<lat>" + c.location.substr(0, comma) + "</lat><long>" + c.location.substr(comma + 1) + "</long>";
        else
            where = "<address>" + c.location + "</address>";
        std::string answers;
        for (const auto& [code, value] : {std::pair{"SIZE", c.size}, {"DEPTH", c.depth}, {"SEEN", c.seen}})
            if (!value.empty())
                answers += std::string("<attribute code='") + code + "'>" + value + "</attribute>";
        return "<wrapup contact='1' channel='phone-in'><disposition>request created</disposition>"
               "<notes>case: " + std::string(c.name) + "</notes><request service='" + service + "'>" + where +
               answers + "</request></wrapup>";
    };
    int filed = 0;
    for (const auto& c : test::RequestCases()) {
        WriteFile(dir / "w.xml", wrapup("POTHOLE", c));
        auto r = Cli(d + "wrapup submit " + Quote((dir / "w.xml").string()) + " --as Dana");
        BOOST_TEST((r.status == (c.refused ? 1 : 0)), c.name << ": " << r.output);
        if (c.refused) {
            BOOST_TEST(Contains(r.output, c.says), c.name << ": " << r.output);
            BOOST_TEST(Contains(r.output, "nothing was submitted"), c.name << ": " << r.output);
        } else {
            ++filed;
        }
    }
    // Only what the form would accept is in the timeline and the outbox.
    const auto timeline = Cli(d + "timeline 1").output;
    for (const auto& c : test::RequestCases())
        BOOST_TEST(Contains(timeline, std::string("case: ") + c.name) == !c.refused, c.name << "\n" << timeline);
    const auto outbox = Cli(d + "outbox list").output;
    BOOST_TEST(std::count(outbox.begin(), outbox.end(), '\n') >= filed, outbox);

    // A choice the service does not offer, and a service the CRM does not list.
    test::RequestCase extra{"size not a choice", "1234 N Broad St", "XL", "", "", true, ""};
    WriteFile(dir / "w.xml", wrapup("POTHOLE", extra));
    auto not_a_choice = Cli(d + "wrapup submit " + Quote((dir / "w.xml").string()));
    BOOST_TEST(not_a_choice.status == 1, not_a_choice.output);
    BOOST_TEST(Contains(not_a_choice.output, "How big is it?: not one of the service's choices"), not_a_choice.output);
    extra.size = "S";
    WriteFile(dir / "w.xml", wrapup("NOPE", extra));
    auto unknown = Cli(d + "wrapup submit " + Quote((dir / "w.xml").string()));
    BOOST_TEST(unknown.status == 1, unknown.output);
    BOOST_TEST(Contains(unknown.output, "service \"NOPE\": not in the CRM's service catalog"), unknown.output);
}

BOOST_AUTO_TEST_CASE(import_find_merge_and_timeline)
{
    TempDir dir;
    const auto d = "--data-dir " + Quote(dir.Path().string()) + " ";
    WriteFile(dir / "crm.csv", "name,phone,email,address,organization\n"
                               "Maria Lopez,(215) 555-0100,maria@example.org,1234 N Broad St Apt 3,Fairhill Neighbors\n"
                               "M. Lopez,,m.lopez@example.org,\"1234 North Broad Street, Apt. 3\",\n");
    auto imported = Cli(d + "contacts import " + Quote((dir / "crm.csv").string()));
    BOOST_TEST(imported.status == 0, imported.output);
    BOOST_TEST(Contains(imported.output, "new contacts: 3"), imported.output); // two people, one association

    BOOST_TEST(Contains(Cli(d + "contacts find 215.555.0100").output, "Maria Lopez"));
    BOOST_TEST(Contains(Cli(d + "contacts find MARIA@example.org").output, "Maria Lopez"));
    BOOST_TEST(Contains(Cli(d + "contacts find \"1234 north broad\"").output, "Lopez"));
    auto json = Cli(d + "contacts find lopz --json");
    BOOST_TEST(Contains(json.output, "\"typo_corrected\": true"), json.output);

    // The agent's console recorded a call; the timeline shows it.
    {
        auto console = Console::Open(Paths::FromEnvironment(dir.Path()), sync::ConsoleSchema());
        BOOST_TEST_REQUIRE(console.IsOk());
        auto r = console.Value()
                     ->Store()
                     .Submit([](store::Database& db) {
                         contacts::ContactStore cs(db);
                         contacts::Interaction i;
                         i.contact = cs.FindByPhone("2155550100").Value().at(0);
                         i.channel = contacts::Channel::PhoneIn;
                         i.summary = "Missed trash pickup";
                         i.disposition = "request created";
                         return cs.Record(i);
                     })
                     .get();
        BOOST_TEST_REQUIRE(r.IsOk());
    }
    auto timeline = Cli(d + "timeline \"(215) 555-0100\" --json");
    BOOST_TEST(timeline.status == 0, timeline.output);
    BOOST_TEST(Contains(timeline.output, "\"summary\": \"Missed trash pickup\""), timeline.output);
    BOOST_TEST(Contains(timeline.output, "\"channel\": \"phone-in\""), timeline.output);
    auto later = Cli(d + "timeline 1 --from 2099-01-01");
    BOOST_TEST(Contains(later.output, "0 entries"), later.output);
    BOOST_TEST(Cli(d + "timeline 1 --from yesterday").status == 2);

    auto dups = Cli(d + "contacts duplicates");
    BOOST_TEST(Contains(dups.output, "similar name at"), dups.output);
    // Maria is 1, the association she reports for 2, "M. Lopez" 3.
    BOOST_TEST(Cli(d + "contacts merge 1 3 --as Dana").status == 0);
    BOOST_TEST(Contains(Cli(d + "contacts show 1").output, "merged in: contact 3"));
    BOOST_TEST(Cli(d + "contacts unmerge 3 --as Dana").status == 0);
    BOOST_TEST(!Contains(Cli(d + "contacts show 1").output, "merged in"));
    // Two people after all: never proposed again.
    auto distinct = Cli(d + "contacts distinct 1 3 --as Dana");
    BOOST_TEST(distinct.status == 0, distinct.output);
    BOOST_TEST(Contains(distinct.output, "are different people"), distinct.output);
    BOOST_TEST(!Contains(Cli(d + "contacts duplicates").output, "similar name at"));
    BOOST_TEST(Cli(d + "contacts distinct 1 1 --as Dana").status == 1);
    // Who did what to Maria's record, newest first.
    auto audit = Cli(d + "audit list --contact 1");
    BOOST_TEST(audit.status == 0, audit.output);
    const auto merged_at = audit.output.find("contact.merge"), separated_at = audit.output.find("contact.unmerge"),
               told_apart_at = audit.output.find("contact.distinct");
    BOOST_TEST((told_apart_at < separated_at && separated_at < merged_at && merged_at != std::string::npos),
               audit.output);
    BOOST_TEST(Contains(audit.output, "Dana"), audit.output);
    BOOST_TEST(Contains(audit.output, "3 entries"), audit.output);
    BOOST_TEST(Contains(Cli(d + "audit list --since 2099-01-01").output, "0 entries"));
    BOOST_TEST(Cli(d + "audit list --since yesterday").status == 2);
    auto audit_json = Cli(d + "audit list --json --limit 1");
    BOOST_TEST(audit_json.status == 0, audit_json.output);
    BOOST_TEST(nlohmann::json::parse(audit_json.output).size() == 1u, audit_json.output);

    auto bad = Cli(d + "timeline nobody-here");
    BOOST_TEST(bad.status == 1);
    BOOST_TEST(Contains(bad.output, "no contact matches"), bad.output);
}

BOOST_AUTO_TEST_SUITE_END()
