// civicdesk-test-crm: the loopback Open311 test server on its own, for trying
// the console by hand and for demonstrations. Not installed.
//
//   civicdesk-test-crm [--fail P] [--ignore-keys]
//
// Prints its endpoint and serves until interrupted. The API key is test-key.
#include "Open311Server.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

namespace {
volatile std::sig_atomic_t g_stop = 0;
}

int main(int argc, char** argv)
{
    civic::test::Open311Server server;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--fail") == 0 && i + 1 < argc)
            server.FailRandomly(std::atof(argv[++i]), 1);
        else if (std::strcmp(argv[i], "--ignore-keys") == 0)
            server.IgnoreIdempotencyKey(true);
    }
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    std::cout << server.Endpoint() << std::endl;
    while (!g_stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << server.Requests().size() << " requests filed" << std::endl;
    return 0;
}
