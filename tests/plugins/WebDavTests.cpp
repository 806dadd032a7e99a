#define BOOST_TEST_MODULE plugins
#include <boost/test/unit_test.hpp>

#include <civic/webdav/WebDavSource.h>

#include "TestSupport.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

using namespace civic;
using namespace civic::webdav;
using civic::test::TempDir;

namespace {

int FreePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool Accepts(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

// Debian's Apache with mod_dav serving a fresh folder on a loopback port, as
// ../shared/WEBDAV.md describes a city's knowledge store.
struct Apache
{
    TempDir dir;
    int port = FreePort();
    std::string conf = (dir / "httpd.conf").string();

    Apache()
    {
        std::filesystem::create_directories(dir / "root");
        // The server's worker user must be able to write the collection.
        std::filesystem::permissions(dir.Path(), std::filesystem::perms::all);
        std::filesystem::permissions(dir / "root", std::filesystem::perms::all);
        test::WriteFile(conf, "ServerRoot /etc/apache2\n"
                              "ServerName localhost\n"
                              "Listen 127.0.0.1:" + std::to_string(port) + "\n"
                              "PidFile " + (dir / "httpd.pid").string() + "\n"
                              "ErrorLog " + (dir / "error.log").string() + "\n"
                              "LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so\n"
                              "LoadModule authz_core_module /usr/lib/apache2/modules/mod_authz_core.so\n"
                              "LoadModule dav_module /usr/lib/apache2/modules/mod_dav.so\n"
                              "LoadModule dav_fs_module /usr/lib/apache2/modules/mod_dav_fs.so\n"
                              "DAVLockDB " + (dir / "DAVLock").string() + "\n"
                              "DocumentRoot " + (dir / "root").string() + "\n"
                              "<Directory " + (dir / "root").string() + ">\n"
                              "  Dav On\n  Require all granted\n</Directory>\n");
        const auto r = test::Run(std::string(CIVICDESK_APACHE2) + " -f " + conf + " -k start");
        BOOST_TEST_REQUIRE(r.status == 0, r.output);
        for (int i = 0; i < 100 && !Accepts(port); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        BOOST_TEST_REQUIRE(Accepts(port), "Apache did not start: " + test::ReadFile(dir / "error.log"));
    }
    ~Apache()
    {
        (void)test::Run(std::string(CIVICDESK_APACHE2) + " -f " + conf + " -k stop");
        for (int i = 0; i < 100 && std::filesystem::exists(dir / "httpd.pid"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string Url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }
};

void WaitForNextSecond()
{
    // Files changed within the current second carry weak tags; see WebDavSource.h.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
}

} // namespace

BOOST_AUTO_TEST_SUITE(WebDav)

BOOST_AUTO_TEST_CASE(creates_lists_and_reads_back_an_article)
{
    Apache apache;
    WebDavSource src({apache.Url()});
    auto empty = src.List();
    BOOST_TEST_REQUIRE(empty.IsOk(), (empty.IsOk() ? "" : empty.Err().message));
    BOOST_TEST(empty->empty());

    auto etag = src.Store("kb-1.xml", "<article>one</article>", "");
    BOOST_TEST_REQUIRE(etag.IsOk(), (etag.IsOk() ? "" : etag.Err().message));
    BOOST_TEST(!etag.Value().empty());

    auto listed = src.List();
    BOOST_TEST_REQUIRE(listed->size() == 1u);
    BOOST_TEST(listed->front().name == "kb-1.xml");
    BOOST_TEST(listed->front().etag == etag.Value());

    auto file = src.Fetch("kb-1.xml", "");
    BOOST_TEST_REQUIRE(file.IsOk());
    BOOST_TEST_REQUIRE(file->has_value());
    BOOST_TEST(file.Value()->body == "<article>one</article>");
}

BOOST_AUTO_TEST_CASE(an_unchanged_file_is_not_downloaded_again)
{
    Apache apache;
    WebDavSource src({apache.Url()});
    auto etag = src.Store("kb-1.xml", "<article/>", "");
    BOOST_TEST_REQUIRE(etag.IsOk());
    auto again = src.Fetch("kb-1.xml", etag.Value());
    BOOST_TEST_REQUIRE(again.IsOk());
    BOOST_TEST(!again->has_value()); // 304 Not Modified
}

BOOST_AUTO_TEST_CASE(creating_a_file_someone_else_created_is_a_conflict)
{
    Apache apache;
    WebDavSource src({apache.Url()});
    BOOST_TEST_REQUIRE(src.Store("kb-1.xml", "<article>mine</article>", "").IsOk());
    auto second = src.Store("kb-1.xml", "<article>theirs</article>", "");
    BOOST_TEST_REQUIRE(!second.IsOk());
    BOOST_TEST(second.Err().kind == ErrorKind::Conflict);
    BOOST_TEST(src.Fetch("kb-1.xml", "").Value()->body == "<article>mine</article>");
}

BOOST_AUTO_TEST_CASE(updating_over_someone_elses_change_is_a_conflict_and_keeps_theirs)
{
    Apache apache;
    WebDavSource src({apache.Url()});
    auto v1 = src.Store("kb-1.xml", "<article>v1</article>", "");
    BOOST_TEST_REQUIRE(v1.IsOk());
    WaitForNextSecond();
    auto v1_strong = src.Fetch("kb-1.xml", "").Value()->etag;
    BOOST_TEST(v1_strong.rfind("W/", 0) != 0u);
    auto v2 = src.Store("kb-1.xml", "<article>v2 by another console</article>", v1_strong);
    BOOST_TEST_REQUIRE(v2.IsOk(), (v2.IsOk() ? "" : v2.Err().message));
    auto stale = src.Store("kb-1.xml", "<article>v2 by me</article>", v1_strong);
    BOOST_TEST_REQUIRE(!stale.IsOk());
    BOOST_TEST(stale.Err().kind == ErrorKind::Conflict);
    BOOST_TEST(src.Fetch("kb-1.xml", "").Value()->body == "<article>v2 by another console</article>");
}

BOOST_AUTO_TEST_CASE(a_weak_tag_from_the_same_second_never_matches)
{
    // The documented gotcha: the caller sees Conflict and must re-read.
    Apache apache;
    WebDavSource src({apache.Url()});
    auto v1 = src.Store("kb-1.xml", "<article>v1</article>", "");
    BOOST_TEST_REQUIRE(v1.IsOk());
    if (v1.Value().rfind("W/", 0) == 0) {
        auto r = src.Store("kb-1.xml", "<article>v2</article>", v1.Value());
        BOOST_TEST_REQUIRE(!r.IsOk());
        BOOST_TEST(r.Err().kind == ErrorKind::Conflict);
    }
    WaitForNextSecond();
    auto fresh = src.Fetch("kb-1.xml", "").Value()->etag;
    BOOST_TEST(src.Store("kb-1.xml", "<article>v2</article>", fresh).IsOk());
}

BOOST_AUTO_TEST_CASE(an_unreachable_server_is_offline)
{
    WebDavSource src({"http://127.0.0.1:" + std::to_string(FreePort()) + "/kb/"});
    auto r = src.List();
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().kind == ErrorKind::Offline);
}

BOOST_AUTO_TEST_CASE(a_missing_collection_is_reported_with_the_status)
{
    Apache apache;
    WebDavSource src({apache.Url() + "no-such-folder/"});
    auto r = src.List();
    BOOST_TEST_REQUIRE(!r.IsOk());
    BOOST_TEST(r.Err().message.find("404") != std::string::npos, r.Err().message);
}

BOOST_AUTO_TEST_CASE(malformed_file_lists_are_parse_errors)
{
    BOOST_TEST(ParseMultistatus("<html><body>Proxy error</body></html>").Err().kind == ErrorKind::Parse);
    BOOST_TEST(ParseMultistatus("<D:multistatus xmlns:D=\"DAV:\"><D:response>").Err().kind ==
               ErrorKind::Parse);
    auto ok = ParseMultistatus(
        "<x:multistatus xmlns:x=\"DAV:\"><x:response><x:href>/kb/a%20b.xml</x:href>"
        "<x:propstat><x:prop><x:getetag>\"42\"</x:getetag></x:prop>"
        "<x:status>HTTP/1.1 200 OK</x:status></x:propstat></x:response></x:multistatus>");
    BOOST_TEST_REQUIRE(ok.IsOk());
    BOOST_TEST(ok->front().name == "a b.xml");
    BOOST_TEST(ok->front().etag == "\"42\"");
}

BOOST_AUTO_TEST_SUITE_END()
