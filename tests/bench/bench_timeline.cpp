// bench_timeline: finding a caller and opening their timeline in a store of
// 1,000,000 contacts and 5,000,000 interactions.
//
// The store is generated once from a fixed seed through the ContactStore API
// (the path the console and the CSV import take) and kept for later runs in
// --data DIR (default: $XDG_CACHE_HOME/civicdesk-bench). Then, in one run:
//   phone    FindByPhone() with numbers typed in mixed formats, beside the bare
//            indexed SELECT of an already normalised number;
//   name     Find() of 1-2 name prefixes as typed, beside LIKE '% prefix%'
//            on contact.name, sorted by name (no index can serve it);
//   timeline the first screen (50 entries, linked requests and their status)
//            of a contact with 20,000 entries and of one with 100, beside
//            reading the whole 20,000-entry history the way a non-virtual
//            list would have to;
//   rss      peak resident memory of a child process that opens the store
//            and does all of the above, as the console would.
//
//   bench_timeline [--scale F] [--data DIR] [--regenerate]
#include "BenchSupport.h"

#include <civic/contacts/ContactsSchema.h>
#include <civic/core/CoreSchema.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>

#include <filesystem>
#include <iostream>
#include <random>

using namespace civic;
using namespace civic::bench;
namespace fs = std::filesystem;

namespace {

constexpr std::uint64_t kSeed = 20261123;
constexpr int kHeavyEntries = 20000;
constexpr int kLightEntries = 100;

const char* const kFirst[] = {"james", "mary", "robert", "patricia", "john", "jennifer", "michael", "linda",
                              "david", "elizabeth", "william", "barbara", "richard", "susan", "joseph", "jessica",
                              "thomas", "sarah", "charles", "karen", "maria", "jose", "luis", "ana", "carmen",
                              "juan", "rosa", "miguel", "sofia", "carlos", "aisha", "mohamed", "fatima", "omar",
                              "wei", "li", "ngoc", "minh", "olga", "ivan", "kwame", "ama", "darnell", "keisha",
                              "tyrone", "latoya", "andre", "shanice", "kevin", "nicole"};
const char* const kLastStems[] = {"smith", "johnson", "williams", "brown", "jones", "garcia", "miller", "davis",
                                  "rodriguez", "martinez", "hernandez", "lopez", "gonzalez", "wilson", "anderson",
                                  "thomas", "taylor", "moore", "jackson", "martin", "lee", "perez", "thompson",
                                  "white", "harris", "sanchez", "clark", "ramirez", "lewis", "robinson", "walker",
                                  "young", "allen", "king", "wright", "scott", "torres", "nguyen", "hill", "flores",
                                  "green", "adams", "nelson", "baker", "hall", "rivera", "campbell", "mitchell",
                                  "carter", "roberts", "okafor", "mensah", "kowalski", "ivanova", "chen", "wang"};
const char* const kSyllables[] = {"ka", "ro", "li", "an", "mer", "ton", "vis", "del", "ba", "sen",
                                  "ri", "mo", "lan", "dor", "fi", "ga", "ne", "sha", "wu", "tre"};
const char* const kStreets[] = {"Broad", "Market", "Chestnut", "Walnut", "Spruce", "Pine", "Lombard", "Girard",
                                "Lehigh", "Allegheny", "Erie", "Germantown", "Frankford", "Kensington", "Oregon"};
const char* const kSuffixes[] = {"Street", "St", "Avenue", "Ave", "Road"};

std::string Surname(std::mt19937_64& rng)
{
    // Common surnames and rarer made-up ones, as a city's callers have.
    if (rng() % 3)
        return kLastStems[rng() % std::size(kLastStems)];
    std::string s;
    for (int i = 0, n = 2 + static_cast<int>(rng() % 2); i < n; ++i)
        s += kSyllables[rng() % std::size(kSyllables)];
    return s;
}

std::string Capital(std::string s)
{
    if (!s.empty())
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

// Phone numbers are unique per contact: 215/267/445 + 7 digits from the index.
std::string PhoneOf(std::int64_t i)
{
    static const char* area[] = {"215", "267", "445"};
    const std::int64_t n = 2000000 + i * 7 % 7000000;
    return std::string("+1") + area[i % 3] + std::to_string(n);
}

// The same number as an agent might type it.
std::string Typed(const std::string& e164, std::mt19937_64& rng)
{
    const std::string d = e164.substr(2); // ten digits
    switch (rng() % 4) {
    case 0: return "(" + d.substr(0, 3) + ") " + d.substr(3, 3) + "-" + d.substr(6);
    case 1: return d.substr(0, 3) + "." + d.substr(3, 3) + "." + d.substr(6);
    case 2: return "+1 " + d.substr(0, 3) + " " + d.substr(3, 3) + " " + d.substr(6);
    default: return d;
    }
}

struct Sizes
{
    std::int64_t contacts;
    std::int64_t interactions;
};

Sizes SizesFor(double scale)
{
    return {std::max<std::int64_t>(2000, static_cast<std::int64_t>(1000000 * scale)),
            std::max<std::int64_t>(10000, static_cast<std::int64_t>(5000000 * scale))};
}

contacts::Channel RandomChannel(std::mt19937_64& rng)
{
    // Most contact is still by phone; then web and the app.
    static const contacts::Channel weighted[] = {
        contacts::Channel::PhoneIn, contacts::Channel::PhoneIn, contacts::Channel::PhoneIn, contacts::Channel::PhoneIn,
        contacts::Channel::Web,     contacts::Channel::Web,     contacts::Channel::MobileApp, contacts::Channel::MobileApp,
        contacts::Channel::Email,   contacts::Channel::WalkIn,  contacts::Channel::Social,    contacts::Channel::Mail,
        contacts::Channel::PhoneOut};
    return weighted[rng() % std::size(weighted)];
}

// Fills a new store; contact 1 has kHeavyEntries entries, contact 2 kLightEntries.
int Generate(const fs::path& path, Sizes sizes)
{
    auto opened = store::Database::Open(path, store::Schema{CoreSchema(), contacts::Schema()});
    if (!opened) {
        std::cerr << opened.Err().message << "\n";
        return 1;
    }
    auto& db = *opened.Value();
    (void)db.Exec("PRAGMA synchronous = OFF"); // generation only; the console keeps FULL
    contacts::ContactStore store(db);
    std::mt19937_64 rng(kSeed);
    const auto t0 = Clock::now();
    const std::int64_t batch = 20000;
    for (std::int64_t i = 0; i < sizes.contacts; i += batch) {
        store::Transaction tx(db);
        for (std::int64_t k = i; k < std::min(sizes.contacts, i + batch); ++k) {
            contacts::NewContact c;
            c.name = Capital(kFirst[rng() % std::size(kFirst)]) + " " + Capital(Surname(rng));
            c.identifiers.push_back({contacts::IdKind::Phone, PhoneOf(k), "", rng() % 2 == 0});
            if (rng() % 3 == 0)
                c.identifiers.push_back({contacts::IdKind::Email, "person" + std::to_string(k) + "@example.org", "", false});
            if (rng() % 2 == 0)
                c.identifiers.push_back({contacts::IdKind::Address,
                                         std::to_string(100 + rng() % 9000) + " " +
                                             kStreets[rng() % std::size(kStreets)] + " " +
                                             kSuffixes[rng() % std::size(kSuffixes)],
                                         "", false});
            if (auto r = store.Create(c); !r) {
                std::cerr << r.Err().message << "\n";
                return 1;
            }
        }
        if (auto r = tx.Commit(); !r) {
            std::cerr << r.Err().message << "\n";
            return 1;
        }
    }
    std::cout << "generated " << sizes.contacts << " contacts in " << MsSince(t0) / 1000 << " s\n";

    const auto t1 = Clock::now();
    std::int64_t written = 0;
    std::int64_t at = 1500000000;
    auto add = [&](std::int64_t contact) -> bool {
        contacts::Interaction in;
        in.contact = contact;
        in.channel = RandomChannel(rng);
        in.at = at + static_cast<std::int64_t>(rng() % 300000000);
        in.agent = kFirst[rng() % std::size(kFirst)];
        if (in.channel == contacts::Channel::PhoneIn)
            in.talk_s = 60 + static_cast<int>(rng() % 600);
        in.summary = "Call about " + std::string(kStreets[rng() % std::size(kStreets)]) + " service " +
                     std::to_string(rng() % 1000);
        in.disposition = rng() % 3 ? "request created" : "information only";
        if (rng() % 10 == 0) {
            // A tenth of contacts file a request, which later closes.
            contacts::ServiceRequest r;
            r.contact = contact;
            r.request_id = "SR" + std::to_string(contact) + "-" + std::to_string(written);
            r.service_name = "Pothole repair";
            r.opened_at = in.at;
            auto id = store.UpsertRequest(r);
            if (!id)
                return false;
            in.requests.push_back(id.Value());
            r.status = "closed";
            r.status_notes = "Crew completed the work";
            r.updated_at = in.at + 86400 * static_cast<std::int64_t>(1 + rng() % 30);
            if (!store.UpsertRequest(r))
                return false;
            written += 2; // two status events
        }
        ++written;
        return store.Record(in).IsOk();
    };
    store::Transaction* tx = nullptr;
    std::unique_ptr<store::Transaction> holder;
    auto checkpoint = [&] {
        if (holder && !holder->Commit())
            return false;
        holder = std::make_unique<store::Transaction>(db);
        tx = holder.get();
        return tx->IsActive();
    };
    (void)checkpoint();
    for (int k = 0; k < kHeavyEntries && written < kHeavyEntries; ++k)
        if (!add(1))
            return 1;
    const std::int64_t heavy = written;
    while (written < heavy + kLightEntries)
        if (!add(2))
            return 1;
    // The rest spread over everyone else, about five each.
    std::int64_t since = written;
    while (written < sizes.interactions) {
        if (!add(3 + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(sizes.contacts - 2))))
            return 1;
        if (written - since >= 50000) {
            if (!checkpoint())
                return 1;
            since = written;
        }
    }
    if (!holder->Commit())
        return 1;
    (void)db.Exec("PRAGMA wal_checkpoint(TRUNCATE)");
    (void)db.Exec("ANALYZE");
    std::cout << "generated " << written << " timeline entries in " << MsSince(t1) / 1000 << " s\n";
    return 0;
}

struct Figures
{
    std::vector<double> phone, phone_bare, name, name_like, heavy, light, heavy_full;
};

Figures Measure(const fs::path& path, Sizes sizes, int rounds)
{
    Figures f;
    auto db = store::Database::Open(path, store::Schema{CoreSchema(), contacts::Schema()}).Value();
    contacts::ContactStore store(*db);
    std::mt19937_64 rng(kSeed + 1);
    for (int i = 0; i < rounds; ++i) {
        const std::int64_t k = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(sizes.contacts));
        const std::string typed = Typed(PhoneOf(k), rng);
        auto t0 = Clock::now();
        auto found = store.FindByPhone(typed);
        f.phone.push_back(MsSince(t0));
        if (!found || found->empty())
            std::cerr << "phone " << typed << " not found\n";
        auto bare = db->Prepare("SELECT contact FROM identifier WHERE kind = 'phone' AND value = ?1");
        const std::string key = PhoneOf(k);
        t0 = Clock::now();
        bare.Bind(1, key);
        while (bare.Step().Value()) {
        }
        f.phone_bare.push_back(MsSince(t0));
    }
    for (int i = 0; i < rounds; ++i) {
        // What an agent types for "Maria Lopez": "lop", "lopez m", "maria lo".
        const std::string last = kLastStems[rng() % std::size(kLastStems)];
        const std::string first = kFirst[rng() % std::size(kFirst)];
        std::string q;
        switch (rng() % 3) {
        case 0: q = last.substr(0, 3 + rng() % std::max<size_t>(1, last.size() - 2)); break;
        case 1: q = last + " " + first.substr(0, 1 + rng() % first.size()); break;
        default: q = first + " " + last.substr(0, 2 + rng() % std::max<size_t>(1, last.size() - 1)); break;
        }
        auto t0 = Clock::now();
        auto found = store.Find(q, 20);
        f.name.push_back(MsSince(t0));
        if (!found)
            std::cerr << "name search failed: " << found.Err().message << "\n";
        if (i % 10 == 0) { // the scan reads the whole table: a sample is enough
            // Sorted, as a list is shown: every row must be read.
            auto like = db->Prepare("SELECT id FROM contact WHERE name LIKE ?1 ORDER BY name LIMIT 20");
            like.Bind(1, "% " + last.substr(0, 3) + "%");
            t0 = Clock::now();
            int n = 0;
            while (like.Step().Value())
                ++n;
            f.name_like.push_back(MsSince(t0));
        }
    }
    for (int i = 0; i < rounds; ++i) {
        auto t0 = Clock::now();
        auto page = store.Timeline(1, {}, std::nullopt, 50);
        f.heavy.push_back(MsSince(t0));
        t0 = Clock::now();
        auto small = store.Timeline(2, {}, std::nullopt, 50);
        f.light.push_back(MsSince(t0));
        if (!page || !small || page->entries.size() != 50u)
            std::cerr << "timeline failed\n";
    }
    for (int i = 0; i < std::max(3, rounds / 20); ++i) {
        // Baseline: the whole history, as a list that is not virtual must read.
        auto q = db->Prepare("SELECT i.id, i.at, i.channel, i.agent, i.talk_s, i.summary, i.notes, i.disposition "
                             "FROM interaction i WHERE i.contact = 1 ORDER BY i.at DESC");
        auto t0 = Clock::now();
        std::vector<std::string> rows;
        while (q.Step().Value())
            rows.push_back(q.Text(5));
        f.heavy_full.push_back(MsSince(t0));
    }
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    const double scale = Scale(argc, argv);
    const Sizes sizes = SizesFor(scale);
    fs::path dir;
    if (const char* d = Option(argc, argv, "--data"))
        dir = d;
    else if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache && *cache)
        dir = fs::path(cache) / "civicdesk-bench";
    else
        dir = fs::path(std::getenv("HOME") ? std::getenv("HOME") : "/tmp") / ".cache" / "civicdesk-bench";
    fs::create_directories(dir);
    const fs::path path = dir / ("timeline-" + std::to_string(sizes.contacts) + ".db");

    if (const char* probe = Option(argc, argv, "--rss-probe")) {
        (void)Measure(probe, sizes, 200);
        std::cout << MemoryMb("VmHWM:") << "\n";
        return 0;
    }

    std::cout << "bench_timeline: " << sizes.contacts << " contacts, " << sizes.interactions
              << " interactions; store " << path << "\n";
    if (HasFlag(argc, argv, "--regenerate") || !fs::exists(path)) {
        fs::remove(path);
        fs::remove(fs::path(path.string() + "-wal"));
        if (Generate(path, sizes) != 0)
            return 1;
    } else {
        std::cout << "reusing the generated store (--regenerate to rebuild it)\n";
    }
    std::cout << "store: " << fs::file_size(path) / (1024 * 1024) << " MiB\n";

    const Figures f = Measure(path, sizes, 1000);

    double rss_mb = 0;
    {
        const std::string cmd = std::string("'") + argv[0] + "' --scale " + std::to_string(scale) + " --rss-probe '" +
                                path.string() + "'";
        if (FILE* p = ::popen(cmd.c_str(), "r")) {
            char buf[64] = {};
            if (std::fgets(buf, sizeof buf, p))
                rss_mb = std::atof(buf);
            ::pclose(p);
        }
    }
    const double phone50 = Percentile(f.phone, 50), phone99 = Percentile(f.phone, 99);
    const double bare50 = Percentile(f.phone_bare, 50), bare99 = Percentile(f.phone_bare, 99);
    const double name50 = Percentile(f.name, 50), name99 = Percentile(f.name, 99);
    const double like50 = Percentile(f.name_like, 50);
    const double heavy50 = Percentile(f.heavy, 50), heavy99 = Percentile(f.heavy, 99);
    const double light50 = Percentile(f.light, 50), light99 = Percentile(f.light, 99);
    const double full50 = Percentile(f.heavy_full, 50);
    std::cout << "phone lookup (typed formats): p50 " << phone50 << " ms, p99 " << phone99 << " ms; bare indexed SELECT p50 "
              << bare50 << " ms, p99 " << bare99 << " ms\n"
              << "name prefix search: p50 " << name50 << " ms, p99 " << name99 << " ms; LIKE scan p50 " << like50
              << " ms\n"
              << "timeline first screen, " << kHeavyEntries << " entries: p50 " << heavy50 << " ms, p99 " << heavy99
              << " ms; " << kLightEntries << " entries: p50 " << light50 << " ms, p99 " << light99 << " ms\n"
              << "whole " << kHeavyEntries << "-entry history read at once: p50 " << full50 << " ms\n"
              << "probe RSS (peak): " << rss_mb << " MiB\n";
    std::printf("phone_p50_ms=%.3f phone_p99_ms=%.3f phone_bare_p99_ms=%.3f name_p50_ms=%.3f name_p99_ms=%.3f "
                "name_like_p50_ms=%.1f timeline20k_ms=%.3f timeline20k_p99_ms=%.3f timeline100_ms=%.3f "
                "timeline_ratio_20k_vs_100=%.2f full_history_ms=%.1f rss_mb=%.1f contacts=%lld\n",
                phone50, phone99, bare99, name50, name99, like50, heavy50, heavy99, light50,
                light50 > 0 ? heavy50 / light50 : 0, full50, rss_mb, static_cast<long long>(sizes.contacts));
    return 0;
}
