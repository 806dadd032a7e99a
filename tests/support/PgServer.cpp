#include "PgServer.h"

#include "TestSupport.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <pwd.h>
#include <stdexcept>

namespace civic::test {

namespace {

const char* kBin = "/usr/lib/postgresql/15/bin";

// A loopback port nobody listens on now.
int FreePort()
{
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
        ::close(s);
        throw std::runtime_error("no free port for PostgreSQL");
    }
    const int port = ntohs(a.sin_port);
    ::close(s);
    return port;
}

} // namespace

std::string PgServer::AsOwner(const std::string& command) const
{
    if (::geteuid() != 0)
        return command;
    return "runuser -u postgres -- " + command;
}

PgServer::PgServer(int max_connections) : m_max_connections(max_connections)
{
    TempDir probe; // a unique name under the temporary folder
    m_dir = probe.Path().string() + "-pg";
    std::filesystem::create_directories(m_dir);
    if (::geteuid() == 0) {
        if (const passwd* pw = ::getpwnam("postgres")) {
            if (::chown(m_dir.c_str(), pw->pw_uid, pw->pw_gid) != 0)
                throw std::runtime_error("cannot hand " + m_dir.string() + " to the postgres user");
        } else {
            throw std::runtime_error("tests run as root need the postgres user (apt-get install postgresql)");
        }
    }
    WriteFile(m_dir / "pw", "civic-test-pw\n");
    if (::geteuid() == 0)
        (void)Run("chown postgres " + Quote((m_dir / "pw").string()));
    const auto init = Run(AsOwner(std::string(kBin) + "/initdb -D " + Quote((m_dir / "db").string()) +
                                  " -U civic --auth-local=trust --auth-host=scram-sha-256 --pwfile=" +
                                  Quote((m_dir / "pw").string()) + " -E UTF8 --locale=C.UTF-8"));
    if (init.status != 0)
        throw std::runtime_error("initdb failed: " + init.output);
    m_port = FreePort();
    Start();
}

PgServer::~PgServer()
{
    Stop();
    std::error_code ec;
    std::filesystem::remove_all(m_dir, ec);
}

void PgServer::Start()
{
    if (m_running)
        return;
    // fsync stays on: the tests kill seats, not the server, but what a
    // commit promised must hold as it would in production.
    const auto r = Run(AsOwner(std::string(kBin) + "/pg_ctl -w -D " + Quote((m_dir / "db").string()) + " -l " +
                               Quote((m_dir / "log").string()) + " -o " +
                               Quote("-p " + std::to_string(m_port) + " -k " + m_dir.string() +
                                     " -c listen_addresses=127.0.0.1 -c max_connections=" + std::to_string(m_max_connections)) +
                               " start"));
    if (r.status != 0)
        throw std::runtime_error("PostgreSQL did not start: " + r.output + ReadFile(m_dir / "log"));
    m_running = true;
}

void PgServer::Stop()
{
    if (!m_running)
        return;
    (void)Run(AsOwner(std::string(kBin) + "/pg_ctl -w -D " + Quote((m_dir / "db").string()) + " stop -m fast"));
    m_running = false;
}

std::string PgServer::Url(const std::string& user, const std::string& password) const
{
    return "postgresql://" + user + ":" + password + "@127.0.0.1:" + std::to_string(m_port) + "/postgres";
}

std::string PgServer::Psql(const std::string& sql) const
{
    const auto r = Run("psql -X -q -A -t " + Quote(Url()) + " -c " + Quote(sql));
    std::string out = r.output;
    while (!out.empty() && (out.back() == '\n' || out.back() == ' '))
        out.pop_back();
    return out;
}

} // namespace civic::test
