// Article bodies are HTML from editors, imports and other sites. Everything
// stored passes SanitizeHtml first: an allow-list of tags and attributes, no
// scripts, no styles, no images or other remote loads, no event handlers, only
// http(s), mailto and tel links. What is not allowed is dropped, its text kept
// (except the content of script, style and similar elements).
#pragma once

#include <string>
#include <string_view>

namespace civic::kb {

std::string SanitizeHtml(std::string_view html);

// Plain text of an HTML fragment: tags removed, entities decoded, one line per
// block element. Used for indexing, snippets and diffs.
std::string HtmlToText(std::string_view html);

// Escapes &, <, >, " for use in HTML text or attribute values.
std::string EscapeHtml(std::string_view text);

} // namespace civic::kb
