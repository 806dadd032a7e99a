// Two consoles sharing a knowledge base through a real WebDAV server.
#include <boost/test/unit_test.hpp>

#include <civic/kb/KnowledgeSync.h>
#include <civic/webdav/WebDavSource.h>

#include "Apache.h"
#include "KbFixture.h"

using namespace civic;
using namespace civic::kb;
using civic::test::Apache;
using civic::test::KbFixture;

namespace {

std::string Message(const Error& e) { return e.message; }

struct Console : KbFixture
{
    SyncReport Sync(KnowledgeSource& source)
    {
        KnowledgeSync sync(*kb);
        auto r = sync.Run(source);
        BOOST_TEST_REQUIRE(r.IsOk(), (r.IsOk() ? "" : Message(r.Err())));
        BOOST_TEST(r->problems.empty());
        return std::move(r).Value();
    }

    // A published article edited through the review workflow.
    void Edit(std::int64_t id, const std::string& body)
    {
        auto copy = kb->StartEdit(manager, id);
        BOOST_TEST_REQUIRE(copy.IsOk());
        auto a = kb->Get(copy.Value());
        BOOST_TEST_REQUIRE(a.IsOk());
        Content c = a->content;
        c.body = "<p>" + body + "</p>";
        BOOST_TEST_REQUIRE(kb->SaveDraft(manager, copy.Value(), c, a->revision).IsOk());
        BOOST_TEST_REQUIRE(kb->Submit(manager, copy.Value()).IsOk());
        BOOST_TEST_REQUIRE(kb->Approve(reviewer, copy.Value()).IsOk());
    }

    std::string Body(const std::string& uid)
    {
        auto a = kb->GetByUid(uid);
        BOOST_TEST_REQUIRE(a.IsOk());
        return a->content.body;
    }
};

struct TwoConsoles
{
    Apache apache;
    webdav::WebDavSource source{{apache.Url()}};
    Console a, b;

    // An article published on a and shared with b; returns its uid.
    std::string Shared(const std::string& title, const std::string& body)
    {
        const auto id = a.Publish(KbFixture::Make(title, body));
        a.Sync(source);
        test::WaitForNextSecond(); // let the server's tags turn strong
        b.Sync(source);
        return a.kb->Get(id)->uid;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(KnowledgeSyncSuite)

BOOST_AUTO_TEST_CASE(a_published_article_reaches_the_other_console_and_drafts_stay_home)
{
    TwoConsoles t;
    const auto published = t.a.Publish(KbFixture::Make("Bulk trash pickup", "Schedule it online."));
    BOOST_TEST_REQUIRE(t.a.kb->CreateDraft(t.a.manager, KbFixture::Make("Unfinished", "Not yet.")).IsOk());

    const auto pushed = t.a.Sync(t.source);
    BOOST_TEST(pushed.pushed == 1);

    const auto pulled = t.b.Sync(t.source);
    BOOST_TEST(pulled.pulled == 1);
    BOOST_TEST(t.b.Titles("bulk pickup") == std::vector<std::string>{"Bulk trash pickup"});
    BOOST_TEST(t.b.Titles("unfinished", SearchQuery{.status = std::nullopt}).empty());
    const auto uid = t.a.kb->Get(published)->uid;
    auto history = t.b.kb->History(uid);
    BOOST_TEST_REQUIRE(history->size() == 1u);
    BOOST_TEST(history->front().note == "from the shared knowledge base");
    BOOST_TEST(history->front().author == t.a.reviewer.name);

    // Incremental: nothing changed, nothing is downloaded or written.
    const auto again = t.b.Sync(t.source);
    BOOST_TEST(again.fetched == 0);
    BOOST_TEST(again.pulled == 0);
    BOOST_TEST(again.pushed == 0);
}

BOOST_AUTO_TEST_CASE(an_approved_edit_travels_and_only_the_changed_file_is_fetched)
{
    TwoConsoles t;
    const auto uid = t.Shared("Street light out", "Report the pole number.");
    t.Shared("Pothole repair", "Crews fill potholes within three days.");

    t.a.Edit(t.a.kb->GetByUid(uid)->id, "Report the pole number and the nearest address.");
    BOOST_TEST(KnowledgeSync(*t.a.kb).PendingCount().Value() == 1);
    BOOST_TEST(t.a.Sync(t.source).pushed == 1);
    BOOST_TEST(KnowledgeSync(*t.a.kb).PendingCount().Value() == 0);

    const auto r = t.b.Sync(t.source);
    BOOST_TEST(r.listed == 2);
    BOOST_TEST(r.fetched == 1);
    BOOST_TEST(r.pulled == 1);
    BOOST_TEST(t.b.Body(uid) == "<p>Report the pole number and the nearest address.</p>");
}

BOOST_AUTO_TEST_CASE(both_consoles_changing_one_article_is_a_conflict_that_loses_neither)
{
    TwoConsoles t;
    const auto uid = t.Shared("Snow emergency parking", "Move cars off snow routes.");
    t.a.Edit(t.a.kb->GetByUid(uid)->id, "Version A: move cars within two hours.");
    t.b.Edit(t.b.kb->GetByUid(uid)->id, "Version B: use the garages at half price.");
    t.a.Sync(t.source);

    const auto r = t.b.Sync(t.source);
    BOOST_TEST(r.conflicts == 1);
    BOOST_TEST(r.pushed == 0);
    // Neither side was overwritten.
    BOOST_TEST(t.b.Body(uid) == "<p>Version B: use the garages at half price.</p>");
    Console c;
    c.Sync(t.source);
    BOOST_TEST(c.Body(uid) == "<p>Version A: move cars within two hours.</p>");

    KnowledgeSync sync(*t.b.kb);
    auto conflicts = sync.Conflicts();
    BOOST_TEST_REQUIRE(conflicts->size() == 1u);
    BOOST_TEST(conflicts->front().local.content.body == "<p>Version B: use the garages at half price.</p>");
    BOOST_TEST(conflicts->front().shared.content.body == "<p>Version A: move cars within two hours.</p>");
    BOOST_TEST(conflicts->front().shared.author == t.a.reviewer.name);

    // A second round does not count or fetch the waiting conflict again.
    const auto r2 = t.b.Sync(t.source);
    BOOST_TEST(r2.conflicts == 0);
    BOOST_TEST(r2.fetched == 0);

    BOOST_TEST(sync.Merge(t.b.agent, uid, conflicts->front().local.content).Err().kind == ErrorKind::Denied);

    Content merged = conflicts->front().local.content;
    merged.body = "<p>Move cars within two hours, or use the garages at half price.</p>";
    auto m = sync.Merge(t.b.manager, uid, merged);
    BOOST_TEST_REQUIRE(m.IsOk(), (m.IsOk() ? "" : m.Err().message));
    BOOST_TEST(sync.Conflicts()->empty());
    test::WaitForNextSecond(); // the shared tag b holds may still be weak
    BOOST_TEST(t.b.Sync(t.source).pushed == 1);

    BOOST_TEST_CHECKPOINT("a pulls the merge");
    BOOST_TEST(t.a.Sync(t.source).pulled == 1);
    BOOST_TEST(t.a.Body(uid) == merged.body);
    BOOST_TEST_CHECKPOINT("b's history");
    // Every version is in b's history: its own, the shared one, the merge.
    std::vector<std::string> bodies;
    const auto history = t.b.kb->History(uid);
    BOOST_TEST_REQUIRE(history.IsOk());
    for (const auto& info : history.Value())
        bodies.push_back(t.b.kb->GetRevision(uid, info.number)->content.body);
    auto has = [&](const std::string& body) { return std::find(bodies.begin(), bodies.end(), body) != bodies.end(); };
    BOOST_TEST(has("<p>Version A: move cars within two hours.</p>"));
    BOOST_TEST(has("<p>Version B: use the garages at half price.</p>"));
    BOOST_TEST(has(merged.body));
}

BOOST_AUTO_TEST_CASE(keeping_mine_overwrites_exactly_the_shared_version_seen)
{
    TwoConsoles t;
    const auto uid = t.Shared("Noise complaints", "Call the police non-emergency line.");
    t.a.Edit(t.a.kb->GetByUid(uid)->id, "A's wording.");
    t.b.Edit(t.b.kb->GetByUid(uid)->id, "B's wording.");
    t.a.Sync(t.source);
    BOOST_TEST(t.b.Sync(t.source).conflicts == 1);

    KnowledgeSync sync(*t.b.kb);
    BOOST_TEST_REQUIRE(sync.KeepMine(t.b.manager, uid).IsOk());
    BOOST_TEST(t.b.Body(uid) == "<p>B's wording.</p>");
    test::WaitForNextSecond();
    BOOST_TEST(t.b.Sync(t.source).pushed == 1);
    t.a.Sync(t.source);
    BOOST_TEST(t.a.Body(uid) == "<p>B's wording.</p>");
}

BOOST_AUTO_TEST_CASE(taking_the_shared_version_replaces_mine_which_stays_in_history)
{
    TwoConsoles t;
    const auto uid = t.Shared("Rodent complaints", "Baiting is free.");
    t.a.Edit(t.a.kb->GetByUid(uid)->id, "A's wording.");
    t.b.Edit(t.b.kb->GetByUid(uid)->id, "B's wording.");
    t.a.Sync(t.source);
    BOOST_TEST(t.b.Sync(t.source).conflicts == 1);

    KnowledgeSync sync(*t.b.kb);
    BOOST_TEST_REQUIRE(sync.TakeShared(t.b.manager, uid).IsOk());
    BOOST_TEST(t.b.Body(uid) == "<p>A's wording.</p>");
    BOOST_TEST(sync.PendingCount().Value() == 0);
    const auto history = std::move(t.b.kb->History(uid)).Value();
    BOOST_TEST(t.b.kb->GetRevision(uid, history.at(1).number)->content.body == "<p>B's wording.</p>");
    BOOST_TEST(t.b.Sync(t.source).pushed == 0);
}

BOOST_AUTO_TEST_CASE(a_weak_entity_tag_delays_a_push_instead_of_faking_a_conflict)
{
    TwoConsoles t;
    const auto id = t.a.Publish(KbFixture::Make("Water main break", "Call the water department."));
    t.a.Sync(t.source);
    // Edited and pushed again within the same second: the tag we hold is weak.
    t.a.Edit(id, "Call the water department at once.");
    const auto r = t.a.Sync(t.source);
    BOOST_TEST(r.conflicts == 0);
    BOOST_TEST(r.pushed + r.retry_later == 1);
    test::WaitForNextSecond();
    const auto later = t.a.Sync(t.source);
    BOOST_TEST(later.conflicts == 0);
    BOOST_TEST(KnowledgeSync(*t.a.kb).PendingCount().Value() == 0);
    t.b.Sync(t.source);
    BOOST_TEST(t.b.Body(t.a.kb->Get(id)->uid) == "<p>Call the water department at once.</p>");
}

BOOST_AUTO_TEST_CASE(offline_keeps_the_change_and_sends_it_when_the_store_is_back)
{
    Console a;
    a.Publish(KbFixture::Make("Property tax relief", "Seniors may freeze their assessment."));
    webdav::WebDavSource nowhere({"http://127.0.0.1:" + std::to_string(test::FreePort()) + "/"});
    KnowledgeSync sync(*a.kb);
    auto r = sync.Run(nowhere);
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().kind == ErrorKind::Offline);
    BOOST_TEST(sync.PendingCount().Value() == 1);

    Apache apache;
    webdav::WebDavSource source({apache.Url()});
    BOOST_TEST(a.Sync(source).pushed == 1);
}

BOOST_AUTO_TEST_CASE(a_malformed_shared_file_is_reported_and_the_rest_still_arrives)
{
    TwoConsoles t;
    t.a.Publish(KbFixture::Make("Graffiti removal", "Free for private property."));
    t.a.Sync(t.source);
    BOOST_TEST_REQUIRE(t.source.Store("kb-broken.xml", "<shared-article uid='kb-broken'><title>x", "").IsOk());
    BOOST_TEST_REQUIRE(t.source.Store("README.txt", "not an article", "").IsOk());

    KnowledgeSync sync(*t.b.kb);
    auto r = sync.Run(t.source);
    BOOST_TEST_REQUIRE(r.IsOk());
    BOOST_TEST(r->pulled == 1);
    BOOST_TEST_REQUIRE(r->problems.size() == 1u);
    BOOST_TEST(r->problems.front().find("kb-broken.xml: line 1") != std::string::npos, r->problems.front());
    BOOST_TEST(t.b.Titles("graffiti") == std::vector<std::string>{"Graffiti removal"});
}

BOOST_AUTO_TEST_CASE(the_shared_format_round_trips_and_is_sanitised_on_the_way_in)
{
    SharedArticle s;
    s.uid = "kb-1";
    s.translation_group = "kb-1";
    s.content = KbFixture::Make("Title", "Body");
    s.content.body = "<p onclick=\"x()\">Body<script>alert(1)</script></p>";
    s.author = "Ana";
    s.stamp = "abc";
    auto back = KnowledgeBase::ParseShared(KnowledgeBase::WriteShared(s), "kb-1.xml");
    BOOST_TEST_REQUIRE(back.IsOk());
    BOOST_TEST(back->content.title == "Title");
    BOOST_TEST(back->content.body == "<p>Body</p>");
    BOOST_TEST(back->stamp == "abc");

    auto draft = KnowledgeBase::ParseShared(
        "<shared-article uid='kb-2' stamp='s' status='draft'><title>T</title></shared-article>", "kb-2.xml");
    BOOST_TEST_REQUIRE(!draft.IsOk());
    BOOST_TEST(draft.Err().message.find("kb-2.xml: line 1, <shared-article>") == 0u, draft.Err().message);
}

BOOST_AUTO_TEST_CASE(two_fresh_consoles_share_the_starter_articles_without_conflicts)
{
    // Both seed the same starter knowledge base: the second finds every file
    // already there with the same text and simply agrees.
    Apache apache;
    test::TempDir a, b;
    auto sync = [&](const test::TempDir& dir) {
        return test::Run(std::string(CIVICDESK_CLI) + " --data-dir " + test::Quote(dir.Path().string()) +
                         " kb sync --url " + apache.Url() + " 2>&1");
    };
    const auto first = sync(a);
    BOOST_TEST_REQUIRE(first.status == 0, first.output);
    BOOST_TEST(first.output.find("pushed: 83") != std::string::npos, first.output);
    const auto second = sync(b);
    BOOST_TEST_REQUIRE(second.status == 0, second.output);
    BOOST_TEST(second.output.find("fetched: 83") != std::string::npos, second.output);
    BOOST_TEST(second.output.find("new conflicts: 0") != std::string::npos, second.output);
    BOOST_TEST(second.output.find("pushed: 0") != std::string::npos, second.output);

    const auto offline = test::Run(std::string(CIVICDESK_CLI) + " --data-dir " + test::Quote(a.Path().string()) +
                                   " kb sync --url http://127.0.0.1:" + std::to_string(test::FreePort()) + "/ 2>&1");
    BOOST_TEST(offline.status == 1);
    BOOST_TEST(offline.output.find("kb sync: ") == 0u, offline.output);
}

BOOST_AUTO_TEST_SUITE_END()
