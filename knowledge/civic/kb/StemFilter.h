// Word forms for search: Snowball stemmers (libstemmer) for the languages the
// knowledge base is written in, and stop words that are not worth indexing.
//
// Not thread-safe: each connection's tokenizer and each query builder owns one.
#pragma once

#include <civic/store/Database.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

struct sb_stemmer;

namespace civic::kb {

// Looked up by string_view on the hot indexing path, without allocating.
struct StringHash
{
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
using StopWords = std::unordered_set<std::string, StringHash, std::equal_to<>>;

class Stemmer
{
public:
    // languages: Snowball algorithm names ("english", "spanish"); unknown ones
    // are skipped.
    explicit Stemmer(const std::vector<std::string>& languages);
    ~Stemmer();
    Stemmer(const Stemmer&) = delete;
    Stemmer& operator=(const Stemmer&) = delete;

    // The stems of a folded word in every language, without duplicates and
    // without the word itself. Cached: a knowledge base repeats its words.
    const std::vector<std::string>& Stems(std::string_view word);

    // Computes stems without the cache.
    std::vector<std::string> StemsOf(std::string_view word);

private:
    std::vector<sb_stemmer*> m_stemmers;
    std::unordered_map<std::string, std::vector<std::string>, StringHash, std::equal_to<>> m_cache;
};

// A term's change in the number of articles holding it, and the article that
// last changed it (an article counts once however often it uses the term).
struct TermDocs
{
    std::int64_t delta = 0;
    std::uint64_t last_article = 0;
};

// What the index saw since the knowledge base last collected it, learnt
// without tokenizing every article twice: how often each word was used (the
// vocabulary for typo correction and completing half-typed words), and how
// many articles hold each indexed term (search ranks with these instead of
// having FTS5 count them at every query).
struct WordUses
{
    std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> delta;
    std::unordered_map<std::string, TermDocs, StringHash, std::equal_to<>> docs;
    // Changes whenever the maps are emptied, so filters know their cached
    // pointers into them are stale.
    std::uint64_t generation = 0;
    // Set by the knowledge base around each article it adds to (+1) or
    // removes from (-1) the index; 0 when the text being tokenized is no
    // article being (un)indexed, which counts no documents.
    std::uint64_t article = 0;
    int direction = 0;
    // Taking back what indexing a text counted (an import's terms made for
    // an article that was not indexed after all): uses count down as well.
    bool undo = false;
    // Terms made ahead for the texts of the row being indexed, in the order
    // FTS5 asks for them (StemFilter::Prepared); next: the first not used.
    std::span<const store::TokenStream> prepared;
    size_t next_prepared = 0;
};

// The token filter of the knowledge index: drops stop words, indexes each word
// with its stems at the same position.
class StemFilter : public store::TokenFilter
{
public:
    StemFilter(std::shared_ptr<const StopWords> stop_words, const std::vector<std::string>& languages,
               std::shared_ptr<WordUses> uses);
    void Filter(std::string_view token, Mode mode, store::TokenSink& sink) override;
    const store::TokenStream* Prepared(std::string_view text) override;

private:
    // Everything the filter needs to know about a word, found with one lookup
    // per token: indexing calls this for every word of every article.
    struct Word
    {
        bool stop = false;
        std::vector<std::string> stems;
        std::uint32_t* uses = nullptr; // the counter in m_uses->delta, if any
        // The document counts of the word and of its stems in m_uses->docs.
        std::vector<TermDocs*> docs;
        std::uint64_t generation = 0; // of m_uses when `uses` and `docs` were taken
    };

    // The words seen so far, in an open-addressing table. Indexing looks up
    // every token: std::unordered_map took longer per lookup (a division and
    // two dependent reads through bucket and node) than FTS5 took to store
    // the token.
    class WordTable
    {
    public:
        struct Entry
        {
            std::string key;
            Word word;
        };
        Entry* Find(std::string_view key, size_t hash);
        Entry& Add(std::string_view key, size_t hash, Word word);
        size_t Size() const { return m_entries.size(); }
        void Clear();

    private:
        struct Slot
        {
            std::uint32_t tag = 0;   // high bits of the hash
            std::uint32_t entry = 0; // index into m_entries plus one; 0 is empty
        };
        void Grow();
        std::vector<Slot> m_slots;
        std::vector<Entry> m_entries;
    };

    void Count(const std::string& word, Word& w);

    std::shared_ptr<const StopWords> m_stop_words;
    Stemmer m_stemmer;
    std::shared_ptr<WordUses> m_uses;
    WordTable m_words;
};

} // namespace civic::kb
