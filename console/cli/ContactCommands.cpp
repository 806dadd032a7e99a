// civicdesk-cli contacts … and timeline: contacts from scripts — bootstrap
// from a CRM's export, find, merge and unmerge, and a contact's timeline.
#include "Cli.h"

#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>

#include <nlohmann/json.hpp>

#include <ctime>
#include <ostream>

namespace civic::cli {
namespace {

struct Opened
{
    std::unique_ptr<store::Database> db;
    std::unique_ptr<contacts::ContactStore> contacts;
};

std::optional<Opened> Open(Context& ctx)
{
    auto db = OpenConsoleDb(ctx);
    if (!db)
        return std::nullopt;
    const auto settings = LoadSettings(ctx).value_or(Settings{});
    Opened o;
    o.db = std::move(db);
    o.contacts = std::make_unique<contacts::ContactStore>(*o.db, settings.phone_region);
    return o;
}

// "2026-11-30" as the local midnight that starts it; nullopt for anything else.
std::optional<std::int64_t> LocalDay(const std::string& text)
{
    std::tm tm{};
    const char* end = strptime(text.c_str(), "%Y-%m-%d", &tm);
    if (!end || *end)
        return std::nullopt;
    tm.tm_isdst = -1;
    return static_cast<std::int64_t>(std::mktime(&tm));
}

std::optional<int> Limit(Context& ctx, std::vector<std::string>& args, int fallback)
{
    auto v = TakeOption(args, "--limit");
    if (!v)
        return fallback;
    char* end = nullptr;
    const long n = std::strtol(v->c_str(), &end, 10);
    if (!end || *end || n < 1 || n > 10000) {
        ctx.err << "--limit takes a number from 1 to 10000\n";
        return std::nullopt;
    }
    return static_cast<int>(n);
}

std::string Time(std::int64_t at)
{
    const std::time_t t = static_cast<std::time_t>(at);
    std::tm tm{};
    localtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M", &tm);
    return buf;
}

// A contact named on the command line: its id, or anything Find() takes
// (a phone number, an e-mail address, a name) when exactly one matches.
std::optional<std::int64_t> Resolve(Context& ctx, contacts::ContactStore& store, const std::string& what)
{
    char* end = nullptr;
    const long long n = std::strtoll(what.c_str(), &end, 10);
    if (end && !*end && n > 0 && what.size() < 7) {
        if (store.Get(n))
            return static_cast<std::int64_t>(n);
        ctx.err << "no contact " << what << "\n";
        return std::nullopt;
    }
    auto found = store.Find(what, 10);
    if (!found) {
        ctx.err << "error: " << found.Err().message << "\n";
        return std::nullopt;
    }
    if (found->size() == 1)
        return found->front().id;
    if (found->empty())
        ctx.err << "no contact matches " << Quoted(what) << "\n";
    else {
        ctx.err << "\"" << what << "\" matches " << found->size() << " contacts; name one by id:\n";
        for (const auto& f : found.Value())
            ctx.err << "  " << f.id << "  " << f.name << "\n";
    }
    return std::nullopt;
}

int Import(Context& ctx, std::vector<std::string>& args)
{
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli contacts import FILE.csv\n";
        return kUsage;
    }
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    auto r = contacts::ImportContactsCsv(*o->contacts, *o->db, args[0]);
    if (!r) {
        ctx.err << "error: " << r.Err().message << "\nnothing was imported\n";
        return kFailed;
    }
    ctx.out << "rows: " << r->rows << "\nnew contacts: " << r->created << "\nmatched to known contacts: " << r->matched
            << "\nsharing a number or e-mail with another person (kept apart): " << r->shared
            << "\nliaisons linked: " << r->linked << "\n";
    return kOk;
}

int Find(Context& ctx, std::vector<std::string>& args)
{
    const auto limit = Limit(ctx, args, 20);
    const bool json = TakeFlag(args, "--json");
    if (!limit || args.size() != 1) {
        ctx.err << "usage: civicdesk-cli contacts find QUERY [--limit N] [--json]\n";
        return kUsage;
    }
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    auto found = o->contacts->Find(args[0], *limit);
    if (!found)
        return Failed(ctx, found.Err());
    if (json) {
        auto arr = nlohmann::json::array();
        for (const auto& f : found.Value()) {
            auto c = o->contacts->Get(f.id);
            arr.push_back({{"id", f.id},
                           {"kind", contacts::ToString(f.kind)},
                           {"name", f.name},
                           {"matched", f.matched},
                           {"typo_corrected", f.fuzzy},
                           {"phone", c ? c->Phone() : ""}});
        }
        ctx.out << arr.dump(2) << "\n";
        return kOk;
    }
    if (found->empty())
        ctx.out << "no contact matches " << Quoted(args[0]) << "\n";
    for (const auto& f : found.Value()) {
        auto c = o->contacts->Get(f.id);
        ctx.out << f.id << "  " << (f.name.empty() ? "(no name)" : f.name);
        if (c && !c->Phone().empty())
            ctx.out << "  " << c->Phone();
        if (!f.matched.empty())
            ctx.out << "  [" << f.matched << "]";
        ctx.out << "\n";
    }
    return kOk;
}

int Show(Context& ctx, std::vector<std::string>& args)
{
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli contacts show CONTACT\n";
        return kUsage;
    }
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    auto id = Resolve(ctx, *o->contacts, args[0]);
    if (!id)
        return kFailed;
    auto c = o->contacts->Get(*id).Value();
    ctx.out << c.id << "  " << c.name << " (" << contacts::ToString(c.kind) << ")\n";
    if (!c.language.empty())
        ctx.out << "language: " << c.language << "\n";
    if (!c.needs.empty())
        ctx.out << "needs: " << c.needs << "\n";
    for (const auto& i : c.identifiers)
        ctx.out << contacts::ToString(i.kind) << ": " << i.display << (i.label.empty() ? "" : " (" + i.label + ")")
                << (i.notify ? "  [notify]" : "") << "\n";
    for (const auto& m : c.memberships)
        ctx.out << m.role << ": " << (c.kind == contacts::ContactKind::Organization ? m.person_name : m.organization_name)
                << "\n";
    for (auto m : c.merged)
        ctx.out << "merged in: contact " << m << "\n";
    return kOk;
}

int Duplicates(Context& ctx, std::vector<std::string>& args)
{
    const auto limit = Limit(ctx, args, 50);
    if (!limit || !args.empty()) {
        ctx.err << "usage: civicdesk-cli contacts duplicates [--limit N]\n";
        return kUsage;
    }
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    auto d = o->contacts->Duplicates(*limit);
    if (!d)
        return Failed(ctx, d.Err());
    if (d->empty())
        ctx.out << "no likely duplicates\n";
    for (const auto& x : d.Value())
        ctx.out << x.a << " " << x.a_name << "  <->  " << x.b << " " << x.b_name << "  (" << x.reason << ")\n";
    return kOk;
}

// The two contacts args[0] and args[1] name; nullopt (said why) when either is unknown.
std::optional<std::pair<std::int64_t, std::int64_t>> BothContacts(Context& ctx, Opened& o,
                                                                  const std::vector<std::string>& args)
{
    auto a = Resolve(ctx, *o.contacts, args[0]);
    auto b = a ? Resolve(ctx, *o.contacts, args[1]) : std::nullopt;
    if (!a || !b)
        return std::nullopt;
    return std::make_pair(*a, *b);
}

int Merge(Context& ctx, std::vector<std::string>& args)
{
    const std::string agent = AgentName(ctx, args);
    if (args.size() != 2) {
        ctx.err << "usage: civicdesk-cli contacts merge KEEP MERGE [--as NAME]\n";
        return kUsage;
    }
    auto o = Open(ctx);
    auto pair = o ? BothContacts(ctx, *o, args) : std::nullopt;
    if (!pair)
        return kFailed;
    const auto [keep, merge] = *pair;
    if (auto r = o->contacts->Merge(agent, keep, merge); !r)
        return Failed(ctx, r.Err());
    ctx.out << "contact " << merge << " now shows as part of " << keep << " (undo: contacts unmerge " << merge
            << ")\n";
    return kOk;
}

int Unmerge(Context& ctx, std::vector<std::string>& args)
{
    const std::string agent = AgentName(ctx, args);
    if (args.size() != 1) {
        ctx.err << "usage: civicdesk-cli contacts unmerge CONTACT-ID [--as NAME]\n";
        return kUsage;
    }
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    char* end = nullptr;
    const long long id = std::strtoll(args[0].c_str(), &end, 10);
    if (!end || *end) {
        ctx.err << "contacts unmerge takes the merged contact's id\n";
        return kUsage;
    }
    if (auto r = o->contacts->Unmerge(agent, id); !r)
        return Failed(ctx, r.Err());
    ctx.out << "contact " << id << " stands on its own again\n";
    return kOk;
}

int Distinct(Context& ctx, std::vector<std::string>& args)
{
    const std::string agent = AgentName(ctx, args);
    if (args.size() != 2) {
        ctx.err << "usage: civicdesk-cli contacts distinct CONTACT CONTACT [--as NAME]\n";
        return kUsage;
    }
    auto o = Open(ctx);
    auto pair = o ? BothContacts(ctx, *o, args) : std::nullopt;
    if (!pair)
        return kFailed;
    const auto [a, b] = *pair;
    if (auto r = o->contacts->MarkDistinct(agent, a, b); !r)
        return Failed(ctx, r.Err());
    ctx.out << "contacts " << a << " and " << b << " are different people: no longer proposed as duplicates\n";
    return kOk;
}

int AuditList(Context& ctx, std::vector<std::string>& args)
{
    const auto limit = Limit(ctx, args, 200);
    const bool json = TakeFlag(args, "--json");
    const auto contact = TakeOption(args, "--contact");
    AuditFilter filter;
    if (auto d = TakeOption(args, "--since")) {
        const auto day = LocalDay(*d);
        if (!day) {
            ctx.err << "audit list: --since takes a date as YYYY-MM-DD\n";
            return kUsage;
        }
        filter.since = *day;
    }
    if (!limit || !args.empty()) {
        ctx.err << "usage: civicdesk-cli audit list [--contact CONTACT] [--since YYYY-MM-DD] [--limit N] [--json]\n";
        return kUsage;
    }
    filter.limit = *limit;
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    if (contact) {
        auto id = Resolve(ctx, *o->contacts, *contact);
        if (!id)
            return kFailed;
        filter.contact = *id;
    }
    auto entries = ListAudit(*o->db, filter);
    if (!entries)
        return Failed(ctx, entries.Err());
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& e : entries.Value())
            out.push_back({{"at", e.at}, {"agent", e.agent}, {"action", e.action}, {"subject", e.subject},
                           {"detail", e.detail}});
        ctx.out << out.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
        return kOk;
    }
    for (const auto& e : entries.Value()) {
        const std::time_t t = static_cast<std::time_t>(e.at);
        char when[32];
        std::strftime(when, sizeof when, "%Y-%m-%d %H:%M", std::localtime(&t));
        ctx.out << when << "  " << e.agent << "  " << e.action << "  " << e.detail << "\n";
    }
    ctx.out << entries->size() << (entries->size() == 1 ? " entry\n" : " entries\n");
    return kOk;
}

int Timeline(Context& ctx, std::vector<std::string>& args)
{
    const auto limit = Limit(ctx, args, 50);
    const bool json = TakeFlag(args, "--json");
    contacts::TimelineFilter filter;
    if (auto ch = TakeOption(args, "--channel")) {
        size_t start = 0;
        while (start <= ch->size()) {
            const auto comma = ch->find(',', start);
            const std::string one = ch->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            auto c = contacts::ChannelFromString(one);
            if (!c) {
                ctx.err << "timeline: unknown channel '" << one
                        << "' (phone-in, phone-out, walk-in, web, mobile-app, email, social, mail)\n";
                return kUsage;
            }
            filter.channels.insert(*c);
            if (comma == std::string::npos)
                break;
            start = comma + 1;
        }
    }
    for (const char* name : {"--from", "--to"}) {
        if (auto d = TakeOption(args, name)) {
            const auto at = LocalDay(*d);
            if (!at) {
                ctx.err << "timeline: " << name << " takes a date as YYYY-MM-DD\n";
                return kUsage;
            }
            (std::string(name) == "--from" ? filter.from : filter.to) = std::string(name) == "--to" ? *at + 86400 : *at;
        }
    }
    filter.open_requests_only = TakeFlag(args, "--open");
    if (auto t = TakeOption(args, "--text"))
        filter.text = *t;
    if (!limit || args.size() != 1) {
        ctx.err << "usage: civicdesk-cli timeline CONTACT [--channel a,b] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--open] "
                   "[--text T] [--limit N] [--json]\n";
        return kUsage;
    }
    auto o = Open(ctx);
    if (!o)
        return kFailed;
    auto id = Resolve(ctx, *o->contacts, args[0]);
    if (!id)
        return kFailed;
    std::vector<contacts::TimelineEntry> entries;
    std::optional<contacts::TimelineCursor> cursor;
    do {
        auto page = o->contacts->Timeline(*id, filter, cursor, std::min(*limit - static_cast<int>(entries.size()), 200));
        if (!page)
            return Failed(ctx, page.Err());
        for (auto& e : page->entries)
            entries.push_back(std::move(e));
        cursor = page->next;
    } while (cursor && static_cast<int>(entries.size()) < *limit);

    auto contact = o->contacts->Get(*id).Value();
    if (json) {
        auto arr = nlohmann::json::array();
        for (const auto& e : entries) {
            nlohmann::json j{{"type", e.type == contacts::TimelineEntry::Type::Interaction ? "interaction" : "request-status"},
                             {"at", e.at},
                             {"summary", e.summary},
                             {"notes", e.notes},
                             {"disposition", e.disposition},
                             {"agent", e.agent},
                             {"contact", e.contact_name}};
            if (e.channel)
                j["channel"] = contacts::ToString(*e.channel);
            if (e.talk_s)
                j["talk_s"] = *e.talk_s;
            if (!e.on_behalf_of_name.empty())
                j["on_behalf_of"] = e.on_behalf_of_name;
            auto reqs = nlohmann::json::array();
            for (const auto& r : e.requests)
                reqs.push_back({{"request_id", r.request_id}, {"service", r.service_name}, {"status", r.status}});
            j["requests"] = reqs;
            arr.push_back(j);
        }
        ctx.out << nlohmann::json{{"contact", {{"id", contact.id}, {"name", contact.name}}}, {"entries", arr}}.dump(2)
                << "\n";
        return kOk;
    }
    ctx.out << contact.name << " — " << entries.size() << (cursor ? "+" : "") << " entries, newest first\n";
    for (const auto& e : entries) {
        ctx.out << Time(e.at) << "  "
                << (e.channel ? contacts::ToString(*e.channel) : "request") << "  " << e.summary;
        if (!e.disposition.empty() && e.type == contacts::TimelineEntry::Type::Interaction)
            ctx.out << "  [" << e.disposition << "]";
        if (!e.on_behalf_of_name.empty())
            ctx.out << "  (for " << e.on_behalf_of_name << ")";
        else if (!e.contact_name.empty() && e.contact_name != contact.name)
            ctx.out << "  (by " << e.contact_name << ")";
        for (const auto& r : e.requests)
            if (e.type == contacts::TimelineEntry::Type::Interaction)
                ctx.out << "  {" << r.service_name << " " << r.request_id << ": " << r.status << "}";
        ctx.out << "\n";
    }
    return kOk;
}

} // namespace

void RegisterContactCommands()
{
    auto& r = Registry();
    r.push_back({{"contacts", "import"}, "FILE.csv", "bootstrap contacts from a CRM's CSV export (columns: README)",
                 Import});
    r.push_back({{"contacts", "find"}, "QUERY [--limit N] [--json]",
                 "find by phone (any format), e-mail, name, address or request id", Find});
    r.push_back({{"contacts", "show"}, "CONTACT", "a contact's identifiers, consent and organizations", Show});
    r.push_back({{"contacts", "duplicates"}, "[--limit N]", "likely duplicate contacts", Duplicates});
    r.push_back({{"contacts", "merge"}, "KEEP MERGE [--as NAME]", "show MERGE as part of KEEP (reversible, audited)",
                 Merge});
    r.push_back({{"contacts", "unmerge"}, "CONTACT-ID [--as NAME]", "undo a merge (audited)", Unmerge});
    r.push_back({{"contacts", "distinct"}, "CONTACT CONTACT [--as NAME]",
                 "different people (a household sharing a phone): never proposed as duplicates again (audited)",
                 Distinct});
    r.push_back({{"audit", "list"}, "[--contact CONTACT] [--since YYYY-MM-DD] [--limit N] [--json]",
                 "who merged, separated or told apart which contacts, newest first", AuditList});
    r.push_back({{"timeline"}, "CONTACT [--channel a,b] [--from DATE] [--to DATE] [--open] [--text T] [--limit N] [--json]",
                 "a contact's interactions and requests, newest first", Timeline});
}

} // namespace civic::cli
