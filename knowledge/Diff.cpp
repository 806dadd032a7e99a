#include <civic/kb/Diff.h>

#include <civic/kb/Html.h>

#include <algorithm>

namespace civic::kb {
namespace {

std::vector<std::string> SplitLines(std::string_view s)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= s.size()) {
        size_t nl = s.find('\n', start);
        if (nl == std::string_view::npos)
            nl = s.size();
        lines.emplace_back(s.substr(start, nl - start));
        start = nl + 1;
    }
    if (!lines.empty() && lines.back().empty())
        lines.pop_back();
    return lines;
}

} // namespace

std::vector<DiffLine> DiffLines(std::string_view a, std::string_view b)
{
    const auto x = SplitLines(a);
    const auto y = SplitLines(b);
    const size_t n = x.size(), m = y.size();
    // Articles are a few hundred lines at most: the quadratic table is fine.
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (size_t i = n; i-- > 0;)
        for (size_t j = m; j-- > 0;)
            lcs[i][j] = x[i] == y[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<DiffLine> out;
    size_t i = 0, j = 0;
    while (i < n && j < m) {
        if (x[i] == y[j]) {
            out.push_back({DiffLine::Same, x[i]});
            ++i;
            ++j;
        } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push_back({DiffLine::Removed, x[i++]});
        } else {
            out.push_back({DiffLine::Added, y[j++]});
        }
    }
    while (i < n)
        out.push_back({DiffLine::Removed, x[i++]});
    while (j < m)
        out.push_back({DiffLine::Added, y[j++]});
    return out;
}

std::vector<DiffLine> DiffContent(const Content& a, const Content& b)
{
    std::vector<DiffLine> out;
    auto field = [&](const char* name, const std::string& x, const std::string& y) {
        if (x == y)
            return;
        out.push_back({DiffLine::Removed, std::string(name) + ": " + x});
        out.push_back({DiffLine::Added, std::string(name) + ": " + y});
    };
    field("Title", a.title, b.title);
    field("Summary", a.summary, b.summary);
    field("Keywords", a.keywords, b.keywords);
    field("Category", a.category, b.category);
    field("Service codes", a.service_codes, b.service_codes);
    field("Language", a.language, b.language);
    field("Audience", std::string(ToString(a.audience)), std::string(ToString(b.audience)));
    field("Owner", a.owner, b.owner);
    field("Review by", a.review_by, b.review_by);
    for (auto& line : DiffLines(HtmlToText(a.body), HtmlToText(b.body)))
        out.push_back(std::move(line));
    return out;
}

} // namespace civic::kb
