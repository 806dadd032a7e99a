// civic::store — the hooks FTS5 offers, without SQLite's types: a filter
// over the unicode61 tokenizer's tokens (stems, synonyms, stop words) and a
// ranking function over a matching row's statistics. What they do is search
// logic and lives with the search (knowledge/); this is only the plumbing
// (TextIndex.cpp), registered through Database.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace civic::store {

class Database;

// Receives the terms a TokenFilter wants indexed for one token.
class TokenSink
{
public:
    virtual ~TokenSink() = default;
    // The first call for a token is its main term; later calls for the same token
    // are indexed at the same position (synonyms, stems).
    virtual void Add(std::string_view term) = 0;
};

// The terms a filter made of one text, in order, with their positions: made
// ahead of time (Tokenizer, on any thread) and indexed later in place of
// tokenizing the text again (TokenFilter::Prepared).
struct TokenStream
{
    struct Term
    {
        std::uint32_t offset; // into bytes
        std::uint32_t size;
        int start; // byte offsets of the token in text
        int end;
        bool colocated; // at the position of the term before it (a stem)
    };
    std::string text;
    std::string bytes;
    std::vector<Term> terms;
};

// Turns each token of SQLite's unicode61 tokenizer (lower-cased, diacritics
// removed: "Garbáge" -> "garbage") into the terms to index — the token itself,
// its stems — or into nothing (a stop word). One instance serves one FTS5 table
// on one connection, so it may keep caches without locking.
class TokenFilter
{
public:
    virtual ~TokenFilter() = default;
    enum class Mode
    {
        Document, // indexing: add every term to index
        Query,    // a MATCH expression whose terms the caller expanded: the token alone
        Aux,      // re-reading a row for snippet() or highlight(): positions only, so
                  // add the main term and skip the rest (it must drop what Document drops)
    };
    virtual void Filter(std::string_view token, Mode mode, TokenSink& sink) = 0;
    // Terms made earlier for this text, to be indexed as they are instead of
    // tokenizing it again; null if there are none. Asked for each text FTS5
    // indexes (Document mode) before tokenizing it.
    virtual const TokenStream* Prepared(std::string_view text)
    {
        (void)text;
        return nullptr;
    }
};

// A registered tokenizer's work done away from any connection: unicode61
// (remove_diacritics 2) and a filter, recording the terms a Document-mode
// tokenization gives FTS5. Made by Database::NewTokenizer; usable on any one
// thread at a time, since it shares nothing with the connection after that.
class Tokenizer
{
public:
    ~Tokenizer();
    Tokenizer(const Tokenizer&) = delete;
    Tokenizer& operator=(const Tokenizer&) = delete;
    // Replaces out's text and terms with those of text.
    void Tokenize(std::string text, TokenStream& out);

private:
    friend class Database;
    struct Base;
    Tokenizer(std::unique_ptr<Base> base, std::unique_ptr<TokenFilter> filter);
    std::unique_ptr<Base> m_base;
    std::unique_ptr<TokenFilter> m_filter;
};

// A folded token and where it stands in the original text (byte offsets).
struct Token
{
    std::string text;
    int start;
    int end;
};

// What a ranking function sees of one row of an FTS5 query: the table's
// statistics, the phrases of the MATCH expression and where they occur in
// this row, and the arguments after the table. A failure reading any of it
// makes the call's result an error, whatever the score.
class RankRow
{
public:
    virtual ~RankRow() = default;
    virtual std::int64_t RowCount() = 0;    // rows in the table
    virtual std::int64_t TotalTokens() = 0; // tokens in every row and column
    virtual int ColumnCount() = 0;
    virtual int PhraseCount() = 0;
    // Rows holding the phrase: reads its whole doclist, so once per query.
    virtual std::int64_t RowsWithPhrase(int phrase) = 0;
    virtual int RowTokens() = 0; // tokens in this row, all columns
    struct Hit
    {
        int phrase;
        int column;
        int offset;
    };
    virtual int HitCount() = 0;
    virtual Hit HitAt(int i) = 0;
    virtual int ArgCount() = 0; // arguments after the table
    virtual double ArgReal(int i) = 0;
    virtual std::string_view ArgText(int i) = 0; // empty for NULL
};

// A ranking function's state for one query, made on its first row; scores
// every row. Lower is better, as with FTS5's bm25().
class RankQuery
{
public:
    virtual ~RankQuery() = default;
    virtual double Score(RankRow& row) = 0;
};

using RankStart = std::function<std::unique_ptr<RankQuery>(RankRow& first_row)>;

} // namespace civic::store
