// HTML shown inside the console: article content, revision diffs, and the
// window that renders them without fetching or running anything.
#pragma once

#include "ui/Utf8.h"

#include <civic/kb/Article.h>
#include <civic/kb/Diff.h>

#include <wx/html/htmlwin.h>

#include <functional>
#include <string>
#include <vector>

namespace civic::ui {


// Article bodies are sanitised when stored; the view still refuses to fetch
// anything (wxHtmlWindow would load <img> sources) and hands links to the
// caller, or to the desktop for web and mail links.
class SafeHtmlView : public wxHtmlWindow
{
public:
    using LinkFn = std::function<bool(const wxString& href)>; // true = handled

    SafeHtmlView(wxWindow* parent, const wxString& name, LinkFn on_link = {});

    wxHtmlOpeningStatus OnOpeningURL(wxHtmlURLType, const wxString&, wxString*) const override
    {
        return wxHTML_BLOCK;
    }
    void OnLinkClicked(const wxHtmlLinkInfo& link) override;

private:
    LinkFn m_on_link;
};

// Title, summary, body and the fields around them, as one page.
wxString ContentHtml(const kb::Content& c, const wxString& heading_note = {});

// Added lines on green, removed on red with strike-through.
wxString DiffHtml(const std::vector<kb::DiffLine>& lines);

} // namespace civic::ui
