// RunBounded: runs a piece of the console in a child process allowed only so
// much more memory than it has now, to show that hostile input is refused
// within a bound rather than read until the machine gives out. The child's
// exit tells what happened; the test process itself is never at risk.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstddef>
#include <fstream>
#include <functional>

namespace civic::test {

enum class Bounded
{
    Returned, // fn returned true within the bound
    Failed,   // fn returned false
    Threw,    // an exception, bad_alloc among them, left fn
    Crashed,  // a signal ended the child (abort, stack overflow, the kernel)
};

inline Bounded RunBounded(std::size_t extra_bytes, const std::function<bool()>& fn)
{
    const pid_t pid = fork();
    if (pid == 0) {
        std::size_t pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        const rlim_t limit = pages * static_cast<rlim_t>(sysconf(_SC_PAGESIZE)) + extra_bytes;
        rlimit rl{limit, limit};
        setrlimit(RLIMIT_AS, &rl);
        int code = 3;
        try {
            code = fn() ? 0 : 1;
        } catch (...) {
            code = 2;
        }
        _exit(code);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    if (!WIFEXITED(status))
        return Bounded::Crashed;
    switch (WEXITSTATUS(status)) {
    case 0: return Bounded::Returned;
    case 1: return Bounded::Failed;
    default: return Bounded::Threw;
    }
}

} // namespace civic::test
