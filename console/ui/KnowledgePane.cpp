#include "ui/KnowledgePane.h"

#include "ui/Async.h"
#include "ui/HtmlViews.h"

#include <civic/kb/Html.h>

#include <wx/button.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/clipbrd.h>
#include <wx/filename.h>
#include <wx/html/htmlwin.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/textdlg.h>
#include <wx/uilocale.h>
#include <wx/utils.h>
#include <wx/wrapsizer.h>

namespace civic::ui {
namespace {

constexpr int kPauseMs = 1500;

wxString LanguageName(const std::string& code)
{
    const wxLanguageInfo* info = wxUILocale::FindLanguageInfo(U(code));
    if (!info)
        return U(code);
    return info->DescriptionNative.empty() ? info->Description : info->DescriptionNative;
}

} // namespace

class KnowledgePane::ResultList : public wxHtmlListBox
{
public:
    explicit ResultList(KnowledgePane* pane)
        : wxHtmlListBox(pane, wxID_ANY, wxDefaultPosition, wxDefaultSize, wxBORDER_THEME),
          m_pane(pane)
    {
        SetName("knowledge_results");
    }

protected:
    wxString OnGetItem(size_t n) const override { return m_pane->ResultHtml(n); }

private:
    KnowledgePane* m_pane;
};

KnowledgePane::KnowledgePane(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                             InsertFn insert_into_notes)
    : wxPanel(parent, wxID_ANY), m_service(service), m_actor(std::move(actor)),
      m_insert(std::move(insert_into_notes)), m_pause(this)
{
    SetName("knowledge_pane");
    m_search = new wxSearchCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                                wxTE_PROCESS_ENTER);
    m_search->SetName("knowledge_search");
    m_search->SetDescriptiveText(_("Search the knowledge base (Ctrl+K)"));
    m_search->ShowCancelButton(true);

    m_language = new wxChoice(this, wxID_ANY);
    m_language->SetName("knowledge_language");
    m_language->Append(_("All languages"));
    m_language_codes.push_back("");
    m_language->SetSelection(0);

    auto* top = new wxBoxSizer(wxHORIZONTAL);
    top->Add(m_search, 1, wxEXPAND | wxRIGHT, FromDIP(6));
    top->Add(m_language, 0, wxALIGN_CENTER_VERTICAL);

    m_results = new ResultList(this);
    m_view = new SafeHtmlView(this, "article_view", [this](const wxString& href) {
        wxString rest;
        long n = 0;
        if (href.StartsWith("article:", &rest) && rest.ToLong(&n)) {
            OpenArticle(n);
            return true;
        }
        if (href.StartsWith("attachment:", &rest) && rest.ToLong(&n)) {
            OpenAttachment(static_cast<size_t>(n));
            return true;
        }
        return false;
    });

    m_insert_button = new wxButton(this, wxID_ANY, _("&Insert into notes"));
    // Not wxID_COPY: GTK would show its own stock label, in the desktop's language.
    m_copy_button = new wxButton(this, wxID_ANY, _("&Copy"));
    m_helpful = new wxButton(this, wxID_ANY, _("Helpful"));
    m_not_helpful = new wxButton(this, wxID_ANY, _("Not helpful"));
    m_problem = new wxButton(this, wxID_ANY, _("Report a &problem..."));
    for (wxButton* b : {m_insert_button, m_copy_button, m_helpful, m_not_helpful, m_problem})
        b->Disable();
    // Wraps onto a second row when the pane is narrow.
    auto* actions = new wxWrapSizer(wxHORIZONTAL);
    for (wxButton* b : {m_insert_button, m_copy_button, m_helpful, m_not_helpful, m_problem})
        actions->Add(b, 0, wxRIGHT | wxBOTTOM, FromDIP(4));

    m_status = new wxStaticText(this, wxID_ANY, _("Opening the knowledge base..."));
    m_status->SetName("knowledge_status");

    auto* sizer = new wxBoxSizer(wxVERTICAL);
    sizer->Add(top, 0, wxEXPAND | wxALL, FromDIP(6));
    sizer->Add(m_status, 0, wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    sizer->Add(m_results, 2, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(6));
    sizer->Add(m_view, 3, wxEXPAND | wxALL, FromDIP(6));
    sizer->Add(actions, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    SetSizer(sizer);

    m_search->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { OnSearchText(); });
    m_search->Bind(wxEVT_SEARCHCTRL_CANCEL_BTN, [this](wxCommandEvent&) { m_search->Clear(); });
    // Enter opens the top hit; Down moves into the results.
    // Enter opens the top hit of the text as typed now — not of results still
    // showing from an earlier keystroke — so it waits for this search.
    m_search->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        RunSearch(true);
        m_open_top_of = m_generation->load();
    });
    m_search->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_DOWN && !m_hits.empty()) {
            m_results->SetFocus();
            m_results->SetSelection(0);
            ShowSelected();
            return;
        }
        e.Skip();
    });
    m_results->Bind(wxEVT_LISTBOX, [this](wxCommandEvent&) { ShowSelected(); });
    m_results->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_ESCAPE) {
            FocusPrimary();
            return;
        }
        if (e.GetKeyCode() == WXK_UP && m_results->GetSelection() == 0) {
            FocusPrimary();
            return;
        }
        e.Skip();
    });
    m_language->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { RunSearch(false); });
    // A timer with an owner notifies the owner, not itself.
    Bind(
        wxEVT_TIMER,
        [this](wxTimerEvent&) {
            if (m_hits.empty() && !m_search->IsEmpty())
                RunSearch(true); // records the query for the knowledge managers
        },
        m_pause.GetId());
    m_insert_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { InsertShown(); });
    m_copy_button->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (!m_shown || !wxTheClipboard->Open())
            return;
        const auto& c = m_shown->content;
        wxTheClipboard->SetData(new wxTextDataObject(
            U(c.title + " [" + m_shown->uid + "]\n\n" + kb::HtmlToText(c.body))));
        wxTheClipboard->Close();
        SetStatus(_("Copied to the clipboard."));
    });
    m_helpful->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Flag(kb::FlagKind::Helpful); });
    m_not_helpful->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Flag(kb::FlagKind::NotHelpful); });
    m_problem->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        wxArrayString kinds;
        kinds.Add(_("Outdated"));
        kinds.Add(_("Wrong"));
        const int kind = wxGetSingleChoiceIndex(_("What is the problem with this article?"),
                                                _("Report a problem"), kinds, 0, this);
        if (kind >= 0)
            Flag(kind == 0 ? kb::FlagKind::Outdated : kb::FlagKind::Wrong);
    });

    // Ready when the service has opened the store: list its languages.
    m_service.Languages(
        OnWindow(this, [this](Result<std::vector<std::string>> langs) {
            if (!langs) {
                SetStatus(wxString::Format(_("The knowledge base is unavailable: %s"),
                                           U(langs.Err().message)));
                return;
            }
            for (const auto& code : langs.Value()) {
                m_language->Append(LanguageName(code));
                m_language_codes.push_back(code);
            }
            SetStatus(_("Type to search. Enter opens the top answer."));
        }));
}

void KnowledgePane::FocusPrimary()
{
    m_search->SetFocus();
    m_search->SelectAll();
}

wxString KnowledgePane::ResultTitle(size_t i) const
{
    return i < m_hits.size() ? U(m_hits[i].title) : wxString();
}

wxString KnowledgePane::ResultHtml(size_t i) const
{
    if (i >= m_hits.size())
        return {};
    const auto& h = m_hits[i];
    std::string snippet = kb::EscapeHtml(h.snippet);
    for (auto& c : snippet)
        if (c == '\n')
            c = ' ';
    snippet = kb::ReplaceMarks(snippet, "<b><font color=\"#9a4d00\">", "</font></b>");
    return "<b>" + U(kb::EscapeHtml(h.title)) + "</b> <font color=\"#666666\" size=\"-1\">" +
           U(kb::EscapeHtml(h.category)) + L" \u00b7 " + U(h.language) + "</font><br>" +
           "<font size=\"-1\">" + U(snippet) + "</font>";
}

wxHtmlListBox* KnowledgePane::Results() { return m_results; }

std::optional<std::int64_t> KnowledgePane::ShownArticle() const
{
    return m_shown ? std::optional<std::int64_t>(m_shown->id) : std::nullopt;
}

wxString KnowledgePane::ShownTitle() const { return m_shown ? U(m_shown->content.title) : wxString(); }

wxString KnowledgePane::StatusText() const { return m_status->GetLabel(); }

void KnowledgePane::SetStatus(const wxString& text)
{
    m_status->SetLabel(text);
    Layout();
}

bool KnowledgePane::InsertShown()
{
    if (!m_shown || !m_insert)
        return false;
    m_insert(NoteTextForShown());
    return true;
}

wxString KnowledgePane::NoteTextForShown() const
{
    if (!m_shown)
        return {};
    const auto& c = m_shown->content;
    // Title and id let whoever reads the notes find the same article.
    std::string text = "[KB " + m_shown->uid + "] " + c.title;
    if (!c.summary.empty())
        text += ": " + c.summary;
    return U(text);
}

void KnowledgePane::OnSearchText()
{
    m_pause.StartOnce(kPauseMs);
    RunSearch(false);
}

void KnowledgePane::RunSearch(bool finished)
{
    const std::uint64_t generation = ++*m_generation;
    kb::SearchQuery q;
    q.text = m_search->GetValue().utf8_string();
    const int lang = m_language->GetSelection();
    q.language = lang > 0 ? m_language_codes[static_cast<size_t>(lang)] : std::string();
    q.record_if_empty = finished;
    const auto actor = m_actor();
    // Managers also find drafts and articles in review; agents read published ones.
    if (MayEditKnowledge(actor.role))
        q.status.reset();
    if (q.text.find_first_not_of(" \t") == std::string::npos) {
        ShowHits({});
        return;
    }
    auto latest = m_generation;
    m_service.Search(
        q, [latest, generation] { return latest->load() == generation; }, // else a newer keystroke is queued
        OnWindow(this, [this, generation](Result<std::vector<kb::SearchHit>> hits) {
            if (m_generation->load() != generation)
                return;
            if (!hits) {
                SetStatus(U(hits.Err().message));
                return;
            }
            ShowHits(std::move(hits).Value());
            if (m_open_top_of == generation && !m_hits.empty()) {
                m_results->SetSelection(0);
                ShowSelected();
            }
        }));
}

void KnowledgePane::StartOver()
{
    m_pause.Stop();
    ++*m_generation; // a search still running for the last caller is dropped
    m_search->ChangeValue(wxString());
    m_shown.reset();
    m_view->SetPage(wxString());
    for (wxButton* b : {m_insert_button, m_copy_button, m_helpful, m_not_helpful, m_problem})
        b->Disable();
    ShowHits({});
}

void KnowledgePane::ShowHits(std::vector<kb::SearchHit> hits)
{
    m_hits = std::move(hits);
    m_results->SetItemCount(m_hits.size());
    m_results->RefreshAll();
    if (m_search->IsEmpty())
        SetStatus(_("Type to search. Enter opens the top answer."));
    else if (m_hits.empty())
        SetStatus(_("No article matches. Try other words."));
    else
        SetStatus(wxString::Format(wxPLURAL("%zu article", "%zu articles", m_hits.size()),
                                   m_hits.size()));
}

void KnowledgePane::ShowSelected()
{
    const int sel = m_results->GetSelection();
    if (sel >= 0 && static_cast<size_t>(sel) < m_hits.size())
        OpenArticle(m_hits[static_cast<size_t>(sel)].id);
}

void KnowledgePane::OpenArticle(std::int64_t id)
{
    m_service.Read(id,
        OnWindow(this, [this](Result<kb::ArticleView> loaded) {
            if (!loaded) {
                SetStatus(U(loaded.Err().message));
                return;
            }
            ShowArticle(loaded->article, loaded->translations);
        }));
}

void KnowledgePane::ShowArticle(const kb::Article& a, const std::vector<kb::Article>& translations)
{
    m_shown = a;
    const auto& c = a.content;
    wxString html = "<html><body><h3>" + U(kb::EscapeHtml(c.title)) + "</h3>";
    if (a.status != kb::Status::Published)
        html += "<p><font color=\"#9a4d00\"><b>" +
                wxString::Format(_("Not published: %s"), U(std::string(kb::ToString(a.status)))) +
                "</b></font></p>";
    if (!c.summary.empty())
        html += "<p><i>" + U(kb::EscapeHtml(c.summary)) + "</i></p>";
    html += U(c.body);
    html += "<hr><font size=\"-1\" color=\"#555555\">";
    if (!translations.empty()) {
        html += _("Also in:");
        for (const auto& t : translations)
            html += wxString::Format(" <a href=\"article:%lld\">%s</a>",
                                     static_cast<long long>(t.id), LanguageName(t.content.language));
        html += "<br>";
    }
    if (!a.attachments.empty()) {
        html += _("Attachments:");
        for (size_t i = 0; i < a.attachments.size(); ++i)
            html += wxString::Format(" <a href=\"attachment:%zu\">%s</a>", i,
                                     U(kb::EscapeHtml(a.attachments[i].name)));
        html += "<br>";
    }
    html += U(kb::EscapeHtml(c.category));
    if (!c.service_codes.empty())
        html += " \u00b7 " + wxString::Format(_("Service: %s"), U(kb::EscapeHtml(c.service_codes)));
    html += L" \u00b7 " + U(a.uid);
    if (!c.review_by.empty())
        html += " \u00b7 " + wxString::Format(_("Review by %s"), U(c.review_by));
    html += "</font></body></html>";
    m_view->SetPage(html);
    for (wxButton* b : {m_insert_button, m_copy_button, m_helpful, m_not_helpful, m_problem})
        b->Enable();
}

void KnowledgePane::OpenAttachment(size_t index)
{
    if (!m_shown || index >= m_shown->attachments.size())
        return;
    const auto& path = m_shown->attachments[index].path;
    // The system viewer opens it; an attachment is never run by the console.
    if (!wxFileName::FileExists(U(path)) || !wxLaunchDefaultApplication(U(path)))
        SetStatus(wxString::Format(_("The attachment %s could not be opened."), U(path)));
}

void KnowledgePane::Flag(kb::FlagKind kind)
{
    if (!m_shown)
        return;
    std::string comment;
    if (kind == kb::FlagKind::Outdated || kind == kb::FlagKind::Wrong) {
        wxTextEntryDialog ask(this, _("What should a knowledge manager change?"),
                              _("Report a problem"), wxEmptyString, wxOK | wxCANCEL | wxTE_MULTILINE);
        if (ask.ShowModal() != wxID_OK)
            return;
        comment = ask.GetValue().utf8_string();
    }
    const auto actor = m_actor();
    const auto id = m_shown->id;
    m_service.Flag(actor, id, kind, comment,
        OnWindow(this, [this](Result<void> r) {
            SetStatus(r ? _("Thank you: the knowledge managers will see it.")
                        : U(r.Err().message));
        }));
}

} // namespace civic::ui
