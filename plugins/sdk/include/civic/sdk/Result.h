// Part of the CivicDesk plugin SDK: self-contained, the standard library only.
//
// Result<T>: the value of an operation whose failure is expected (offline, a
// corrupt file, a 4xx from the CRM, malformed XML). Bugs stay exceptions.
//
// An Error carries a category the caller can branch on and a message written
// for the person who will read it (in English; the UI translates categories,
// and shows the message as detail).
#pragma once

#include <cassert>
#include <ostream>
#include <string>
#include <utility>
#include <variant>

namespace civic {

enum class ErrorKind
{
    Corrupt,    // a file exists but is not what it should be; never overwritten
    TooNew,     // written by a newer CivicDesk; left untouched
    Io,         // the operating system refused (permissions, disk full)
    Busy,       // another process holds a lock
    Constraint, // the data broke a rule (unique key, foreign key, check)
    NotFound,
    Invalid,    // bad input from a user or a file
    Offline,    // no network, or the server is not reachable
    // A server's answers, as the connector reads them (the transport's codes
    // stay in the connector):
    Rejected,    // it refused this request as it is: resending it unchanged will not help
    Unavailable, // it cannot serve now (overloaded, failing): try again later
    Parse,      // a reply or file could not be parsed
    Conflict,   // someone else changed it first
    Denied,     // the role or the server does not allow it
};

struct Error
{
    ErrorKind kind;
    std::string message;
    // How long the server asked callers to wait before trying again
    // (Unavailable; -1: it did not say), and whether a request that got no
    // answer may still have been received whole (its body was sent) — the
    // case where resending blindly could file it twice.
    long retry_after_s = -1;
    bool maybe_delivered = false;
};

inline const char* ToString(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::Corrupt: return "corrupt";
    case ErrorKind::TooNew: return "too-new";
    case ErrorKind::Io: return "io";
    case ErrorKind::Busy: return "busy";
    case ErrorKind::Constraint: return "constraint";
    case ErrorKind::NotFound: return "not-found";
    case ErrorKind::Invalid: return "invalid";
    case ErrorKind::Offline: return "offline";
    case ErrorKind::Rejected: return "rejected";
    case ErrorKind::Unavailable: return "unavailable";
    case ErrorKind::Parse: return "parse";
    case ErrorKind::Conflict: return "conflict";
    case ErrorKind::Denied: return "denied";
    }
    return "unknown";
}

inline std::ostream& operator<<(std::ostream& os, ErrorKind kind) { return os << ToString(kind); }

template <class T>
class [[nodiscard]] Result
{
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool IsOk() const { return m_v.index() == 0; }
    explicit operator bool() const { return IsOk(); }

    T& Value() &
    {
        assert(IsOk());
        return std::get<0>(m_v);
    }
    const T& Value() const&
    {
        assert(IsOk());
        return std::get<0>(m_v);
    }
    T&& Value() &&
    {
        assert(IsOk());
        return std::get<0>(std::move(m_v));
    }
    T* operator->() { return &Value(); }
    const T* operator->() const { return &Value(); }

    const Error& Err() const
    {
        assert(!IsOk());
        return std::get<1>(m_v);
    }

private:
    std::variant<T, Error> m_v;
};

template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool IsOk() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const Error& Err() const
    {
        assert(!m_ok);
        return m_error;
    }

private:
    Error m_error{ErrorKind::Invalid, {}};
    bool m_ok = true;
};

inline Result<void> Ok() { return {}; }

} // namespace civic
