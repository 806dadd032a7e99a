// civicdesk-test-crm: the loopback Open311 test server on its own, for trying
// the console by hand and for demonstrations. Not installed.
//
//   civicdesk-test-crm [--fail P] [--ignore-keys] [--seed "CODE|ADDRESS|DESCRIPTION"]...
//
// --seed files a request as if reported through another channel an hour
// ago, so the wrap-up's duplicate check has something to find.
// Prints its endpoint and serves until interrupted. The API key is test-key.
#include "Open311Server.h"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <iostream>
#include <string>
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
        else if (std::strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            const std::string spec = argv[++i];
            const auto a = spec.find('|'), b = spec.find('|', a == std::string::npos ? a : a + 1);
            if (a == std::string::npos) {
                std::cerr << "--seed wants CODE|ADDRESS|DESCRIPTION\n";
                return 2;
            }
            const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch()).count();
            server.Seed({{"service_code", spec.substr(0, a)},
                         {"address_string", spec.substr(a + 1, b == std::string::npos ? b : b - a - 1)},
                         {"description", b == std::string::npos ? std::string() : spec.substr(b + 1)}},
                        now - 3600);
        }
    }
    std::signal(SIGINT, [](int) { g_stop = 1; });
    std::signal(SIGTERM, [](int) { g_stop = 1; });
    std::cout << server.Endpoint() << std::endl;
    while (!g_stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << server.Requests().size() << " requests filed" << std::endl;
    return 0;
}
