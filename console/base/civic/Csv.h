// ParseCsv: spreadsheet exports (RFC 4180) for the importers of articles and
// contacts.
#pragma once

#include <civic/Result.h>

#include <string>
#include <utility>
#include <vector>

namespace civic {

// RFC 4180: quoted fields may hold commas, quotes ("") and line breaks.
// Returns rows with the line each starts on; error names the line.
inline Result<std::vector<std::pair<int, std::vector<std::string>>>> ParseCsv(const std::string& text,
                                                                     const std::string& file)
{
    std::vector<std::pair<int, std::vector<std::string>>> rows;
    std::vector<std::string> row;
    std::string field;
    bool quoted = false, field_started = false;
    int line = 1, row_line = 1;
    size_t i = 0;
    if (text.rfind("\xEF\xBB\xBF", 0) == 0)
        i = 3; // spreadsheet programs write a UTF-8 byte order mark
    for (; i < text.size(); ++i) {
        const char c = text[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < text.size() && text[i + 1] == '"') {
                    field += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                field += c;
            }
            continue;
        }
        if (c == '"') {
            if (field_started && !field.empty())
                return Error{ErrorKind::Parse, file + ": line " + std::to_string(line) +
                                                   ": a quote in the middle of an unquoted field"};
            quoted = true;
            field_started = true;
        } else if (c == ',') {
            row.push_back(std::move(field));
            field.clear();
            field_started = false;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n')
                ++i;
            row.push_back(std::move(field));
            field.clear();
            field_started = false;
            if (!(row.size() == 1 && row[0].empty()))
                rows.emplace_back(row_line, std::move(row));
            row.clear();
            ++line;
            row_line = line;
        } else {
            field += c;
            field_started = true;
        }
    }
    if (quoted)
        return Error{ErrorKind::Parse, file + ": line " + std::to_string(row_line) +
                                           ": a quoted field is never closed"};
    if (field_started || !row.empty()) {
        row.push_back(std::move(field));
        rows.emplace_back(row_line, std::move(row));
    }
    return rows;
}

} // namespace civic
