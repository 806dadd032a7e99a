#include "Pg.h"

#include <libpq-fe.h>

#include <poll.h>

#include <chrono>
#include <cstdlib>

namespace civic::center::pg {

Rows::Rows(pg_result* r) : m_r(r, PQclear) {}

int Rows::Count() const { return PQntuples(m_r.get()); }

std::optional<std::string> Rows::Get(int row, int column) const
{
    if (row >= Count() || column >= PQnfields(m_r.get()) || PQgetisnull(m_r.get(), row, column))
        return std::nullopt;
    return std::string(PQgetvalue(m_r.get(), row, column),
                       static_cast<size_t>(PQgetlength(m_r.get(), row, column)));
}

long long Rows::Int(int row, int column) const
{
    const auto v = Get(row, column);
    return v ? std::strtoll(v->c_str(), nullptr, 10) : 0;
}

int Rows::Affected() const { return std::atoi(PQcmdTuples(m_r.get())); }

namespace {

// The server's notices ("already exists, skipping") are not the user's business.
void Quiet(void*, const char*) {}

} // namespace

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo, const std::string& password,
                                                     int connect_timeout_s)
{
    // libpq reads the password from PGPASSWORD or ~/.pgpass when neither the URL nor the caller has one.
    const std::string timeout = std::to_string(connect_timeout_s);
    const char* keys[] = {"dbname", "connect_timeout", "application_name", password.empty() ? nullptr : "password",
                          nullptr};
    const char* values[] = {conninfo.c_str(), timeout.c_str(), "CivicDesk", password.c_str(), nullptr};
    PGconn* c = PQconnectdbParams(keys, values, 1); // dbname expands a URL
    if (!c)
        return Error{ErrorKind::Io, "center: out of memory"};
    if (PQstatus(c) != CONNECTION_OK) {
        std::string message = PQerrorMessage(c);
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        PQfinish(c);
        ErrorKind kind = ErrorKind::Offline;
        if (message.find("password") != std::string::npos || message.find("authentication") != std::string::npos ||
            message.find("role") != std::string::npos || message.find("permission") != std::string::npos)
            kind = ErrorKind::Denied;
        else if (message.find("invalid") != std::string::npos || message.find("missing") != std::string::npos)
            kind = ErrorKind::Invalid;
        return Error{kind, "center: " + message};
    }
    PQsetNoticeProcessor(c, Quiet, nullptr);
    return std::unique_ptr<Connection>(new Connection(c));
}

Connection::~Connection() { PQfinish(m_c); }

bool Connection::Broken() const { return PQstatus(m_c) != CONNECTION_OK; }

std::string Connection::User() const { return PQuser(m_c); }

Error Connection::Failure(const std::string& what, pg_result* r) const
{
    std::string message = r ? PQresultErrorMessage(r) : PQerrorMessage(m_c);
    const char* state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : nullptr;
    while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
        message.pop_back();
    ErrorKind kind = ErrorKind::Io;
    const std::string code = state ? state : "";
    if (Broken() || code.starts_with("08") || code == "57P01" || code == "57P03")
        kind = ErrorKind::Offline; // connection lost, server shutting down or starting
    else if (code == "42501")
        kind = ErrorKind::Denied; // insufficient privilege
    else if (code.starts_with("23"))
        kind = ErrorKind::Conflict;
    else if (code.starts_with("22") || code == "P0001")
        kind = ErrorKind::Invalid;
    (void)what;
    return Error{kind, "center: " + message};
}

Result<Rows> Connection::Exec(const std::string& sql, const std::vector<Param>& params)
{
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const auto& p : params)
        values.push_back(p ? p->c_str() : nullptr);
    // Without parameters, a script of several statements (the schema's steps) runs as one.
    PGresult* r = params.empty() ? PQexec(m_c, sql.c_str())
                                 : PQexecParams(m_c, sql.c_str(), static_cast<int>(values.size()), nullptr,
                                                values.data(), nullptr, nullptr, 0);
    const auto status = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        Error e = Failure(sql, r);
        PQclear(r);
        return e;
    }
    return Rows(r);
}

Result<void> Connection::Run(const std::string& sql, const std::vector<Param>& params)
{
    auto r = Exec(sql, params);
    if (!r)
        return r.Err();
    return Ok();
}

Result<bool> Connection::WaitNotify(int timeout_ms)
{
    auto take = [&] {
        bool any = false;
        while (PGnotify* n = PQnotifies(m_c)) {
            any = true;
            PQfreemem(n);
        }
        return any;
    };
    if (PQconsumeInput(m_c) == 0)
        return Error{ErrorKind::Offline, std::string("center: ") + PQerrorMessage(m_c)};
    if (take())
        return true;
    pollfd p{PQsocket(m_c), POLLIN, 0};
    if (p.fd < 0)
        return Error{ErrorKind::Offline, "center: the connection is closed"};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready <= 0)
        return false;
    if (PQconsumeInput(m_c) == 0)
        return Error{ErrorKind::Offline, std::string("center: ") + PQerrorMessage(m_c)};
    return take();
}

Tx::Tx(Connection& c, const char* begin) : m_c(c), m_begun(c.Run(begin)) {}

Tx::~Tx()
{
    if (!m_done && m_begun)
        (void)m_c.Run("ROLLBACK");
}

Result<void> Tx::Commit()
{
    if (!m_begun)
        return m_begun;
    m_done = true;
    return m_c.Run("COMMIT");
}

} // namespace civic::center::pg
