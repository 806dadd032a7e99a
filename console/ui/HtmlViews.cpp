#include "ui/HtmlViews.h"

#include <civic/kb/Html.h>

#include <wx/intl.h>
#include <wx/utils.h>

namespace civic::ui {

SafeHtmlView::SafeHtmlView(wxWindow* parent, const wxString& name, LinkFn on_link)
    : wxHtmlWindow(parent, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxHW_SCROLLBAR_AUTO),
      m_on_link(std::move(on_link))
{
    SetName(name);
}

void SafeHtmlView::OnLinkClicked(const wxHtmlLinkInfo& link)
{
    const wxString href = link.GetHref();
    if (m_on_link && m_on_link(href))
        return;
    if (href.StartsWith("http://") || href.StartsWith("https://") || href.StartsWith("mailto:"))
        wxLaunchDefaultBrowser(href);
}

wxString ContentHtml(const kb::Content& c, const wxString& heading_note)
{
    wxString html = "<html><body><h3>" + U(kb::EscapeHtml(c.title)) + "</h3>";
    if (!heading_note.empty())
        html += "<p><font color=\"#9a4d00\"><b>" + heading_note + "</b></font></p>";
    if (!c.summary.empty())
        html += "<p><i>" + U(kb::EscapeHtml(c.summary)) + "</i></p>";
    html += U(c.body);
    html += "<hr><font size=\"-1\" color=\"#555555\">" + U(kb::EscapeHtml(c.category));
    if (!c.keywords.empty())
        html += " \u00b7 " + wxString::Format(_("Keywords: %s"), U(kb::EscapeHtml(c.keywords)));
    if (!c.service_codes.empty())
        html += " \u00b7 " + wxString::Format(_("Service: %s"), U(kb::EscapeHtml(c.service_codes)));
    if (!c.owner.empty())
        html += " \u00b7 " + wxString::Format(_("Owner: %s"), U(kb::EscapeHtml(c.owner)));
    if (!c.review_by.empty())
        html += " \u00b7 " + wxString::Format(_("Review by %s"), U(kb::EscapeHtml(c.review_by)));
    html += "</font></body></html>";
    return html;
}

wxString DiffHtml(const std::vector<kb::DiffLine>& lines)
{
    wxString html = "<html><body><table width=\"100%\" cellspacing=\"0\" cellpadding=\"2\">";
    bool any_change = false;
    for (const auto& l : lines) {
        const wxString text = U(kb::EscapeHtml(l.text));
        switch (l.kind) {
        case kb::DiffLine::Same:
            html += "<tr><td width=\"16\"></td><td>" + text + "</td></tr>";
            break;
        case kb::DiffLine::Added:
            any_change = true;
            html += "<tr bgcolor=\"#dcf5dc\"><td width=\"16\"><b>+</b></td><td>" + text + "</td></tr>";
            break;
        case kb::DiffLine::Removed:
            any_change = true;
            html += L"<tr bgcolor=\"#fadcdc\"><td width=\"16\"><b>\u2212</b></td><td><s>" + text +
                    "</s></td></tr>";
            break;
        }
    }
    html += "</table>";
    if (!any_change)
        html += "<p><i>" + _("The two revisions have the same content.") + "</i></p>";
    return html + "</body></html>";
}

} // namespace civic::ui
