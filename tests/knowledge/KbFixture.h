// A knowledge base with the shipped stop words and a few articles whose
// wording the search tests rely on.
#pragma once

#include <civic/kb/KnowledgeBase.h>

#include "TestSupport.h"

#include <boost/test/unit_test.hpp>

namespace civic::test {

inline kb::KnowledgeOptions ShippedOptions()
{
    kb::KnowledgeOptions o;
    const std::filesystem::path res = CIVICDESK_TEST_SOURCE_DIR "/resources/knowledge";
    o.stop_word_files = {res / "stopwords-en.txt", res / "stopwords-es.txt"};
    return o;
}

struct KbFixture
{
    kb::Actor manager{"Ana Manager", Role::KnowledgeManager};
    kb::Actor reviewer{"Ben Reviewer", Role::KnowledgeManager};
    kb::Actor agent{"Cal Taker", Role::CallTaker};
    std::unique_ptr<kb::KnowledgeBase> kb;

    KbFixture()
    {
        auto opened = kb::KnowledgeBase::Open(":memory:", ShippedOptions());
        BOOST_TEST_REQUIRE(opened.IsOk(), (opened.IsOk() ? "" : opened.Err().message));
        kb = std::move(opened).Value();
    }

    // Creates, submits (as manager) and approves (as reviewer) an article.
    std::int64_t Publish(kb::Content c)
    {
        auto id = kb->CreateDraft(manager, std::move(c));
        BOOST_TEST_REQUIRE(id.IsOk(), (id.IsOk() ? "" : id.Err().message));
        BOOST_TEST_REQUIRE(kb->Submit(manager, id.Value()).IsOk());
        auto approved = kb->Approve(reviewer, id.Value());
        BOOST_TEST_REQUIRE(approved.IsOk(), (approved.IsOk() ? "" : approved.Err().message));
        return id.Value();
    }

    static kb::Content Make(std::string title, std::string body, std::string keywords = {},
                            std::string language = "en", std::string category = "General")
    {
        kb::Content c;
        c.title = std::move(title);
        c.body = "<p>" + body + "</p>";
        c.keywords = std::move(keywords);
        c.language = std::move(language);
        c.category = std::move(category);
        return c;
    }

    std::vector<std::string> Titles(const std::string& text, kb::SearchQuery q = {})
    {
        q.text = text;
        auto hits = kb->Search(q);
        BOOST_TEST_REQUIRE(hits.IsOk(), (hits.IsOk() ? "" : hits.Err().message));
        std::vector<std::string> titles;
        for (const auto& h : hits.Value())
            titles.push_back(h.title);
        return titles;
    }
};

inline bool Has(const std::vector<std::string>& v, const std::string& s)
{
    return std::find(v.begin(), v.end(), s) != v.end();
}

} // namespace civic::test
