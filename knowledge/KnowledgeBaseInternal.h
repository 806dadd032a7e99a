// Internal to civicdesk_knowledge: what the knowledge base's files (open
// and read, writing and history, feedback and autosave) share. Not installed.
#pragma once

#include <civic/kb/KnowledgeBase.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace civic::kb::detail {

inline constexpr const char* kArticleColumns =
    "id, uid, translation_group, language, title, summary, body, keywords, category, "
    "service_codes, audience, status, owner, review_by, revision, created_at, updated_at, "
    "working_copy_of, submitted_by, review_comment";

bool CanWrite(Role r);
Error Denied(const std::string& what);
// "Trash,  recycling ,," -> "trash, recycling": one spelling for comparisons.
std::string NormalizeList(std::string_view list);
// An article's fields trimmed, its body sanitised, checked. Errors: Invalid naming the field.
Result<Content> Clean(Content c);
// The lines of a word-list file, without blanks and # comments.
std::vector<std::string> ReadLines(const std::filesystem::path& file);

} // namespace civic::kb::detail
