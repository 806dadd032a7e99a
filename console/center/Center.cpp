// A seat's side of the center: joining, rounds (push, then pull), waiting for
// other seats' commits, and what the seat knows of its link (Center.h).
#include <civic/center/Center.h>

#include "Apply.h"
#include "Pg.h"

#include <civic/contacts/Contacts.h>
#include <civic/contacts/ContactsSchema.h>

#include <chrono>

namespace civic::center {

namespace {

std::int64_t NowS()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// A PostgreSQL array literal of texts: {"a","b\"c"}.
std::string ArrayOf(const std::vector<std::string>& items)
{
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        out += '"';
        for (char c : items[i]) {
            if (c == '"' || c == '\\')
                out += '\\';
            out += c;
        }
        out += '"';
    }
    return out + "}";
}

struct Link
{
    std::string url, seat, cursor_xid;
    std::int64_t cursor_seq = 0;
};

Result<Link> ReadLink(store::Database& db)
{
    auto q = db.Prepare("SELECT url, seat, cursor_xid, cursor_seq FROM center_link WHERE id = 1");
    auto row = q.Step();
    if (!row)
        return row.Err();
    if (!row.Value())
        return Error{ErrorKind::NotFound, "this console is not joined to a center (civicdesk-cli center join URL)"};
    return Link{q.Text(0), q.Text(1), q.Text(2), q.Int(3)};
}

void NoteRound(store::Database& db, const std::string& error)
{
    auto q = db.Prepare("UPDATE center_link SET last_round_at = ?1, last_error = ?2 WHERE id = 1");
    (void)q.BindAll(NowS(), error).Run();
}

} // namespace

Result<Status> LocalStatus(store::Database& db)
{
    Status s;
    auto q = db.Prepare("SELECT url, seat, cursor_xid || '/' || cursor_seq, COALESCE(last_round_at, 0), "
                        "COALESCE(last_pull_at, 0), last_error, (SELECT count(*) FROM center_queue), "
                        "(SELECT count(*) FROM center_parked) FROM center_link WHERE id = 1");
    auto row = q.Step();
    if (!row)
        return row.Err();
    if (!row.Value()) {
        auto queued = db.Prepare("SELECT count(*) FROM center_queue");
        if (auto r = queued.Step(); r && r.Value())
            s.queued = queued.Int(0);
        return s;
    }
    s.joined = true;
    s.url = q.Text(0);
    s.seat = q.Text(1);
    s.cursor = q.Text(2);
    s.last_round_at = q.Int(3);
    s.last_pull_at = q.Int(4);
    s.last_error = q.Text(5);
    s.queued = q.Int(6);
    s.parked = q.Int(7);
    return s;
}

namespace {

// Who this seat signs in as, and the role the center grants them: by
// PostgreSQL's own group membership (a walk-in clerk and a call-taker share
// the agents' group; the agent table tells them apart), never by what the
// console says of itself. In the console's words (Settings: "walk-in-staff").
constexpr const char* kWhoSql = R"sql(
SELECT current_user::text,
       CASE WHEN pg_has_role(current_user, 'civicdesk_supervisor', 'MEMBER') THEN 'supervisor'
            WHEN pg_has_role(current_user, 'civicdesk_knowledge_manager', 'MEMBER') THEN 'knowledge-manager'
            WHEN pg_has_role(current_user, 'civicdesk_agent', 'MEMBER') THEN
                 COALESCE((SELECT 'walk-in-staff' FROM agent WHERE name = current_user AND role = 'walk-in'), 'call-taker')
            ELSE 'none' END)sql";

// Written where the console reads its settings (Settings::Load): while the
// store is joined, its agent and role are the center's.
Result<void> TakeRole(pg::Connection& center, store::Database& db)
{
    auto who = center.Exec(kWhoSql);
    if (!who)
        return who.Err();
    auto q = db.Prepare("INSERT INTO settings(key, value) VALUES('center_agent', ?1), ('center_role', ?2) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
    return q.BindAll(who->Text(0, 0), who->Text(0, 1)).Run();
}

} // namespace

Result<JoinReport> Join(store::Database& db, const std::string& url, const std::string& seat_name)
{
    if (auto link = ReadLink(db); link)
        return Error{ErrorKind::Conflict, "this console is already joined to " + link->url};
    auto c = pg::OpenCenter(url);
    if (!c)
        return c.Err();
    pg::Connection& center = *c.Value();
    auto version = center.Exec("SELECT COALESCE(max(version), 0) FROM civic_schema");
    if (!version)
        return Error{version.Err().kind, "center: no CivicDesk schema there (civicdesk-cli center init URL): " +
                                             version.Err().message};
    if (version->Int(0, 0) != kCenterVersion)
        return Error{ErrorKind::Invalid, "center: its schema is version " + version->Text(0, 0) + ", this console's " +
                                             std::to_string(kCenterVersion)};
    JoinReport report;
    {
        auto id = db.Prepare("SELECT lower(hex(randomblob(16)))");
        if (auto r = id.Step(); !r)
            return r.Err();
        report.seat = id.Text(0);
    }
    if (auto r = center.Run("INSERT INTO seat(id, name) VALUES ($1, $2)", {report.seat, seat_name}); !r)
        return r.Err();
    // The link and this store's history for upload, in one transaction: a
    // seat that joined has queued all of it, exactly once.
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    auto [bare, password] = SplitPassword(url);
    report.password = password;
    auto link = db.Prepare("INSERT INTO center_link(id, url, seat, joined_at) VALUES(1, ?1, ?2, ?3)");
    if (auto r = link.BindAll(bare, report.seat, NowS()).Run(); !r)
        return r.Err();
    auto queued = contacts::QueueHistoryForCenter(db);
    if (!queued)
        return queued.Err();
    report.uploaded = queued.Value();
    auto mark = db.Prepare("UPDATE center_link SET uploaded = ?1 WHERE id = 1");
    if (auto r = mark.Bind(1, report.uploaded).Run(); !r)
        return r.Err();
    if (auto r = TakeRole(center, db); !r)
        return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    return report;
}

struct Seat::Impl
{
    store::Database& db;
    Link link;
    std::string conninfo, password;
    std::unique_ptr<pg::Connection> center;
    std::unique_ptr<pg::Connection> listener;

    Result<pg::Connection*> Center()
    {
        if (center && center->Broken())
            center.reset();
        if (!center) {
            auto c = pg::Connection::Open(conninfo, password);
            if (!c)
                return c.Err();
            // Each sign-in asks again: a role granted or taken away at the
            // center holds here from the next connection on.
            if (auto r = TakeRole(*c.Value(), db); !r)
                return r.Err();
            center = std::move(c).Value();
        }
        return center.get();
    }

    Result<int> Push(int batch);
    Result<RoundReport> Pull(int batch);
};

Seat::Seat(std::unique_ptr<Impl> impl) : m(std::move(impl)) {}
Seat::~Seat() = default;

Result<std::unique_ptr<Seat>> Seat::Connect(store::Database& db, const std::string& password)
{
    auto link = ReadLink(db);
    if (!link)
        return link.Err();
    auto info = Conninfo(link->url);
    if (!info)
        return info.Err();
    auto impl = std::unique_ptr<Impl>(new Impl{db, link.Value(), info.Value(), password, nullptr, nullptr});
    return std::unique_ptr<Seat>(new Seat(std::move(impl)));
}

Result<int> Seat::Impl::Push(int batch)
{
    std::vector<std::string> uids, entities, entity_uids, ops, bodies, ats;
    std::int64_t last = 0;
    auto q = db.Prepare("SELECT seq, uid, entity, entity_uid, op, body, at FROM center_queue ORDER BY seq LIMIT ?1");
    if (auto r = q.Bind(1, batch).ForEach([&](store::Query& row) {
            last = row.Int(0);
            uids.push_back(row.Text(1));
            entities.push_back(row.Text(2));
            entity_uids.push_back(row.Text(3));
            ops.push_back(row.Text(4));
            bodies.push_back(row.Text(5));
            ats.push_back(std::to_string(row.Int(6)));
        });
        !r)
        return r.Err();
    if (uids.empty())
        return 0;
    auto c = Center();
    if (!c)
        return c.Err();
    pg::Connection& pgc = *c.Value();
    {
        pg::Tx tx(pgc);
        if (auto b = tx.Begun(); !b)
            return b.Err();
        // A change the center already has (sent before, the answer lost) is
        // left as it is: its uid is the key.
        auto ins = pgc.Run("INSERT INTO change(uid, seat, entity, entity_uid, op, body, at) "
                           "SELECT u, $7, e, eu, o, b::json, a::bigint FROM unnest($1::text[], $2::text[], "
                           "$3::text[], $4::text[], $5::text[], $6::text[]) AS t(u, e, eu, o, b, a) "
                           "ON CONFLICT (uid) DO NOTHING",
                           {ArrayOf(uids), ArrayOf(entities), ArrayOf(entity_uids), ArrayOf(ops), ArrayOf(bodies),
                            ArrayOf(ats), link.seat});
        if (!ins)
            return ins.Err();
        if (auto r = pgc.Run("UPDATE seat SET last_seen = now() WHERE id = $1", {link.seat}); !r)
            return r.Err();
        if (auto r = pgc.Run("SELECT pg_notify('civicdesk_change', $1)", {link.seat}); !r)
            return r.Err();
        if (auto r = tx.Commit(); !r)
            return r.Err(); // unknown outcome: sent again next round, kept once
    }
    auto forget = db.Prepare("DELETE FROM center_queue WHERE seq <= ?1");
    if (auto r = forget.Bind(1, last).Run(); !r)
        return r.Err();
    return static_cast<int>(uids.size());
}

Result<RoundReport> Seat::Impl::Pull(int batch)
{
    RoundReport report;
    auto c = Center();
    if (!c)
        return c.Err();
    pg::Connection& pgc = *c.Value();
    std::vector<detail::Change> changes;
    std::string last_xid = link.cursor_xid;
    std::int64_t last_seq = link.cursor_seq;
    {
        // One snapshot for both statements: the horizon and the rows below it.
        pg::Tx tx(pgc, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        if (auto b = tx.Begun(); !b)
            return b.Err();
        auto horizon = pgc.Exec("SELECT pg_snapshot_xmin(pg_current_snapshot())::text");
        if (!horizon)
            return horizon.Err();
        auto rows = pgc.Exec("SELECT xid::text, seq, uid, seat, entity, entity_uid, op, body::text, at, recorded_by "
                             "FROM change WHERE xid < $1::xid8 AND (xid, seq) > ($2::xid8, $3::bigint) "
                             "ORDER BY xid, seq LIMIT $4",
                             {horizon->Text(0, 0), link.cursor_xid, std::to_string(link.cursor_seq),
                              std::to_string(batch)});
        if (!rows)
            return rows.Err();
        if (auto r = tx.Commit(); !r)
            return r.Err();
        for (int i = 0; i < rows->Count(); ++i) {
            last_xid = rows->Text(i, 0);
            last_seq = rows->Int(i, 1);
            if (rows->Text(i, 3) == link.seat)
                continue; // this seat's own, already here
            detail::Change ch;
            ch.uid = rows->Text(i, 2);
            ch.seat = rows->Text(i, 3);
            ch.entity = rows->Text(i, 4);
            ch.entity_uid = rows->Text(i, 5);
            ch.op = rows->Text(i, 6);
            ch.body = rows->Text(i, 7);
            ch.at = rows->Int(i, 8);
            ch.agent = rows->Text(i, 9);
            changes.push_back(std::move(ch));
        }
        report.more = rows->Count() >= batch;
    }
    contacts::ContactStore contacts(db);
    store::Transaction tx(db);
    if (!tx.IsActive())
        return tx.Commit().Err();
    if (auto r = db.Exec("INSERT INTO center_applying VALUES(1)"); !r)
        return r.Err();
    auto park = [&](const detail::Change& ch) {
        auto q = db.Prepare("INSERT OR REPLACE INTO center_parked(uid, entity, entity_uid, op, body, at, seat) "
                            "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)");
        return q.BindAll(ch.uid, ch.entity, ch.entity_uid, ch.op, ch.body, ch.at, ch.seat).Run();
    };
    for (const auto& ch : changes) {
        auto applied = detail::ApplyChange(db, contacts, ch);
        if (!applied)
            return applied.Err();
        if (applied.Value() == detail::Applied::Parked) {
            if (auto r = park(ch); !r)
                return r.Err();
            ++report.parked;
            continue;
        }
        report.conflicts += applied.Value() == detail::Applied::Superseded;
        ++report.pulled;
    }
    // What waited for a row that may have come now: until nothing more applies.
    for (bool progress = true; progress;) {
        progress = false;
        std::vector<detail::Change> parked;
        auto q = db.Prepare("SELECT uid, entity, entity_uid, op, body, at, seat FROM center_parked ORDER BY at");
        if (auto r = q.ForEach([&](store::Query& row) {
                parked.push_back({row.Text(0), row.Text(6), row.Text(1), row.Text(2), row.Text(3), row.Text(4),
                                  row.Int(5), std::string()});
            });
            !r)
            return r.Err();
        for (const auto& ch : parked) {
            auto applied = detail::ApplyChange(db, contacts, ch);
            if (!applied)
                return applied.Err();
            if (applied.Value() == detail::Applied::Parked)
                continue;
            auto done = db.Prepare("DELETE FROM center_parked WHERE uid = ?1");
            if (auto r = done.Bind(1, ch.uid).Run(); !r)
                return r.Err();
            progress = true;
            report.parked -= report.parked > 0;
            ++report.pulled;
        }
    }
    auto cursor = db.Prepare("UPDATE center_link SET cursor_xid = ?1, cursor_seq = ?2, last_pull_at = ?3 WHERE id = 1");
    if (auto r = cursor.BindAll(last_xid, last_seq, NowS()).Run(); !r)
        return r.Err();
    if (auto r = db.Exec("DELETE FROM center_applying"); !r)
        return r.Err();
    if (auto r = tx.Commit(); !r)
        return r.Err();
    link.cursor_xid = last_xid;
    link.cursor_seq = last_seq;
    return report;
}

Result<int> Seat::Push(int batch)
{
    auto r = m->Push(batch);
    NoteRound(m->db, r ? std::string() : r.Err().message);
    return r;
}

Result<RoundReport> Seat::Pull(int batch)
{
    auto r = m->Pull(batch);
    NoteRound(m->db, r ? std::string() : r.Err().message);
    return r;
}

Result<std::int64_t> Seat::Queued()
{
    auto q = m->db.Prepare("SELECT count(*) FROM center_queue");
    auto row = q.Step();
    if (!row)
        return row.Err();
    return q.Int(0);
}

Result<RoundReport> Seat::Round(int batch)
{
    auto pushed = m->Push(batch);
    if (!pushed) {
        NoteRound(m->db, pushed.Err().message);
        return pushed.Err();
    }
    auto pulled = m->Pull(batch);
    if (!pulled) {
        NoteRound(m->db, pulled.Err().message);
        return pulled.Err();
    }
    pulled->pushed = pushed.Value();
    NoteRound(m->db, "");
    return pulled;
}

Result<bool> Seat::Wait(int timeout_ms)
{
    if (m->listener && m->listener->Broken())
        m->listener.reset();
    if (!m->listener) {
        // A connection of its own: LISTEN needs a session that stays (not
        // one behind PgBouncer's transaction pooling).
        auto c = pg::Connection::Open(m->conninfo, m->password);
        if (!c)
            return c.Err();
        if (auto r = c.Value()->Run("LISTEN civicdesk_change"); !r)
            return r.Err();
        m->listener = std::move(c).Value();
    }
    return m->listener->WaitNotify(timeout_ms);
}

Result<void> Seat::Measure(Status& s)
{
    auto c = m->Center();
    if (!c)
        return c.Err();
    auto rows = c.Value()->Exec("SELECT count(*), COALESCE(extract(epoch FROM now() - min(recorded_at)), 0) "
                                "FROM change WHERE (xid, seq) > ($1::xid8, $2::bigint) AND seat <> $3",
                                {m->link.cursor_xid, std::to_string(m->link.cursor_seq), m->link.seat});
    if (!rows)
        return rows.Err();
    s.behind = rows->Int(0, 0);
    s.lag_s = std::strtod(rows->Text(0, 1).c_str(), nullptr);
    return Ok();
}

} // namespace civic::center
