// civicdesk-cli center …: setting up a center (init, agents), joining this
// console's store to it, a round now, and where the link stands.
#include "Cli.h"

#include <civic/center/Center.h>
#include <civic/core/ConsoleStore.h>
#include <civic/core/Secrets.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <iostream>
#include <ostream>
#include <thread>

namespace civic::cli {
namespace {

std::string When(std::int64_t at)
{
    if (at == 0)
        return "never";
    char buf[64];
    const std::time_t t = static_cast<std::time_t>(at);
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", std::localtime(&t));
    return buf;
}

// The agent's center password, kept by the secret store under the center's
// address (CIVICDESK_CENTER_PASSWORD first; none: PGPASSWORD or ~/.pgpass).
std::string CenterPassword(Context& ctx, const std::string& url)
{
    return SecretFor(ctx.paths, "center:" + url, "CIVICDESK_CENTER_PASSWORD");
}

std::unique_ptr<center::Seat> ConnectSeat(Context& ctx, store::Database& db)
{
    auto s = center::LocalStatus(db);
    if (!s) {
        (void)Failed(ctx, s.Err());
        return nullptr;
    }
    auto seat = center::Seat::Connect(db, s->joined ? CenterPassword(ctx, s->url) : std::string());
    if (!seat) {
        (void)Failed(ctx, seat.Err());
        return nullptr;
    }
    return std::move(seat).Value();
}

int Init(Context& ctx, std::vector<std::string>& args)
{
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli center init URL\n";
        return kUsage;
    }
    auto v = center::Init(args[0]);
    if (!v)
        return Failed(ctx, v.Err());
    ctx.out << "center ready: schema version " << v.Value() << "\n";
    return kOk;
}

// The password: --password-file F (its first line), else one line on stdin.
std::optional<std::string> Password(Context& ctx, std::vector<std::string>& args)
{
    std::string line;
    if (auto file = TakeOption(args, "--password-file")) {
        std::ifstream in(*file);
        if (!in || !std::getline(in, line)) {
            ctx.err << "error: cannot read a password from " << *file << "\n";
            return std::nullopt;
        }
    } else {
        if (::isatty(0))
            ctx.err << "password for the new agent: " << std::flush;
        if (!std::getline(std::cin, line)) {
            ctx.err << "error: no password given (one line on standard input, or --password-file FILE)\n";
            return std::nullopt;
        }
    }
    return line;
}

int AgentAdd(Context& ctx, std::vector<std::string>& args)
{
    const auto role = TakeOption(args, "--role");
    const auto url = TakeOption(args, "--center");
    auto password = Password(ctx, args);
    if (!password)
        return kFailed;
    if (args.size() != 1 || !role) {
        ctx.err << "usage: civicdesk-cli center agent add NAME --role ROLE [--center URL] [--password-file F]\n";
        return kUsage;
    }
    std::string where;
    if (url) {
        where = *url;
    } else {
        auto db = OpenConsoleDb(ctx);
        if (!db)
            return kFailed;
        auto s = center::LocalStatus(*db);
        if (!s)
            return Failed(ctx, s.Err());
        if (!s->joined) {
            ctx.err << "error: this console is not joined to a center; give --center URL\n";
            return kFailed;
        }
        where = s->url;
    }
    if (auto r = center::AddAgent(where, args[0], *role, *password); !r)
        return Failed(ctx, r.Err());
    ctx.out << "agent " << args[0] << " added as " << *role << "\n";
    return kOk;
}

int JoinCenter(Context& ctx, std::vector<std::string>& args)
{
    auto name = TakeOption(args, "--name");
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli center join URL [--name SEAT]\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    auto r = center::Join(*db, args[0], name.value_or(host));
    if (!r)
        return Failed(ctx, r.Err());
    if (!r->password.empty()) {
        // Kept by the secret store, not in console.db.
        const std::string bare = center::SplitPassword(args[0]).first;
        if (auto saved = SaveApiKey(ctx.paths, "center:" + bare, r->password); !saved)
            ctx.err << "warning: the password could not be kept (" << saved.Err().message
                    << "); give it as CIVICDESK_CENTER_PASSWORD or in ~/.pgpass\n";
    }
    ctx.out << "joined as seat " << r->seat << "; " << r->uploaded
            << " records of this console queued for the center (sent by the next round)\n";
    return kOk;
}

int Sync(Context& ctx, std::vector<std::string>& args)
{
    auto follow = TakeOption(args, "--follow");
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli center sync [--follow SECONDS]\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    auto seat = ConnectSeat(ctx, *db);
    if (!seat)
        return kFailed;
    const double seconds = follow ? std::strtod(follow->c_str(), nullptr) : 0;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(static_cast<long>(seconds * 1000));
    center::RoundReport total;
    for (;;) {
        auto r = seat->Round();
        if (!r)
            return Failed(ctx, r.Err());
        total.pushed += r->pushed;
        total.pulled += r->pulled;
        total.conflicts += r->conflicts;
        total.parked = r->parked;
        if (r->more)
            continue;
        if (std::chrono::steady_clock::now() >= until)
            break;
        // Until another seat commits, or the time is up.
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        if (auto w = seat->Wait(static_cast<int>(std::min<long>(left.count(), 1000))); !w)
            return Failed(ctx, w.Err());
    }
    ctx.out << "sent " << total.pushed << ", received " << total.pulled;
    if (total.conflicts)
        ctx.out << " (" << total.conflicts << " with an older edit of a contact set aside: audit list)";
    if (total.parked)
        ctx.out << "; " << total.parked << " waiting for records not received yet";
    ctx.out << "\n";
    return kOk;
}

int StatusCmd(Context& ctx, std::vector<std::string>& args)
{
    const bool as_json = TakeFlag(args, "--json");
    if (!args.empty()) {
        ctx.err << "usage: civicdesk-cli center status [--json]\n";
        return kUsage;
    }
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return kFailed;
    auto s = center::LocalStatus(*db);
    if (!s)
        return Failed(ctx, s.Err());
    std::string reach;
    if (s->joined) {
        if (auto seat = center::Seat::Connect(*db, CenterPassword(ctx, s->url)); seat) {
            if (auto m = seat.Value()->Measure(s.Value()); !m)
                reach = m.Err().message;
        }
    }
    if (as_json) {
        nlohmann::json j{{"joined", s->joined},      {"center", s->url},          {"seat", s->seat},
                         {"queued", s->queued},      {"parked", s->parked},       {"cursor", s->cursor},
                         {"last_round_at", s->last_round_at}, {"last_pull_at", s->last_pull_at},
                         {"last_error", s->last_error}, {"behind", s->behind},    {"lag_s", s->lag_s},
                         {"unreachable", reach}};
        ctx.out << j.dump(2) << "\n";
        return kOk;
    }
    if (!s->joined) {
        ctx.out << "not joined to a center (this console works on its own store)\n";
        return kOk;
    }
    ctx.out << "center:      " << s->url << "\n"
            << "seat:        " << s->seat << "\n"
            << "queued:      " << s->queued << " changes recorded here, not yet at the center\n"
            << "cursor:      " << s->cursor << "\n"
            << "last round:  " << When(s->last_round_at) << (s->last_error.empty() ? "" : " — " + s->last_error)
            << "\n"
            << "last pulled: " << When(s->last_pull_at) << "\n";
    if (s->parked)
        ctx.out << "waiting:     " << s->parked << " changes naming records not received yet\n";
    if (!reach.empty())
        ctx.out << "center now:  unreachable (" << reach << ")\n";
    else if (s->behind >= 0)
        ctx.out << "behind:      " << s->behind << " changes of other seats"
                << (s->behind ? ", the oldest " + std::to_string(static_cast<long>(s->lag_s)) + " s old" : "") << "\n";
    return kOk;
}

} // namespace

void RegisterCenterCommands()
{
    auto& r = Registry();
    r.push_back({{"center", "init"}, "URL", "create or update a center's schema and roles in PostgreSQL", Init});
    r.push_back({{"center", "join"}, "URL [--name SEAT]",
                 "join this console to a center: its history is uploaded once, then the center's comes", JoinCenter});
    r.push_back({{"center", "sync"}, "[--follow SECONDS]",
                 "one round now (send what is queued, apply other seats' changes); --follow keeps at it", Sync});
    r.push_back({{"center", "status"}, "[--json]", "the link: queued changes, cursor, last round, lag", StatusCmd});
    r.push_back({{"center", "agent", "add"}, "NAME --role ROLE [--center URL] [--password-file F]",
                 "a center agent (call-taker, walk-in, knowledge-manager, supervisor); supervisors only", AgentAdd});
}

} // namespace civic::cli
