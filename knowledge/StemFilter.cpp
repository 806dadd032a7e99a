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
    auto it = m_words.find(token);
    if (it == m_words.end()) {
        if (m_words.size() >= kMaxCachedWords)
            m_words.clear();
        Word w;
        w.stop = m_stop_words && m_stop_words->find(token) != m_stop_words->end();
        if (!w.stop)
            w.stems = m_stemmer.StemsOf(token);
        it = m_words.emplace(std::string(token), std::move(w)).first;
    }
    Word& w = it->second;
    if (w.stop)
        return;
    sink.Add(token);
    if (mode == Mode::Aux)
        return; // snippets need positions, not stems
    for (const auto& stem : w.stems)
        sink.Add(stem);
    if (m_uses)
        Count(it->first, w);
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
    if (w.uses)
        ++*w.uses;
    if (m_uses->direction == 0)
        return;
    for (TermDocs* d : w.docs)
        if (d->last_article != m_uses->article) {
            d->last_article = m_uses->article;
            d->delta += m_uses->direction;
        }
}

} // namespace civic::kb
