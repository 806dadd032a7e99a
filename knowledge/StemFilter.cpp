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
    std::string key(word);
    if (auto it = m_cache.find(key); it != m_cache.end())
        return it->second;
    if (m_cache.size() >= kMaxCachedWords)
        m_cache.clear();
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
    return m_cache.emplace(std::move(key), std::move(stems)).first->second;
}

StemFilter::StemFilter(std::shared_ptr<const StopWords> stop_words,
                       const std::vector<std::string>& languages)
    : m_stop_words(std::move(stop_words)), m_stemmer(languages)
{
}

void StemFilter::Filter(std::string_view token, bool for_query, store::TokenSink& sink)
{
    if (for_query) {
        sink.Add(token); // the query builder has expanded the words already
        return;
    }
    if (m_stop_words && m_stop_words->find(token) != m_stop_words->end())
        return;
    sink.Add(token);
    for (const auto& stem : m_stemmer.Stems(token))
        sink.Add(stem);
}

} // namespace civic::kb
