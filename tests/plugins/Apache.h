// Debian's Apache with mod_dav on a free loopback port: the shared knowledge
// store as ../shared/WEBDAV.md describes it, real ETags and 412s included.
#pragma once

#include "TestSupport.h"

#include <boost/test/unit_test.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace civic::test {


inline int FreePort()
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

inline bool Accepts(int port)
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
        WriteFile(conf, "ServerRoot /etc/apache2\n"
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
        const auto r = Run(std::string(CIVICDESK_APACHE2) + " -f " + conf + " -k start");
        BOOST_TEST_REQUIRE(r.status == 0, r.output);
        for (int i = 0; i < 100 && !Accepts(port); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        BOOST_TEST_REQUIRE(Accepts(port), "Apache did not start: " + ReadFile(dir / "error.log"));
    }
    ~Apache()
    {
        (void)Run(std::string(CIVICDESK_APACHE2) + " -f " + conf + " -k stop");
        for (int i = 0; i < 100 && std::filesystem::exists(dir / "httpd.pid"); ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    std::string Url() const { return "http://127.0.0.1:" + std::to_string(port) + "/"; }
};

inline void WaitForNextSecond()
{
    // Files changed within the current second carry weak tags; see WebDavSource.h.
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));
}


} // namespace civic::test
