// civicdesk-test-crm: the loopback Open311 test server on its own, for trying
// the console by hand and for demonstrations. Not installed.
//
//   civicdesk-test-crm [--fail P] [--ignore-keys] [--refuse-updated-after] [--deployed-shapes]
//                      [--seed "CODE|ADDRESS|DESCRIPTION"]...
//
// --refuse-updated-after and --deployed-shapes answer as some deployed servers
// do (400 for updated_after; list items named like their lists).
// --seed files a request as if reported through another channel an hour
// ago, so the wrap-up's duplicate check has something to find.
// Prints its endpoint and serves until interrupted. The API key is test-key.
// Lines on standard input play the city's side of a demonstration:
//   down | up                 the CRM stops answering / comes back on its port
//   close ID NOTES...         a crew closes request ID with these notes
//   list                      the requests filed so far
#include "Open311Server.h"

#include <csignal>
#include <ctime>
#include <sstream>
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
        else if (std::strcmp(argv[i], "--refuse-updated-after") == 0)
            server.RefuseUpdatedAfter(true);
        else if (std::strcmp(argv[i], "--deployed-shapes") == 0)
            server.DeployedShapes(true);
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
    std::string line;
    while (!g_stop && std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string command, id;
        in >> command;
        if (command == "down") {
            server.Stop();
            std::cout << "down" << std::endl;
        } else if (command == "up") {
            server.Start();
            std::cout << "up: " << server.Endpoint() << std::endl;
        } else if (command == "close" && in >> id) {
            std::string notes;
            std::getline(in >> std::ws, notes);
            server.Close(id, notes, static_cast<std::int64_t>(std::time(nullptr)));
            std::cout << "closed " << id << std::endl;
        } else if (command == "list") {
            for (const auto& r : server.Requests()) {
                const auto code = r.fields.find("service_code");
                std::cout << r.id << " " << r.status << " " << (code != r.fields.end() ? code->second : "")
                          << std::endl;
            }
        } else if (!command.empty()) {
            std::cout << "commands: down, up, close ID NOTES, list" << std::endl;
        }
    }
    // No input (or it ended): serve until interrupted.
    while (!g_stop)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    std::cout << server.Requests().size() << " requests filed" << std::endl;
    return 0;
}
