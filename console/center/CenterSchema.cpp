// The center's schema in PostgreSQL, its roles and what each may do; and the
// rule for reaching a center over the network.
#include <civic/center/Center.h>

#include "Pg.h"

#include <civic/Text.h>

#include <algorithm>
#include <array>
#include <string_view>

namespace civic::center {

namespace {

// Append-only, like the local store's steps: a released step is never edited.
struct Step
{
    int version;
    const char* sql;
};

// Roles are the cluster's, not one database's: the names carry the product's.
// civicdesk_agent may record and read; a supervisor adds agents (through
// civic_add_agent, which runs with its owner's rights and checks the role);
// knowledge managers are agents with the articles' rights to come.
constexpr std::array<Step, 2> kSteps{{
    {1, R"sql(
DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'civicdesk_agent') THEN
        CREATE ROLE civicdesk_agent NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'civicdesk_knowledge_manager') THEN
        CREATE ROLE civicdesk_knowledge_manager NOLOGIN IN ROLE civicdesk_agent;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'civicdesk_supervisor') THEN
        CREATE ROLE civicdesk_supervisor NOLOGIN IN ROLE civicdesk_agent;
    END IF;
END $$;

-- The seats that joined: a console's data folder each.
CREATE TABLE seat (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    joined_by  text NOT NULL DEFAULT current_user,
    joined_at  timestamptz NOT NULL DEFAULT now(),
    last_seen  timestamptz
);

-- Every change any seat recorded, in the order of the transactions that
-- wrote them (xid), then of their rows (seq). uid: the seat's id for the
-- change; sending it again changes nothing. recorded_by: the signed-in
-- agent, set by the database, not by the seat.
CREATE TABLE change (
    seq         bigserial NOT NULL,
    xid         xid8 NOT NULL DEFAULT pg_current_xact_id(),
    uid         text PRIMARY KEY,
    seat        text NOT NULL REFERENCES seat(id),
    entity      text NOT NULL,
    entity_uid  text NOT NULL,
    op          text NOT NULL,
    body        jsonb NOT NULL,
    at          bigint NOT NULL,
    recorded_by text NOT NULL DEFAULT current_user,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_feed ON change (xid, seq);
CREATE INDEX change_entity ON change (entity, entity_uid);

-- The center's agents and their roles, as granted.
CREATE TABLE agent (
    name     text PRIMARY KEY,
    role     text NOT NULL CHECK (role IN ('call-taker', 'walk-in', 'knowledge-manager', 'supervisor')),
    added_by text NOT NULL DEFAULT current_user,
    added_at timestamptz NOT NULL DEFAULT now()
);

REVOKE ALL ON seat, change, agent FROM PUBLIC;
GRANT SELECT, INSERT ON seat TO civicdesk_agent;
GRANT UPDATE (last_seen) ON seat TO civicdesk_agent;
GRANT SELECT ON change TO civicdesk_agent;
GRANT INSERT (uid, seat, entity, entity_uid, op, body, at) ON change TO civicdesk_agent;
GRANT USAGE ON SEQUENCE change_seq_seq TO civicdesk_agent;
GRANT SELECT ON agent TO civicdesk_agent;
GRANT SELECT ON civic_schema TO civicdesk_agent;

-- Adding an agent: a login role with the role's group, and its row. Runs
-- with the rights of the center's owner; only supervisors may call it.
CREATE FUNCTION civic_add_agent(agent_name text, agent_role text, agent_password text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    grp text := CASE agent_role WHEN 'supervisor' THEN 'civicdesk_supervisor'
                                WHEN 'knowledge-manager' THEN 'civicdesk_knowledge_manager'
                                WHEN 'call-taker' THEN 'civicdesk_agent'
                                WHEN 'walk-in' THEN 'civicdesk_agent' END;
BEGIN
    IF grp IS NULL THEN
        RAISE EXCEPTION 'no such role: %', agent_role USING ERRCODE = '22023';
    END IF;
    IF agent_name !~ '^[A-Za-z0-9._@-]{1,63}$' THEN
        RAISE EXCEPTION 'an agent name is letters, digits and . _ @ - (at most 63): %', agent_name
            USING ERRCODE = '22023';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = agent_name) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', agent_name, agent_password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', agent_name, agent_password);
    END IF;
    EXECUTE format('GRANT %I TO %I', grp, agent_name);
    INSERT INTO agent(name, role) VALUES (agent_name, agent_role)
        ON CONFLICT (name) DO UPDATE SET role = excluded.role, added_by = current_user, added_at = now();
END $fn$;
REVOKE ALL ON FUNCTION civic_add_agent(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION civic_add_agent(text, text, text) TO civicdesk_supervisor;
)sql"},
    {2, R"sql(
-- A role given again replaces the one before: a supervisor made a call-taker
-- is a call-taker (step 1 only added the new group). And a supervisor may
-- not touch a login that is no agent (step 1 let one reset the password of
-- the center's owner).
CREATE OR REPLACE FUNCTION civic_add_agent(agent_name text, agent_role text, agent_password text)
RETURNS void LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
DECLARE
    grp text := CASE agent_role WHEN 'supervisor' THEN 'civicdesk_supervisor'
                                WHEN 'knowledge-manager' THEN 'civicdesk_knowledge_manager'
                                WHEN 'call-taker' THEN 'civicdesk_agent'
                                WHEN 'walk-in' THEN 'civicdesk_agent' END;
BEGIN
    IF grp IS NULL THEN
        RAISE EXCEPTION 'no such role: %', agent_role USING ERRCODE = '22023';
    END IF;
    IF agent_name !~ '^[A-Za-z0-9._@-]{1,63}$' THEN
        RAISE EXCEPTION 'an agent name is letters, digits and . _ @ - (at most 63): %', agent_name
            USING ERRCODE = '22023';
    END IF;
    -- A login that is no CivicDesk agent (the center's owner, an
    -- administrator, another application's) is not a supervisor's to change.
    -- Roles are the cluster's: an agent of another center on it may be added.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = agent_name
               AND (rolsuper OR rolcreaterole OR NOT pg_has_role(oid, 'civicdesk_agent', 'MEMBER'))) THEN
        RAISE EXCEPTION 'not an agent: %', agent_name USING ERRCODE = '42501';
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = agent_name) THEN
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', agent_name, agent_password);
    ELSE
        EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', agent_name, agent_password);
    END IF;
    -- The new role only: an agent given a lower role keeps no higher one.
    EXECUTE format('REVOKE civicdesk_supervisor, civicdesk_knowledge_manager, civicdesk_agent FROM %I', agent_name);
    EXECUTE format('GRANT %I TO %I', grp, agent_name);
    INSERT INTO agent(name, role) VALUES (agent_name, agent_role)
        ON CONFLICT (name) DO UPDATE SET role = excluded.role, added_by = current_user, added_at = now();
END $fn$;
)sql"},
}};

bool IsLoopback(std::string host)
{
    host = Lower(Trim(host));
    if (host.empty() || host.front() == '/' || host.front() == '@')
        return true; // a Unix socket: this machine
    if (host.front() == '[' && host.back() == ']')
        host = host.substr(1, host.size() - 2);
    return host == "localhost" || host == "::1" || host.starts_with("127.");
}

// Value of a query parameter of a URL, or of a key=value connection string.
std::string ParamOf(const std::string& s, const std::string& key)
{
    const bool url = s.find("://") != std::string::npos;
    if (url) {
        const auto q = s.find('?');
        if (q == std::string::npos)
            return {};
        for (size_t b = q + 1, e; b < s.size(); b = e + 1) {
            e = s.find('&', b);
            if (e == std::string::npos)
                e = s.size();
            const std::string kv = s.substr(b, e - b);
            if (kv.rfind(key + "=", 0) == 0)
                return kv.substr(key.size() + 1);
        }
        return {};
    }
    for (size_t b = 0; b < s.size();) {
        while (b < s.size() && s[b] == ' ')
            ++b;
        size_t e = s.find(' ', b);
        if (e == std::string::npos)
            e = s.size();
        const std::string kv = s.substr(b, e - b);
        if (kv.rfind(key + "=", 0) == 0)
            return kv.substr(key.size() + 1);
        b = e;
    }
    return {};
}

} // namespace

std::pair<std::string, std::string> SplitPassword(const std::string& url)
{
    const auto scheme = url.find("://");
    if (scheme == std::string::npos)
        return {url, {}};
    const size_t start = scheme + 3;
    const size_t end = url.find_first_of("/?", start);
    const std::string authority = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
    const auto at = authority.rfind('@');
    if (at == std::string::npos)
        return {url, {}};
    const auto colon = authority.find(':');
    if (colon == std::string::npos || colon > at)
        return {url, {}};
    const std::string password = authority.substr(colon + 1, at - colon - 1);
    std::string bare = url;
    bare.erase(start + colon, at - colon);
    return {bare, password};
}

Result<std::string> Conninfo(const std::string& raw)
{
    const std::string url = Trim(raw);
    if (url.empty())
        return Error{ErrorKind::Invalid, "center: no address given (postgresql://agent@host/db)"};
    std::vector<std::string> hosts;
    if (const auto scheme = url.find("://"); scheme != std::string::npos) {
        const std::string s = url.substr(0, scheme);
        if (s != "postgresql" && s != "postgres")
            return Error{ErrorKind::Invalid, "center: " + url + " is not a postgresql:// address"};
        std::string authority = url.substr(scheme + 3);
        authority = authority.substr(0, authority.find_first_of("/?"));
        if (const auto at = authority.rfind('@'); at != std::string::npos)
            authority = authority.substr(at + 1);
        // host[:port][,host[:port]...]
        for (size_t b = 0, e; b <= authority.size(); b = e + 1) {
            e = authority.find(',', b);
            if (e == std::string::npos)
                e = authority.size();
            std::string h = authority.substr(b, e - b);
            if (!h.empty() && h.front() == '[')
                h = h.substr(0, h.find(']') + 1);
            else
                h = h.substr(0, h.find(':'));
            hosts.push_back(h);
        }
    }
    if (const std::string h = ParamOf(url, "host"); !h.empty())
        hosts = {h};
    if (const std::string h = ParamOf(url, "hostaddr"); !h.empty())
        hosts = {h};
    const bool local = std::all_of(hosts.begin(), hosts.end(), [](const std::string& h) { return IsLoopback(h); });
    if (local)
        return url;
    const std::string mode = ParamOf(url, "sslmode");
    if (!mode.empty() && mode != "verify-full")
        return Error{ErrorKind::Invalid, "center: sslmode=" + mode +
                                             " is refused for a center on another machine: only verify-full "
                                             "checks that the server is the center (its certificate and name)"};
    if (!mode.empty())
        return url;
    if (url.find("://") != std::string::npos)
        return url + (url.find('?') == std::string::npos ? "?" : "&") + "sslmode=verify-full";
    return url + " sslmode=verify-full";
}

Result<std::unique_ptr<pg::Connection>> pg::OpenCenter(const std::string& url)
{
    auto info = Conninfo(url);
    if (!info)
        return info.Err();
    return Connection::Open(info.Value());
}

Result<int> Init(const std::string& url)
{
    auto c = pg::OpenCenter(url);
    if (!c)
        return c.Err();
    pg::Connection& db = *c.Value();
    pg::Tx tx(db);
    if (auto b = tx.Begun(); !b)
        return b.Err();
    // Two inits at once: one waits for the other.
    if (auto r = db.Run("SELECT pg_advisory_xact_lock(3110311)"); !r)
        return r.Err();
    if (auto r = db.Run("CREATE TABLE IF NOT EXISTS civic_schema (version int PRIMARY KEY, "
                        "applied_at timestamptz NOT NULL DEFAULT now())");
        !r)
        return r.Err();
    auto v = db.Exec("SELECT COALESCE(max(version), 0) FROM civic_schema");
    if (!v)
        return v.Err();
    const int have = static_cast<int>(v->Int(0, 0));
    if (have > kCenterVersion)
        return Error{ErrorKind::Invalid, "center: its schema is version " + std::to_string(have) +
                                             ", newer than this console knows (" + std::to_string(kCenterVersion) +
                                             "); update the console"};
    for (const auto& step : kSteps) {
        if (step.version <= have)
            continue;
        if (auto r = db.Run(step.sql); !r)
            return Error{r.Err().kind, "center: step " + std::to_string(step.version) + ": " + r.Err().message};
        if (auto r = db.Run("INSERT INTO civic_schema(version) VALUES ($1)", {std::to_string(step.version)}); !r)
            return r.Err();
    }
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return kCenterVersion;
}

Result<void> AddAgent(const std::string& url, const std::string& name, const std::string& role,
                      const std::string& password)
{
    if (std::find(std::begin(kRoles), std::end(kRoles), role) == std::end(kRoles))
        return Error{ErrorKind::Invalid, "no such role: " + role +
                                             " (call-taker, walk-in, knowledge-manager, supervisor)"};
    if (password.size() < 8)
        return Error{ErrorKind::Invalid, "a password of at least 8 characters is needed"};
    auto c = pg::OpenCenter(url);
    if (!c)
        return c.Err();
    auto r = c.Value()->Run("SELECT civic_add_agent($1, $2, $3)", {name, role, password});
    if (!r && r.Err().kind == ErrorKind::Denied)
        return Error{ErrorKind::Denied, "center: only a supervisor may add agents (" + c.Value()->User() +
                                            " is not one)"};
    return r;
}

} // namespace civic::center
