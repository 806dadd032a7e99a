#include "ui/ArticleEditor.h"

#include "ui/Async.h"
#include "ui/HistoryDialog.h"
#include "ui/HtmlViews.h"

#include <civic/kb/Html.h>

#include <wx/button.h>
#include <wx/choice.h>
#include <wx/datetime.h>
#include <wx/msgdlg.h>
#include <wx/notebook.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <chrono>

namespace civic::ui {
namespace {

// Typing pauses this long before the draft is written to the store.
constexpr int kAutosaveMs = 2000;
constexpr int kPreviewMs = 250;

std::string Trimmed(wxTextCtrl* t) { return t->GetValue().Strip(wxString::both).utf8_string(); }

wxString StatusName(kb::Status s)
{
    switch (s) {
    case kb::Status::Draft: return _("Draft");
    case kb::Status::Review: return _("In review");
    case kb::Status::Published: return _("Published");
    case kb::Status::Archived: return _("Archived");
    }
    return {};
}

// Stored bodies are one line of HTML; the editor shows one block per line so
// a manager can find their way in it. Only whitespace between tags changes.
wxString Readable(const std::string& html)
{
    wxString out = U(html);
    for (const char* tag : {"</p>", "</li>", "</h3>", "</h4>", "<ol>", "<ul>", "</ol>", "</ul>", "</tr>",
                            "<table>", "</table>", "<br>"}) {
        const wxString t(tag);
        out.Replace(t + "\n", t); // idempotent
        out.Replace(t, t + "\n");
    }
    out.Trim();
    return out;
}

std::string NewKey()
{
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    return "new:" + std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(now).count());
}

} // namespace

ArticleEditor::ArticleEditor(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                             std::int64_t article_id, std::optional<kb::Autosave> restored)
    : wxDialog(parent, wxID_ANY, _("Article editor"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER | wxMAXIMIZE_BOX),
      m_service(service), m_actor(std::move(actor)), m_autosave(this), m_preview_timer(this)
{
    Build(false);
    m_autosave_key = restored ? restored->key : (article_id ? "" : NewKey());
    if (article_id)
        Load(article_id);
    else {
        m_language->SetValue("en");
        m_owner->SetValue(U(m_actor().name));
        m_state->SetLabel(_("New article, not saved yet"));
        m_save->Enable();
    }
    // Over the article once it has loaded (Load), or over the empty form.
    m_restored = std::move(restored);
    if (!article_id)
        ApplyRestored();
}

void ArticleEditor::ApplyRestored()
{
    if (!m_restored)
        return;
    const kb::Autosave draft = std::move(*m_restored);
    m_restored.reset();
    SetContent(draft.content);
    m_dirty = true;
    ShowMessage(wxString::Format(_("Restored the changes autosaved at %s. Save to keep them."),
                                 wxDateTime(static_cast<time_t>(draft.saved_at)).FormatISOCombined(' ')),
                false);
}

ArticleEditor::ArticleEditor(wxWindow* parent, kb::KnowledgeService& service, ActorFn actor,
                             const kb::Content& start, MergeFn on_merge)
    : wxDialog(parent, wxID_ANY, _("Merge the two versions"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER | wxMAXIMIZE_BOX),
      m_service(service), m_actor(std::move(actor)), m_on_merge(std::move(on_merge)), m_autosave(this), m_preview_timer(this)
{
    Build(true);
    SetContent(start);
    m_state->SetLabel(_("Edit until the text is right for both; publishing shares it."));
    m_save->Enable();
}

void ArticleEditor::Build(bool merge_mode)
{
    SetName("article_editor");
    auto text = [&](const char* name, long style = 0) {
        auto* t = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, style);
        t->SetName(name);
        t->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { OnChanged(); });
        return t;
    };
    m_title = text("title");
    m_summary = text("summary", wxTE_MULTILINE);
    m_summary->SetMinSize(FromDIP(wxSize(-1, 44)));
    m_keywords = text("keywords");
    m_keywords->SetHint(_("words callers use, separated by commas"));
    m_category = text("category");
    m_category->SetHint(_("e.g. Sanitation/Trash and recycling"));
    m_services = text("service_codes");
    m_services->SetHint(_("Open311 service codes, separated by commas"));
    m_language = text("language");
    m_language->SetHint(L"en, es, zh-Hans\u2026");
    m_owner = text("owner");
    m_review_by = text("review_by");
    m_review_by->SetHint(_("YYYY-MM-DD"));
    m_audience = new wxChoice(this, wxID_ANY);
    m_audience->Append(_("Agent script"));
    m_audience->Append(_("Public"));
    m_audience->SetSelection(0);
    m_audience->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { OnChanged(); });

    auto* splitter = new wxSplitterWindow(this, wxID_ANY, wxDefaultPosition, wxDefaultSize,
                                          wxSP_LIVE_UPDATE | wxSP_3D);
    m_body = new wxTextCtrl(splitter, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize,
                            wxTE_MULTILINE | wxTE_RICH2);
    m_body->SetName("body");
    m_body->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { OnChanged(); });
    m_preview = new SafeHtmlView(splitter, "preview");
    splitter->SplitVertically(m_body, m_preview, FromDIP(480));
    splitter->SetSashGravity(0.5);
    splitter->SetMinimumPaneSize(FromDIP(120));

    auto* grid = new wxFlexGridSizer(4, FromDIP(wxSize(8, 6)));
    grid->AddGrowableCol(1, 1);
    grid->AddGrowableCol(3, 1);
    auto add = [&](const wxString& label, wxWindow* w) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        grid->Add(w, 1, wxEXPAND);
    };
    add(_("&Title:"), m_title);
    add(_("&Language:"), m_language);
    add(_("&Keywords:"), m_keywords);
    add(_("A&udience:"), m_audience);
    add(_("&Category:"), m_category);
    add(_("&Owner:"), m_owner);
    add(_("Ser&vice codes:"), m_services);
    add(_("&Review by:"), m_review_by);

    m_state = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_state->SetName("editor_state");
    m_message = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_message->SetName("editor_message");

    m_save = new wxButton(this, wxID_SAVE, merge_mode ? _("&Publish merge") : _("&Save"));
    m_save->SetToolTip(merge_mode ? _("Publish this text as the article, here and in the shared knowledge base")
                                  : _("Save a new revision of the draft (Ctrl+S)"));
    m_submit = new wxButton(this, wxID_ANY, _("Submit for re&view"));
    m_history = new wxButton(this, wxID_ANY, _("&History…"));
    auto* close = new wxButton(this, wxID_CLOSE, _("Close"));
    m_save->Disable();
    m_submit->Disable();
    m_history->Disable();
    m_submit->Show(!merge_mode);
    m_history->Show(!merge_mode);

    m_save->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        if (m_on_merge) {
            kb::Content c = GetContent();
            if (Validate(c)) {
                m_dirty = false;
                m_on_merge(c);
                EndModal(wxID_OK);
            }
            return;
        }
        Save();
    });
    m_submit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { SubmitForReview(); });
    m_history->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { ShowHistory(); });
    close->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Close(); });
    Bind(wxEVT_CLOSE_WINDOW, &ArticleEditor::OnClose, this);
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { AutosaveNow(); }, m_autosave.GetId());
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { UpdatePreview(); }, m_preview_timer.GetId());

    wxAcceleratorEntry keys[] = {{wxACCEL_CTRL, 'S', wxID_SAVE}};
    SetAcceleratorTable(wxAcceleratorTable(1, keys));
    Bind(wxEVT_MENU, [this](wxCommandEvent&) {
        wxCommandEvent click(wxEVT_BUTTON, wxID_SAVE);
        if (m_save->IsEnabled())
            m_save->GetEventHandler()->ProcessEvent(click);
    }, wxID_SAVE);

    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    buttons->Add(m_history, 0, wxRIGHT, FromDIP(6));
    buttons->AddStretchSpacer();
    buttons->Add(m_save, 0, wxRIGHT, FromDIP(6));
    buttons->Add(m_submit, 0, wxRIGHT, FromDIP(6));
    buttons->Add(close);

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 0, wxEXPAND | wxALL, FromDIP(10));
    top->Add(new wxStaticText(this, wxID_ANY, _("Su&mmary (read out first):")), 0, wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(m_summary, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(10));
    top->Add(new wxStaticText(this, wxID_ANY, _("&Body (HTML: p, ul, ol, li, b, i, a, h3, table) and preview:")),
             0, wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(splitter, 1, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(10));
    top->Add(m_state, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(m_message, 0, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(4));
    top->Add(buttons, 0, wxEXPAND | wxALL, FromDIP(10));
    SetSizer(top);
    SetSize(FromDIP(wxSize(980, 720)));
    CentreOnParent();
    m_title->SetFocus();
}

kb::Content ArticleEditor::GetContent() const
{
    kb::Content c;
    c.title = Trimmed(m_title);
    c.summary = Trimmed(m_summary);
    c.body = m_body->GetValue().utf8_string();
    c.keywords = Trimmed(m_keywords);
    c.category = Trimmed(m_category);
    c.service_codes = Trimmed(m_services);
    c.language = Trimmed(m_language);
    c.audience = m_audience->GetSelection() == 1 ? kb::Audience::Public : kb::Audience::Agent;
    c.owner = Trimmed(m_owner);
    c.review_by = Trimmed(m_review_by);
    return c;
}

void ArticleEditor::SetContent(const kb::Content& c)
{
    m_loading = true;
    m_title->ChangeValue(U(c.title));
    m_summary->ChangeValue(U(c.summary));
    m_body->ChangeValue(Readable(c.body));
    m_keywords->ChangeValue(U(c.keywords));
    m_category->ChangeValue(U(c.category));
    m_services->ChangeValue(U(c.service_codes));
    m_language->ChangeValue(U(c.language));
    m_audience->SetSelection(c.audience == kb::Audience::Public ? 1 : 0);
    m_owner->ChangeValue(U(c.owner));
    m_review_by->ChangeValue(U(c.review_by));
    m_loading = false;
    UpdatePreview();
}

void ArticleEditor::Load(std::int64_t id)
{
    const kb::Actor actor = m_actor();
    m_save->Disable();
    m_state->SetLabel(_("Opening…"));
    m_service.OpenForEditing(actor, id, OnWindow(this, [this](Result<kb::Article> a) {
        if (!a) {
            m_state->SetLabel(_("This article cannot be edited."));
            ShowMessage(U(a.Err().message), true);
            return;
        }
        Loaded(a.Value());
        ApplyRestored();
    }));
}

void ArticleEditor::Loaded(const kb::Article& a)
{
    m_id = a.id;
    m_uid = a.uid;
    m_revision = a.revision;
    if (m_autosave_key.empty() || m_autosave_key.starts_with("new:"))
        m_autosave_key = "article:" + std::to_string(a.id);
    if (!m_dirty)
        SetContent(a.content);
    wxString state = wxString::Format(_("%s · revision %d · %s"), StatusName(a.status), a.revision, U(a.uid));
    if (a.working_copy_of)
        state += " · " + _("working copy: agents read the published version until this is approved");
    m_state->SetLabel(state);
    if (!a.review_comment.empty())
        ShowMessage(wxString::Format(_("Sent back: %s"), U(a.review_comment)), true);
    SetTitle(wxString::Format(_("Article editor — %s"), U(a.content.title)));
    const bool editable = a.status == kb::Status::Draft;
    m_save->Enable(editable);
    m_submit->Enable(editable);
    m_history->Enable();
    for (wxTextCtrl* t : {m_title, m_summary, m_body, m_keywords, m_category, m_services, m_language,
                          m_owner, m_review_by})
        t->SetEditable(editable);
    if (a.status == kb::Status::Review)
        ShowMessage(wxString::Format(_("Waiting for review (submitted by %s)."), U(a.submitted_by)), false);
}

void ArticleEditor::OnChanged()
{
    if (m_loading)
        return;
    m_dirty = true;
    m_preview_timer.StartOnce(kPreviewMs);
    if (!m_on_merge)
        m_autosave.StartOnce(kAutosaveMs);
}

void ArticleEditor::UpdatePreview()
{
    kb::Content c = GetContent();
    c.body = kb::SanitizeHtml(c.body); // what will be stored, not what was typed
    m_preview->SetPage(ContentHtml(c));
}

void ArticleEditor::ShowMessage(const wxString& text, bool error)
{
    m_message->SetForegroundColour(error ? wxColour(176, 0, 32) : wxColour(0, 110, 50));
    m_message->SetLabel(text);
    Layout();
}

bool ArticleEditor::Validate(kb::Content& c)
{
    if (c.title.empty()) {
        ShowMessage(_("An article needs a title."), true);
        m_title->SetFocus();
        return false;
    }
    if (c.language.empty())
        c.language = "en";
    if (!c.review_by.empty()) {
        wxDateTime d;
        if (!d.ParseISODate(U(c.review_by)) || d.FormatISODate() != U(c.review_by)) {
            ShowMessage(_("Review by: use a date such as 2027-03-31."), true);
            m_review_by->SetFocus();
            return false;
        }
    }
    return true;
}

void ArticleEditor::AutosaveNow()
{
    if (!m_dirty || m_on_merge)
        return;
    kb::Autosave draft;
    draft.key = m_autosave_key;
    draft.article_id = m_id;
    draft.base_revision = m_revision;
    draft.content = GetContent();
    const kb::Actor actor = m_actor();
    m_service.SaveAutosave(actor, draft, OnWindow(this, [this](Result<void> r) {
        if (!r)
            ShowMessage(wxString::Format(_("Autosave failed: %s"), U(r.Err().message)), true);
        else
            ShowMessage(wxString::Format(_("Autosaved at %s"), wxDateTime::Now().FormatISOTime()), false);
    }));
}

void ArticleEditor::Save(std::function<void()> then)
{
    kb::Content c = GetContent();
    if (!Validate(c))
        return;
    m_autosave.Stop();
    const kb::Actor actor = m_actor();
    const std::int64_t id = m_id;
    const int revision = m_revision;
    const std::string key = m_autosave_key;
    m_save->Disable();
    m_service.SaveDraft(
        actor, id, revision, c, key,
        OnWindow(this, [this, then = std::move(then)](Result<kb::Article> a) {
            m_save->Enable();
            if (!a) {
                // Nothing typed is lost: the text stays here and in the autosave.
                ShowMessage(a.Err().kind == ErrorKind::Conflict
                                ? _("Someone saved this article since you opened it. Your text is "
                                    "still here and autosaved: copy what you need, close, and open it again.")
                                : wxString::Format(_("Not saved: %s"), U(a.Err().message)),
                            true);
                AutosaveNow();
                return;
            }
            m_dirty = false;
            m_autosave_key.clear();
            Loaded(a.Value());
            ShowMessage(wxString::Format(_("Saved as revision %d."), a->revision), false);
            if (then)
                then();
        }));
}

void ArticleEditor::SubmitForReview()
{
    auto submit = [this] {
        const kb::Actor actor = m_actor();
        const std::int64_t id = m_id;
        m_service.SubmitForReview(actor, id, OnWindow(this, [this](Result<kb::Article> a) {
            if (!a) {
                ShowMessage(wxString::Format(_("Not submitted: %s"), U(a.Err().message)), true);
                return;
            }
            Loaded(a.Value());
            ShowMessage(_("Submitted: another knowledge manager reviews it in the review queue."), false);
        }));
    };
    if (m_dirty || m_id == 0)
        Save(submit);
    else
        submit();
}

void ArticleEditor::ShowHistory()
{
    if (m_id == 0)
        return;
    HistoryDialog dialog(this, m_service, m_actor, m_id, [this](std::int64_t draft) {
        m_dirty = false;
        Load(draft);
    });
    dialog.ShowModal();
}

void ArticleEditor::OnClose(wxCloseEvent& event)
{
    if (m_dirty && event.CanVeto()) {
        wxMessageDialog ask(this, _("Save your changes to this article?"), _("Article editor"),
                            wxYES_NO | wxCANCEL | wxICON_QUESTION);
        ask.SetYesNoCancelLabels(_("&Save"), _("&Discard"), _("Cancel"));
        const int answer = ask.ShowModal();
        if (answer == wxID_CANCEL) {
            event.Veto();
            return;
        }
        if (answer == wxID_YES) {
            event.Veto();
            Save([this] { Close(); });
            return;
        }
        // Discard: the autosave goes too — the manager chose to lose it.
        const kb::Actor actor = m_actor();
        m_service.DropAutosave(actor, m_autosave_key, {});
    }
    m_autosave.Stop();
    if (IsModal())
        EndModal(wxID_CANCEL);
    else
        Destroy();
}

} // namespace civic::ui
