// Differences between two revisions, line by line, for the history view.
#pragma once

#include <civic/kb/Article.h>

#include <string>
#include <string_view>
#include <vector>

namespace civic::kb {

struct DiffLine
{
    enum Kind
    {
        Same,
        Added,
        Removed
    } kind;
    std::string text;
};

// Longest-common-subsequence diff of the lines of a and b.
std::vector<DiffLine> DiffLines(std::string_view a, std::string_view b);

// The fields that changed ("Title: …") followed by the body's text, line by line.
std::vector<DiffLine> DiffContent(const Content& before, const Content& after);

} // namespace civic::kb
