#include <boost/test/unit_test.hpp>

#include <civic/kb/Html.h>

using civic::kb::HtmlToText;
using civic::kb::SanitizeHtml;

namespace {
bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
} // namespace

BOOST_AUTO_TEST_SUITE(Sanitize)

BOOST_AUTO_TEST_CASE(scripts_and_styles_are_removed_with_their_content)
{
    const auto out = SanitizeHtml("<p>Hi<script>alert('x')</script><STYLE>p{}</STYLE></p>"
                                  "<SCRIPT src=x></SCRIPT >after");
    BOOST_TEST(!Contains(out, "alert"));
    BOOST_TEST(!Contains(out, "script"));
    BOOST_TEST(!Contains(out, "p{}"));
    BOOST_TEST(Contains(out, "<p>Hi</p>"));
    BOOST_TEST(Contains(out, "after"));
}

BOOST_AUTO_TEST_CASE(event_handlers_and_unsafe_links_are_dropped)
{
    const auto out = SanitizeHtml("<a href=\"javascript:alert(1)\" onclick=\"x()\">a</a>"
                                  "<a href=\" jav&#x61;script:x\">b</a>"
                                  "<a href=\"https://phila.gov/311\">c</a>"
                                  "<p onmouseover=\"x()\" style=\"color:red\">d</p>");
    BOOST_TEST(!Contains(out, "javascript"));
    BOOST_TEST(!Contains(out, "onclick"));
    BOOST_TEST(!Contains(out, "onmouseover"));
    BOOST_TEST(!Contains(out, "style"));
    BOOST_TEST(Contains(out, "href=\"https://phila.gov/311\""));
    BOOST_TEST(Contains(out, "<p>d</p>"));
}

BOOST_AUTO_TEST_CASE(nothing_loads_from_elsewhere)
{
    const auto out = SanitizeHtml("<img src=\"http://tracker.example/x.gif\"><iframe src=x>in</iframe>"
                                  "<object data=x></object><link rel=stylesheet href=x>"
                                  "<p>text</p>");
    BOOST_TEST(!Contains(out, "img"));
    BOOST_TEST(!Contains(out, "tracker"));
    BOOST_TEST(!Contains(out, "iframe"));
    BOOST_TEST(!Contains(out, "link"));
    BOOST_TEST(Contains(out, "<p>text</p>"));
}

BOOST_AUTO_TEST_CASE(output_is_well_formed_and_text_is_escaped)
{
    BOOST_TEST(SanitizeHtml("<p><b>bold</p>") == "<p><b>bold</b></p>");
    BOOST_TEST(SanitizeHtml("</li>stray") == "stray");
    BOOST_TEST(SanitizeHtml("a < b & c > d") == "a &lt; b &amp; c &gt; d");
    BOOST_TEST(SanitizeHtml("<p>caf&eacute; &amp; more</p>") == "<p>caf\xC3\xA9 &amp; more</p>");
    BOOST_TEST(SanitizeHtml("<!-- secret --><p>x</p>") == "<p>x</p>");
}

BOOST_AUTO_TEST_CASE(sanitising_twice_changes_nothing)
{
    const std::string once = SanitizeHtml(
        "<h3>What to do</h3><ol><li>Ask <em>where</em></li><li>File &quot;it&quot;</li></ol>"
        "<table><tr><td colspan=2 onclick=x>c</td></tr></table>");
    BOOST_TEST(SanitizeHtml(once) == once);
}

BOOST_AUTO_TEST_CASE(plain_text_keeps_blocks_on_their_own_lines)
{
    const auto text = HtmlToText("<p>First &amp; best.</p><ul><li>One</li><li>Two</li></ul>tail");
    BOOST_TEST(text == "First & best.\n\u2022 One\n\u2022 Two\ntail");
}

BOOST_AUTO_TEST_SUITE_END()
