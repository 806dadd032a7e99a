#include <civic/kb/StemFilter.h>

#include <libstemmer.h>

#include <algorithm>

namespace civic::kb {

namespace {
// Bounds the cache; a real knowledge base has tens of thousands of words.
constexpr size_t kMaxCachedWords = 200000;
} // namespace

Stemmer::Stemmer(const std::vector<std::string>& languages)
{
    for (const auto& lang : languages)
        if (sb_stemmer* s = sb_stemmer_new(lang.c_str(), "UTF_8"))
            m_stemmers.push_back(s);
}

Stemmer::~Stemmer()
{
    for (sb_stemmer* s : m_stemmers)
        sb_stemmer_delete(s);
}

const std::vector<std::string>& Stemmer::Stems(std::string_view word)
{
    if (auto it = m_cache.find(word); it != m_cache.end())
        return it->second;
    if (m_cache.size() >= kMaxCachedWords)
        m_cache.clear();
    return m_cache.emplace(std::string(word), StemsOf(word)).first->second;
}

std::vector<std::string> Stemmer::StemsOf(std::string_view word)
{
    std::vector<std::string> stems;
    for (sb_stemmer* s : m_stemmers) {
        const sb_symbol* out = sb_stemmer_stem(s, reinterpret_cast<const sb_symbol*>(word.data()),
                                               static_cast<int>(word.size()));
        if (!out)
            continue;
        std::string stem(reinterpret_cast<const char*>(out),
                         static_cast<size_t>(sb_stemmer_length(s)));
        if (stem != word && std::find(stems.begin(), stems.end(), stem) == stems.end())
            stems.push_back(std::move(stem));
    }
    return stems;
}

StemFilter::StemFilter(std::shared_ptr<const StopWords> stop_words,
                       const std::vector<std::string>& languages, std::shared_ptr<WordUses> uses)
    : m_stop_words(std::move(stop_words)), m_stemmer(languages), m_uses(std::move(uses))
{
}

void StemFilter::Filter(std::string_view token, Mode mode, store::TokenSink& sink)
{
    if (mode == Mode::Query) {
        sink.Add(token); // the query builder has expanded the words already
        return;
    }
    const size_t hash = StringHash{}(token);
    auto* entry = m_words.Find(token, hash);
    if (!entry) {
        if (m_words.Size() >= kMaxCachedWords)
            m_words.Clear();
        Word w;
        w.stop = m_stop_words && m_stop_words->find(token) != m_stop_words->end();
        if (!w.stop)
            w.stems = m_stemmer.StemsOf(token);
        entry = &m_words.Add(token, hash, std::move(w));
    }
    Word& w = entry->word;
    if (w.stop)
        return;
    sink.Add(token);
    if (mode == Mode::Aux)
        return; // snippets need positions, not stems
    for (const auto& stem : w.stems)
        sink.Add(stem);
    if (m_uses)
        Count(entry->key, w);
}

const store::TokenStream* StemFilter::Prepared(std::string_view text)
{
    // Empty texts are not prepared: FTS5 skips NULL columns, so they could
    // not be told apart.
    if (!m_uses || text.empty() || m_uses->next_prepared >= m_uses->prepared.size())
        return nullptr;
    const auto& next = m_uses->prepared[m_uses->next_prepared];
    if (next.text != text)
        return nullptr;
    ++m_uses->next_prepared;
    return &next;
}

StemFilter::WordTable::Entry* StemFilter::WordTable::Find(std::string_view key, size_t hash)
{
    if (m_slots.empty())
        return nullptr;
    const auto tag = static_cast<std::uint32_t>(hash >> 32);
    const size_t mask = m_slots.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
        const Slot& slot = m_slots[i];
        if (slot.entry == 0)
            return nullptr;
        if (slot.tag == tag && m_entries[slot.entry - 1].key == key)
            return &m_entries[slot.entry - 1];
    }
}

StemFilter::WordTable::Entry& StemFilter::WordTable::Add(std::string_view key, size_t hash, Word word)
{
    // At most half full: probes stay short.
    if ((m_entries.size() + 1) * 2 > m_slots.size())
        Grow();
    m_entries.push_back(Entry{std::string(key), std::move(word)});
    const size_t mask = m_slots.size() - 1;
    size_t i = hash & mask;
    while (m_slots[i].entry != 0)
        i = (i + 1) & mask;
    m_slots[i] = Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(m_entries.size())};
    return m_entries.back();
}

void StemFilter::WordTable::Grow()
{
    std::vector<Slot> slots(std::max<size_t>(1024, m_slots.size() * 2));
    const size_t mask = slots.size() - 1;
    for (size_t e = 0; e < m_entries.size(); ++e) {
        const size_t hash = StringHash{}(m_entries[e].key);
        size_t i = hash & mask;
        while (slots[i].entry != 0)
            i = (i + 1) & mask;
        slots[i] = Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(e + 1)};
    }
    m_slots = std::move(slots);
}

void StemFilter::WordTable::Clear()
{
    m_slots.clear();
    m_entries.clear();
}

void StemFilter::Count(const std::string& word, Word& w)
{
    // The knowledge base empties the maps after collecting them, which
    // invalidates the cached counters: look them up again then.
    if (w.docs.empty() || m_uses->generation != w.generation) {
        w.uses = word.size() >= 2 ? &m_uses->delta[word] : nullptr;
        w.docs.clear();
        w.docs.push_back(&m_uses->docs[word]);
        for (const auto& stem : w.stems)
            w.docs.push_back(&m_uses->docs[stem]);
        w.generation = m_uses->generation;
    }
    if (w.uses) {
        if (m_uses->undo)
            --*w.uses; // only ever takes back what was counted: no wrap below zero
        else
            ++*w.uses;
    }
    if (m_uses->direction == 0)
        return;
    for (TermDocs* d : w.docs)
        if (d->last_article != m_uses->article) {
            d->last_article = m_uses->article;
            d->delta += m_uses->direction;
        }
}

} // namespace civic::kb
