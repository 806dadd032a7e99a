// Thread affinity, checked in debug builds. A class that lives on one thread
// keeps a ThreadCheck member and calls AssertOnOwner() at its entry points.
#pragma once

#include <cassert>
#include <thread>

namespace civic {

class ThreadCheck
{
public:
    ThreadCheck() : m_owner(std::this_thread::get_id()) {}

    // Hands the object to the thread that calls this (used once, when an
    // object is built on one thread and then moved to its worker).
    void Rebind() { m_owner = std::this_thread::get_id(); }

    void AssertOnOwner() const { assert(std::this_thread::get_id() == m_owner); }
    bool IsOwner() const { return std::this_thread::get_id() == m_owner; }

private:
    std::thread::id m_owner;
};

} // namespace civic
