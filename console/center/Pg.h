// Internal to civicdesk_center: libpq in the few shapes the center needs —
// a connection, a statement with text parameters, its rows as text. Only
// this folder sees libpq (tests/layering).
#pragma once

#include <civic/Result.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

struct pg_conn;
struct pg_result;

namespace civic::center::pg {

// One statement's rows, every value as text (nullopt for NULL).
class Rows
{
public:
    explicit Rows(pg_result* r);
    int Count() const;
    std::optional<std::string> Get(int row, int column) const;
    std::string Text(int row, int column) const { return Get(row, column).value_or(""); }
    long long Int(int row, int column) const;
    int Affected() const; // INSERT/UPDATE/DELETE

private:
    std::shared_ptr<pg_result> m_r;
};

using Param = std::optional<std::string>;

class Connection
{
public:
    // conninfo: a libpq URL or key=value string. Errors: Offline when the
    // server cannot be reached, Denied for a refused sign-in, Invalid for a
    // URL libpq cannot read.
    // password: when not empty, instead of one in conninfo, PGPASSWORD or ~/.pgpass.
    static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo, const std::string& password = {},
                                                    int connect_timeout_s = 5);
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    Result<Rows> Exec(const std::string& sql, const std::vector<Param>& params = {});
    Result<void> Run(const std::string& sql, const std::vector<Param>& params = {});
    // Waits up to timeout_ms for a NOTIFY on a channel this connection
    // LISTENs to; true when one came (all pending ones are consumed).
    Result<bool> WaitNotify(int timeout_ms);
    bool Broken() const;
    std::string User() const;

private:
    explicit Connection(pg_conn* c) : m_c(c) {}
    Error Failure(const std::string& what, pg_result* r) const;
    pg_conn* m_c;
};

// A connection to the center at url, after the rule for the network
// (Conninfo, Center.h). In CenterSchema.cpp, beside that rule.
Result<std::unique_ptr<Connection>> OpenCenter(const std::string& url);

// A transaction: rolled back unless committed.
class Tx
{
public:
    explicit Tx(Connection& c, const char* begin = "BEGIN");
    ~Tx();
    Result<void> Begun() const { return m_begun; }
    Result<void> Commit();

private:
    Connection& m_c;
    Result<void> m_begun;
    bool m_done = false;
};

} // namespace civic::center::pg
