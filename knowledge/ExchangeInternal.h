// Internal to civicdesk_knowledge: what the exchange files (the XML format,
// CSV, the import that writes both) share. Not installed.
#pragma once

#include <civic/kb/KnowledgeBase.h>

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace civic::kb {

// A file read and checked, not yet written: what Apply() stores in one transaction.
struct KnowledgeBase::ImportBatch
{
    struct Item
    {
        std::string uid;
        std::string group;
        Content content;
        Status status = Status::Draft;
        std::vector<Revision> revisions; // empty: one "imported" revision is made
        std::vector<Attachment> attachments;
        std::string where; // "line 12, <article>" for messages
    };
    std::vector<Item> items;
    std::vector<std::vector<std::string>> synonyms;
};

namespace detail {

// The whole import file. A file over 256 MB (some 40,000 articles) is
// refused: split it. Errors: Io, Invalid.
Result<std::string> ReadImportFile(const std::filesystem::path& file);
// The line (from 1) of a byte offset in buffer; 0 for none.
int LineAt(const std::string& buffer, std::ptrdiff_t offset);

} // namespace detail
} // namespace civic::kb
