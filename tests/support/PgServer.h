// A real PostgreSQL for tests and benchmarks: a throw-away cluster in a
// temporary folder (initdb), on a loopback port of its own, with SCRAM
// passwords as a center would have them. As root the server runs as the
// `postgres` system user (PostgreSQL refuses root). Stop() and Start() take it
// down and up again on the same port and data, for outages mid-round.
#pragma once

#include <filesystem>
#include <string>

namespace civic::test {

class PgServer
{
public:
    // The superuser "civic" with password "civic-test-pw". Throws when
    // PostgreSQL cannot be started, with its log.
    explicit PgServer(int max_connections = 300);
    ~PgServer();
    PgServer(const PgServer&) = delete;
    PgServer& operator=(const PgServer&) = delete;

    void Stop();
    void Start();
    bool Running() const { return m_running; }

    int Port() const { return m_port; }
    // postgresql://USER:PASSWORD@127.0.0.1:PORT/postgres
    std::string Url(const std::string& user = "civic", const std::string& password = "civic-test-pw") const;
    // Runs SQL as the superuser through psql; returns its output (unaligned, tuples only).
    std::string Psql(const std::string& sql) const;

private:
    std::string AsOwner(const std::string& command) const;
    std::filesystem::path m_dir;
    int m_port = 0;
    int m_max_connections = 300;
    bool m_running = false;
};

} // namespace civic::test
