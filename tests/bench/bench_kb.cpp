// bench_kb: knowledge base search-as-you-type and import at 100,000 articles.
//
// Generates articles of 100-2,000 words from a fixed seed (real words taken
// from the starter knowledge base plus synthetic ones, drawn with a Zipf
// distribution as English text is), imports them through the XML import, then
// times every keystroke of 1-4 word queries: the console's search (top 10 with
// synonyms, stems, typo tolerance and snippets) beside a bare FTS5 MATCH on the
// same table and a LIKE '%word%' scan. A child process opens the finished store
// the way the console does and reports its resident memory.
//
//   bench_kb [--scale F] [--keep DIR [--reuse]] [--show-slowest]
//
// --keep DIR keeps the generated store there; with --reuse a store kept there
// by an earlier run of the same scale is searched again without importing
// (import figures are then 0); --show-slowest lists the slowest keystrokes
// with the MATCH expression each became.
#include "BenchSupport.h"

#include <civic/kb/Html.h>
#include <civic/kb/KnowledgeBase.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace civic;
using namespace civic::bench;
namespace fs = std::filesystem;

namespace {

kb::KnowledgeOptions Options()
{
    kb::KnowledgeOptions o;
    const fs::path res = CIVICDESK_SOURCE_DIR "/resources/knowledge";
    o.stop_word_files = {res / "stopwords-en.txt", res / "stopwords-es.txt"};
    return o;
}

// The vocabulary: words from the starter articles first (most frequent), then
// synthetic words built from English-like syllables.
std::vector<std::string> Vocabulary(std::mt19937_64& rng)
{
    std::ifstream in(CIVICDESK_SOURCE_DIR "/resources/knowledge/seed.xml");
    std::stringstream ss;
    ss << in.rdbuf();
    const std::string text = kb::HtmlToText(ss.str());
    std::map<std::string, int> counts;
    std::regex word("[a-z]{3,}");
    std::string lower = text;
    for (char& c : lower)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (auto it = std::sregex_iterator(lower.begin(), lower.end(), word); it != std::sregex_iterator(); ++it)
        ++counts[it->str()];
    std::vector<std::pair<int, std::string>> ranked;
    for (auto& [w, n] : counts)
        ranked.emplace_back(-n, w);
    std::sort(ranked.begin(), ranked.end());
    std::vector<std::string> vocab;
    std::set<std::string> seen;
    for (auto& [n, w] : ranked) {
        vocab.push_back(w);
        seen.insert(w);
    }
    static const char* onset[] = {"b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t",
                                  "v", "w", "br", "cr", "dr", "gr", "pr", "st", "tr", "ch", "sh", "pl"};
    static const char* nucleus[] = {"a", "e", "i", "o", "u", "ea", "ou", "ai", "io"};
    static const char* coda[] = {"", "n", "r", "s", "t", "l", "nd", "st", "ng", "ck", "m"};
    static const char* suffix[] = {"", "", "", "s", "ed", "ing", "er", "tion", "ly", "ment"};
    while (vocab.size() < 30000) {
        std::string w;
        const int syllables = 1 + static_cast<int>(rng() % 3);
        for (int i = 0; i < syllables; ++i)
            w += std::string(onset[rng() % std::size(onset)]) + nucleus[rng() % std::size(nucleus)] +
                 coda[rng() % std::size(coda)];
        w += suffix[rng() % std::size(suffix)];
        if (w.size() >= 3 && seen.insert(w).second)
            vocab.push_back(w);
    }
    return vocab;
}

// Word frequencies in English follow Zipf's law, but its first hundred or so
// ranks are function words ("the", "of", "to"), which Words() draws from their
// own list. Content words therefore follow the Zipf-Mandelbrot form
// 1 / (rank + offset)^s: the commonest of them is a fraction of a percent of
// running text, as "service" or "street" would be, not a tenth of it.
class Zipf
{
public:
    Zipf(size_t n, double s, double offset)
    {
        double sum = 0;
        for (size_t i = 1; i <= n; ++i)
            m_cdf.push_back(sum += 1.0 / std::pow(static_cast<double>(i) + offset, s));
        for (auto& c : m_cdf)
            c /= sum;
    }
    size_t operator()(std::mt19937_64& rng)
    {
        const double u = std::uniform_real_distribution<double>(0, 1)(rng);
        return static_cast<size_t>(std::lower_bound(m_cdf.begin(), m_cdf.end(), u) - m_cdf.begin());
    }

private:
    std::vector<double> m_cdf;
};

struct Generator
{
    std::mt19937_64 rng{20261122};
    std::vector<std::string> vocab = Vocabulary(rng);
    Zipf zipf{vocab.size(), 1.07, 100.0};
    std::vector<std::string> fillers{"the", "a", "of", "to", "and", "in", "is", "for", "on", "with",
                                     "that", "it", "as", "be", "at", "by", "this", "or", "from", "are"};

    std::string Words(int n, bool capital)
    {
        std::string s;
        for (int i = 0; i < n; ++i) {
            // About half of running English text is function words.
            const std::string& w = rng() % 2 == 0 ? fillers[rng() % fillers.size()] : vocab[zipf(rng)];
            s += (i ? " " : "") + w;
        }
        if (capital && !s.empty())
            s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
        return s;
    }

    std::string Body(int words)
    {
        std::string html;
        while (words > 0) {
            int para = std::min(words, 40 + static_cast<int>(rng() % 80));
            words -= para;
            html += "<p>";
            while (para > 0) {
                const int sentence = std::min(para, 8 + static_cast<int>(rng() % 14));
                html += Words(sentence, true) + ". ";
                para -= sentence;
            }
            html += "</p>";
        }
        return html;
    }
};

std::string XmlEscape(const std::string& s)
{
    std::string o;
    for (char c : s) {
        if (c == '<')
            o += "&lt;";
        else if (c == '&')
            o += "&amp;";
        else if (c == '>')
            o += "&gt;";
        else
            o += c;
    }
    return o;
}

int RssProbe(const char* db_path, int searches)
{
    auto kb = kb::KnowledgeBase::Open(db_path, Options());
    if (!kb) {
        std::cerr << kb.Err().message << "\n";
        return 1;
    }
    Generator g;
    for (int i = 0; i < searches; ++i) {
        kb::SearchQuery q;
        q.text = g.vocab[g.zipf(g.rng) % 2000] + " ";
        (void)kb.Value()->Search(q);
    }
    std::cout << MemoryMb("VmHWM:") << "\n";
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    if (const char* probe = Option(argc, argv, "--rss-probe"))
        return RssProbe(probe, 300);

    const double scale = Scale(argc, argv);
    const int articles = std::max(100, static_cast<int>(100000 * scale));
    const int queries = std::max(20, static_cast<int>(300 * std::min(1.0, scale * 4)));
    fs::path dir = Option(argc, argv, "--keep") ? fs::path(Option(argc, argv, "--keep"))
                                                : fs::temp_directory_path() / ("bench_kb." + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path db_path = dir / "knowledge.db";
    const bool reuse = Option(argc, argv, "--keep") && HasFlag(argc, argv, "--reuse") && fs::exists(db_path);
    if (!reuse) {
        fs::remove(db_path);
        fs::remove(fs::path(db_path.string() + "-wal"));
    }

    std::cout << "bench_kb: " << articles << " articles, " << queries << " typed queries\n";
    Generator gen;

    // ---- generate import files (not timed)
    const int per_file = 5000;
    std::vector<fs::path> files;
    long long total_words = 0;
    for (int start = 0; start < articles; start += per_file) {
        const fs::path file = dir / ("import-" + std::to_string(start / per_file) + ".xml");
        // Reusing a store: the same text is drawn (the queries come after it
        // from the same generator) but not written.
        std::ofstream out(reuse ? fs::path("/dev/null") : file);
        out << "<knowledge-base version=\"1\">\n";
        for (int i = start; i < std::min(articles, start + per_file); ++i) {
            const int words = 100 + static_cast<int>(gen.rng() % 1901);
            total_words += words;
            out << "<article uid=\"gen-" << i << "\" status=\"published\" language=\"en\">"
                << "<title>" << XmlEscape(gen.Words(3 + static_cast<int>(gen.rng() % 5), true)) << "</title>"
                << "<summary>" << XmlEscape(gen.Words(15, true)) << "</summary>"
                << "<keywords>" << XmlEscape(gen.Words(4, false)) << "</keywords>"
                << "<category>Generated/" << (i % 40) << "</category>"
                << "<body>" << XmlEscape(gen.Body(words)) << "</body></article>\n";
        }
        out << "</knowledge-base>\n";
        if (!reuse)
            files.push_back(file);
    }
    std::cout << "generated " << total_words / articles << " words per article on average\n";

    // ---- import (timed): the XML import path a knowledge manager uses
    auto opened = kb::KnowledgeBase::Open(db_path, Options());
    if (!opened) {
        std::cerr << opened.Err().message << "\n";
        return 1;
    }
    auto& kb = *opened.Value();
    const kb::Actor admin{"bench", Role::Supervisor};
    const auto t_import = Clock::now();
    // The path of `civicdesk-cli kb import FILE...`: each file all or nothing,
    // the index merged once after the load.
    if (!reuse) {
        if (auto r = kb.Import(files, admin); !r) {
            std::cerr << r.Err().message << "\n";
            return 1;
        }
    }
    const double import_s = reuse ? 0.0 : MsSince(t_import) / 1000.0;
    for (const auto& f : files)
        fs::remove(f);
    (void)kb.AddSynonyms(admin, {"trash", "garbage", "refuse"});
    (void)kb.AddSynonyms(admin, {"pothole", "pot hole"});
    std::cout << "import: " << import_s << " s (" << articles / import_s << " articles/s), store "
              << fs::file_size(db_path) / (1024 * 1024) << " MiB\n";

    // ---- queries: 1-4 words, typed one keystroke at a time
    std::vector<std::string> typed;
    for (int i = 0; i < queries; ++i) {
        const int n = 1 + static_cast<int>(gen.rng() % 4);
        std::string q;
        for (int k = 0; k < n; ++k)
            q += (k ? " " : "") + gen.vocab[gen.zipf(gen.rng) % 5000];
        for (size_t len = 2; len <= q.size(); ++len)
            if (q[len - 1] != ' ')
                typed.push_back(q.substr(0, len));
    }

    std::vector<double> ours, bare;
    size_t hits_total = 0;
    for (const auto& text : typed) {
        kb::SearchQuery q;
        q.text = text;
        const auto t0 = Clock::now();
        auto r = kb.Search(q);
        ours.push_back(MsSince(t0));
        if (r)
            hits_total += r->size();
    }
    if (HasFlag(argc, argv, "--show-slowest")) {
        std::vector<std::pair<double, std::string>> slow;
        for (size_t i = 0; i < typed.size(); ++i)
            slow.emplace_back(ours[i], typed[i]);
        std::sort(slow.rbegin(), slow.rend());
        for (size_t i = 0; i < 12 && i < slow.size(); ++i)
            std::cout << "slow: " << slow[i].first << " ms '" << slow[i].second << "' -> "
                      << kb.BuildMatch(slow[i].second, false) << "\n";
    }
    // Baseline 1: bare FTS5 MATCH of the same words (last one as a prefix),
    // ranked, no snippets, synonyms, stems or typo handling. A short prefix
    // reads the postings of every word it starts (the table keeps no prefix
    // indexes), up to seconds each at full scale, so an evenly spread sample
    // of at most 600 keystrokes is run.
    const size_t bare_step = std::max<size_t>(1, (typed.size() + 599) / 600);
    for (size_t k = 0; k < typed.size(); k += bare_step) {
        const auto& text = typed[k];
        std::string match;
        std::istringstream words(text);
        std::string w;
        std::vector<std::string> ws;
        while (words >> w)
            ws.push_back(w);
        for (size_t i = 0; i < ws.size(); ++i)
            match += (i ? " AND " : "") + ("\"" + ws[i] + "\"") + (i + 1 == ws.size() ? "*" : "");
        auto stmt = kb.Db().Prepare("SELECT rowid FROM article_fts WHERE article_fts MATCH ?1 "
                                    "ORDER BY rank LIMIT 10");
        stmt.Bind(1, match);
        const auto t0 = Clock::now();
        while (stmt.Step().Value()) {
        }
        bare.push_back(MsSince(t0));
    }
    // Baseline 2: LIKE '%word%' over titles and bodies — what a store without
    // a full-text index does. It reads the whole table every time, so only a
    // sample of the keystrokes is run.
    std::vector<double> like;
    const size_t like_runs = std::min<size_t>(typed.size(), std::max(5, static_cast<int>(12 * std::min(1.0, scale * 4))));
    for (size_t i = 0; i < like_runs; ++i) {
        const auto& text = typed[i * typed.size() / like_runs];
        // Title matches first, as a search would list them: that needs every
        // matching row, so the scan reads the whole table.
        auto stmt = kb.Db().Prepare("SELECT id FROM article WHERE title LIKE ?1 OR body LIKE ?1 "
                                    "ORDER BY title LIKE ?1 DESC LIMIT 10");
        stmt.Bind(1, "%" + text.substr(text.rfind(' ') == std::string::npos ? 0 : text.rfind(' ') + 1) + "%");
        const auto t0 = Clock::now();
        while (stmt.Step().Value()) {
        }
        like.push_back(MsSince(t0));
    }
    // Baseline 3: the same texts into a bare FTS5 table (unicode61, no prefix
    // indexes, stems or stop words) in one transaction: the floor an import
    // through FTS5 can reach on this machine.
    double bare_import_s = 0;
    if (!reuse) {
        const fs::path bare_path = dir / "bare.db";
        fs::remove(bare_path);
        auto& db = kb.Db();
        // With the knowledge index's own 'hashsize' (32 MiB of pending terms
        // per segment), which makes FTS5 itself a third faster at this size.
        const bool ok = db.Exec("ATTACH '" + bare_path.string() + "' AS bare").IsOk() &&
                        db.Exec("CREATE VIRTUAL TABLE bare.f USING fts5(title, keywords, summary, body)").IsOk() &&
                        db.Exec("INSERT INTO bare.f(f, rank) VALUES('hashsize', 33554432)").IsOk();
        const auto t0 = Clock::now();
        if (ok && db.Exec("BEGIN; INSERT INTO bare.f(rowid, title, keywords, summary, body) "
                          "SELECT id, title, keywords, summary, html_text(body) FROM main.article; COMMIT")
                      .IsOk())
            bare_import_s = MsSince(t0) / 1000.0;
        (void)db.Exec("DETACH bare");
        fs::remove(bare_path);
        fs::remove(fs::path(bare_path.string() + "-wal"));
        std::cout << "bare FTS5 import of the same texts: " << bare_import_s << " s\n";
    }
    opened.Value().reset();

    // ---- memory of a process that opens the store as the console does
    double rss_mb = 0;
    {
        const std::string cmd = std::string("'") + argv[0] + "' --rss-probe '" + db_path.string() + "'";
        if (FILE* p = ::popen(cmd.c_str(), "r")) {
            char buf[64] = {};
            if (std::fgets(buf, sizeof buf, p))
                rss_mb = std::atof(buf);
            ::pclose(p);
        }
    }

    const double p50 = Percentile(ours, 50), p99 = Percentile(ours, 99);
    const double fts50 = Percentile(bare, 50), fts99 = Percentile(bare, 99);
    const double like50 = Percentile(like, 50), like99 = Percentile(like, 99);
    std::cout << "searches: " << ours.size() << " keystrokes, " << static_cast<double>(hits_total) / static_cast<double>(ours.size())
              << " hits on average\n"
              << "console search: p50 " << p50 << " ms, p99 " << p99 << " ms, max " << Percentile(ours, 100) << " ms\n"
              << "bare FTS5 MATCH (" << bare.size() << " runs): p50 " << fts50 << " ms, p99 " << fts99 << " ms\n"
              << "LIKE scan (" << like.size() << " runs): p50 " << like50 << " ms, p99 " << like99 << " ms\n"
              << "probe RSS (peak): " << rss_mb << " MiB\n";
    if (!Option(argc, argv, "--keep"))
        fs::remove_all(dir);
    std::printf("search_p50_ms=%.3f search_p99_ms=%.3f fts5_p50_ms=%.3f fts5_p99_ms=%.3f "
                "like_p50_ms=%.1f like_p99_ms=%.1f ratio_p50_vs_fts5=%.2f ratio_p99_vs_fts5=%.3f "
                "ratio_p50_vs_like=%.5f import_s=%.1f fts5_import_s=%.1f import_ratio_vs_fts5=%.2f "
                "rss_mb=%.1f articles=%d\n",
                p50, p99, fts50, fts99, like50, like99, fts50 > 0 ? p50 / fts50 : 0,
                fts99 > 0 ? p99 / fts99 : 0, like50 > 0 ? p50 / like50 : 0, import_s, bare_import_s,
                bare_import_s > 0 ? import_s / bare_import_s : 0, rss_mb, articles);
    return 0;
}
