#include "FaultRelay.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace civic::test {
namespace {

int Listen(int& port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        throw std::runtime_error("relay: socket");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0)
        throw std::runtime_error("relay: bind");
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    port = ntohs(a.sin_port);
    return fd;
}

int Connect(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    if (fd >= 0 && ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0)
        return fd;
    if (fd >= 0)
        ::close(fd);
    return -1;
}

bool SendAll(int fd, const char* p, size_t n)
{
    while (n > 0) {
        const ssize_t k = ::send(fd, p, n, MSG_NOSIGNAL);
        if (k <= 0)
            return false;
        p += k;
        n -= static_cast<size_t>(k);
    }
    return true;
}

// Closes with RST instead of FIN: what a crashed peer's kernel sends.
void Reset(int fd)
{
    linger l{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    ::close(fd);
}

} // namespace

FaultRelay::FaultRelay(int upstream_port) : m_upstream_port(upstream_port)
{
    m_listen = Listen(m_port);
    m_acceptor = std::thread([this] { Accept(); });
}

FaultRelay::~FaultRelay()
{
    m_stop = true;
    ::shutdown(m_listen, SHUT_RDWR);
    ::close(m_listen);
    m_acceptor.join();
    std::lock_guard lock(m_mutex);
    for (auto& t : m_workers)
        t.join();
}

std::string FaultRelay::Url(const std::string& upstream_url) const
{
    const std::string port = ":" + std::to_string(m_upstream_port);
    std::string url = upstream_url;
    if (auto at = url.find(port); at != std::string::npos)
        url.replace(at, port.size(), ":" + std::to_string(m_port));
    return url;
}

void FaultRelay::DropAnswersAtRandom(double p, std::uint64_t seed)
{
    std::lock_guard lock(m_mutex);
    m_random_p = p;
    m_rng = seed ? seed : 1;
}

bool FaultRelay::ShouldDropAtRandom()
{
    std::lock_guard lock(m_mutex);
    if (m_random_p <= 0)
        return false;
    // xorshift64: reproducible from the seed, no locale or library state.
    m_rng ^= m_rng << 13;
    m_rng ^= m_rng >> 7;
    m_rng ^= m_rng << 17;
    return static_cast<double>(m_rng % 1000000) / 1e6 < m_random_p;
}

void FaultRelay::Accept()
{
    while (!m_stop) {
        const int client = ::accept(m_listen, nullptr, nullptr);
        if (client < 0)
            break;
        ++m_connections;
        std::lock_guard lock(m_mutex);
        m_workers.emplace_back([this, client] { Relay(client); });
    }
}

void FaultRelay::Relay(int client)
{
    const int server = Connect(m_upstream_port);
    if (server < 0) {
        ::close(client);
        return;
    }
    int posts = 0;
    bool awaiting = false; // a request went up and no byte of its answer came back yet
    bool post = false;     // that request is a POST
    bool dropping = false; // swallowing the current answer
    char buf[16384];
    for (;;) {
        pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
        if (::poll(fds, 2, 200) < 0 || m_stop)
            break;
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(client, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            if (!awaiting) { // the first bytes of a new request
                post = n >= 5 && std::memcmp(buf, "POST ", 5) == 0;
                posts += post ? 1 : 0;
                awaiting = true;
            }
            if (!SendAll(server, buf, static_cast<size_t>(n)))
                break;
        }
        if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            const ssize_t n = ::recv(server, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            if (awaiting) { // the first bytes of this request's answer
                awaiting = false;
                const int nth = m_drop_post;
                dropping = (post && nth > 0 && posts == nth) || ShouldDropAtRandom();
                if (!dropping && m_reset_mid > 0) {
                    --m_reset_mid;
                    (void)SendAll(client, buf, static_cast<size_t>(n) / 2);
                    ++m_dropped;
                    Reset(client);
                    ::close(server);
                    return;
                }
            }
            if (dropping) {
                // The server processed the request; its answer goes nowhere.
                ++m_dropped;
                break;
            }
            if (!SendAll(client, buf, static_cast<size_t>(n)))
                break;
        }
    }
    ::close(client);
    ::close(server);
}

} // namespace civic::test
