// CSV from managers' spreadsheets.
#include <civic/Csv.h>
#include <civic/kb/Html.h>
#include <civic/kb/KnowledgeBase.h>

#include "ExchangeInternal.h"
#include <civic/kb/StemFilter.h>

#include <pugixml.hpp>

#include <algorithm>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>
#include <fstream>
#include <sstream>

namespace civic::kb {

using namespace detail;

namespace {

// Plain text from a spreadsheet cell becomes paragraphs; HTML stays HTML.
std::string BodyFromCell(const std::string& cell)
{
    if (cell.find('<') != std::string::npos && cell.find('>') != std::string::npos)
        return cell;
    std::string html, para;
    std::istringstream in(cell);
    std::string line;
    auto flush = [&] {
        if (!para.empty())
            html += "<p>" + EscapeHtml(para) + "</p>";
        para.clear();
    };
    while (std::getline(in, line)) {
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            flush();
        else
            para += (para.empty() ? "" : " ") + line;
    }
    flush();
    return html;
}

} // namespace

Result<int> KnowledgeBase::ImportCsv(const std::filesystem::path& file, const Actor& actor)
{
    if (auto r = Require(actor, true); !r)
        return r.Err();
    auto batch = ReadCsv(file, actor);
    if (!batch)
        return batch.Err();
    return Apply(batch.Value(), actor);
}

Result<KnowledgeBase::ImportBatch> KnowledgeBase::ReadCsv(const std::filesystem::path& file,
                                                          const Actor& actor)
{
    auto read = ReadImportFile(file);
    if (!read)
        return read.Err();
    const std::string& text = read.Value();
    const std::string name = file.string();
    auto rows = ParseCsv(text, name);
    if (!rows)
        return rows.Err();
    if (rows->empty())
        return Error{ErrorKind::Parse, name + ": the file is empty"};
    const auto& header = rows->front().second;
    std::map<std::string, size_t> col;
    static const std::vector<std::string> kKnown = {
        "uid", "translation_group", "title", "summary", "body", "keywords", "category",
        "service_codes", "language", "audience", "status", "owner", "review_by"};
    for (size_t i = 0; i < header.size(); ++i) {
        std::string h;
        for (char c : header[i])
            h += c == ' ' || c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (std::find(kKnown.begin(), kKnown.end(), h) == kKnown.end())
            return Error{ErrorKind::Parse, name + ": line 1: unknown column '" + header[i] + "'"};
        col[h] = i;
    }
    if (!col.count("title") || !col.count("body"))
        return Error{ErrorKind::Parse, name + ": line 1: the columns title and body are required"};
    ImportBatch batch;
    for (size_t r = 1; r < rows->size(); ++r) {
        // Named, not a structured binding: lambdas may not capture those
        // before C++20's fix is in every compiler (clang 14).
        const int line = rows.Value()[r].first;
        const std::vector<std::string>& cells = rows.Value()[r].second;
        auto cell = [&](const char* c) -> std::string {
            auto it = col.find(c);
            return it != col.end() && it->second < cells.size() ? cells[it->second] : std::string();
        };
        if (cells.size() != header.size())
            return Error{ErrorKind::Parse, name + ": line " + std::to_string(line) + ": " +
                                               std::to_string(cells.size()) + " columns, the header has " +
                                               std::to_string(header.size())};
        ImportBatch::Item item;
        item.where = name + ": line " + std::to_string(line);
        item.uid = cell("uid");
        item.group = cell("translation_group");
        item.content.title = cell("title");
        item.content.summary = cell("summary");
        item.content.body = BodyFromCell(cell("body"));
        item.content.keywords = cell("keywords");
        item.content.category = cell("category");
        item.content.service_codes = cell("service_codes");
        item.content.language = cell("language").empty() ? "en" : cell("language");
        item.content.owner = cell("owner").empty() ? actor.name : cell("owner");
        item.content.review_by = cell("review_by");
        const std::string status = cell("status").empty() ? "draft" : cell("status");
        const std::string audience = cell("audience").empty() ? "agent" : cell("audience");
        if (!StatusFromString(status))
            return Error{ErrorKind::Invalid, item.where + ": status '" + status + "' is not draft, review, published or archived"};
        if (!AudienceFromString(audience))
            return Error{ErrorKind::Invalid, item.where + ": audience must be agent or public"};
        item.status = *StatusFromString(status);
        item.content.audience = *AudienceFromString(audience);
        batch.items.push_back(std::move(item));
    }
    return batch;
}


} // namespace civic::kb
