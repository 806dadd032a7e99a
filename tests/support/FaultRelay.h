// A TCP relay between a client and a server on loopback, for the network's
// faults that neither end can produce on demand: the answer to a request the
// server has processed never reaching the client on a kept-alive connection
// (a worker that died, a proxy restarted), or a connection reset halfway
// through an answer. Everything else passes through unchanged.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace civic::test {

class FaultRelay
{
public:
    // Listens on a free loopback port and relays each connection to
    // 127.0.0.1:upstream_port.
    explicit FaultRelay(int upstream_port);
    ~FaultRelay();
    FaultRelay(const FaultRelay&) = delete;
    FaultRelay& operator=(const FaultRelay&) = delete;

    int Port() const { return m_port; }
    // "http://127.0.0.1:RELAY/path": the upstream URL with the relay's port.
    std::string Url(const std::string& upstream_url) const;

    // On every connection, the answer to its n-th POST (1-based) is swallowed
    // and the connection closed: the server has processed the POST, the
    // client hears nothing. 0: never.
    void DropAnswerToPost(int n) { m_drop_post = n; }
    // Each answer is swallowed with this probability (0..1), from a fixed seed.
    void DropAnswersAtRandom(double p, std::uint64_t seed);
    // The connection is reset after half of the next n answers went through.
    void ResetMidAnswer(int n) { m_reset_mid = n; }

    int Dropped() const { return m_dropped; }
    int Connections() const { return m_connections; }

private:
    void Accept();
    void Relay(int client);
    bool ShouldDropAtRandom();

    int m_upstream_port;
    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_drop_post{0};
    std::atomic<int> m_reset_mid{0};
    std::atomic<int> m_dropped{0};
    std::atomic<int> m_connections{0};
    std::mutex m_mutex; // m_random_p, m_rng, m_workers
    double m_random_p = 0;
    std::uint64_t m_rng = 0;
    std::vector<std::thread> m_workers;
    std::thread m_acceptor;
};

} // namespace civic::test
