// MainFrame: the knowledge managers' windows (the article editor, the review
// queue, articles an interrupted session left unsaved) and what the shared
// knowledge base's rounds report in the status bar.
#include "ui/MainFrame.h"

#include "ui/ArticleEditor.h"
#include "ui/Async.h"
#include "ui/ReviewQueue.h"

#include <wx/datetime.h>
#include <wx/msgdlg.h>
#include <wx/statusbr.h>

namespace civic::ui {

kb::Actor MainFrame::Actor() const
{
    const auto s = m_session.GetSettings();
    return kb::Actor{s.agent_name, s.role};
}

ArticleEditor* MainFrame::OpenEditor(std::int64_t article_id, std::optional<kb::Autosave> restored)
{
    // Modeless: a manager keeps the console usable while writing, and may
    // have several articles open.
    auto* editor = new ArticleEditor(this, m_session.Knowledge(), [this] { return Actor(); }, article_id,
                                     std::move(restored));
    editor->Show();
    return editor;
}

void MainFrame::OpenReviewQueue()
{
    ReviewQueueDialog queue(this, m_session.Knowledge(), [this] { return Actor(); },
                            [this] { SyncKnowledge(); });
    queue.ShowModal();
}

void MainFrame::OfferAutosavedDrafts()
{
    const kb::Actor actor = Actor();
    if (!MayEditKnowledge(actor.role) || actor.name.empty())
        return;
    m_session.Knowledge().Autosaves(actor,
        OnWindow(this, [this](Result<std::vector<kb::Autosave>> drafts) {
            if (!drafts || drafts->empty())
                return;
            wxString titles;
            for (const auto& d : drafts.Value())
                titles += L"\n \u2022 " + (d.content.title.empty() ? _("(untitled)") : wxString::FromUTF8(d.content.title));
            const int answer = wxMessageBox(
                wxString::Format(wxPLURAL("CivicDesk closed before this article was saved:%s\n\nOpen it to continue?",
                                          "CivicDesk closed before these articles were saved:%s\n\nOpen them to continue?",
                                          static_cast<int>(drafts->size())),
                                 titles),
                _("Unsaved articles"), wxYES_NO | wxICON_QUESTION, this);
            if (answer != wxYES)
                return; // kept: offered again at the next start
            for (auto& d : drafts.Value())
                OpenEditor(d.article_id, d);
        }));
}

void MainFrame::SyncKnowledge() { m_session.SyncKnowledge(); }

void MainFrame::OnKnowledgeRound(const services::KnowledgeRound& r)
{
    if (!r.finished) {
        SetStatusText(_("Knowledge: syncing..."), kStatusKnowledge);
        return;
    }
    const wxString at = wxDateTime::Now().Format("%H:%M");
    if (r.error) {
        SetStatusText(wxString::Format(r.error->kind == ErrorKind::Offline
                                           ? _("Knowledge: shared store unreachable at %s; retrying")
                                           : _("Knowledge: sync failed at %s"),
                                       at),
                      kStatusKnowledge);
        GetStatusBar()->SetToolTip(wxString::FromUTF8(r.error->message));
        return;
    }
    wxString text = wxString::Format(_("Knowledge: synced %s"), at);
    if (r.report.pulled > 0)
        text += wxString::Format(_(", %d updated"), r.report.pulled);
    if (r.conflicts > 0)
        text += wxString::Format(_(", %d conflicts to resolve (Review queue)"), r.conflicts);
    if (!r.report.problems.empty())
        text += wxString::Format(_(", %zu files unreadable"), r.report.problems.size());
    SetStatusText(text, kStatusKnowledge);
    wxString tip;
    for (const auto& p : r.report.problems)
        tip += wxString::FromUTF8(p) + "\n";
    GetStatusBar()->SetToolTip(tip);
}

} // namespace civic::ui
