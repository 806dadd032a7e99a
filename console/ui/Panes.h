// The three working areas a call-taker needs at once. Each is a plain panel the
// main frame docks with wxAUI; each names the control that takes the keyboard
// when the agent jumps to it (Ctrl+1, Ctrl+2, Ctrl+3).
#pragma once

#include <civic/kb/KnowledgeService.h>

#include <wx/panel.h>
#include <wx/timer.h>

#include <functional>
#include <vector>

class wxSearchCtrl;
class wxStaticText;
class wxTextCtrl;
class wxListBox;

namespace civic::ui {

class CallerPane : public wxPanel
{
public:
    explicit CallerPane(wxWindow* parent);
    void FocusPrimary();
    // Shows who is on the line (a tel: or mailto: identifier from a screen pop).
    void ShowIncoming(const wxString& identifier);
    wxString CurrentCaller() const;

private:
    wxStaticText* m_caller;
    wxSearchCtrl* m_find;
};

// Call notes, with articles suggested from what is being typed.
class WrapUpPane : public wxPanel
{
public:
    using OpenFn = std::function<void(std::int64_t article)>;
    WrapUpPane(wxWindow* parent, kb::KnowledgeService& service, OpenFn open_article);
    void FocusPrimary();
    void AppendToNotes(const wxString& text);
    wxTextCtrl* Notes() { return m_notes; }
    wxListBox* Suggestions() { return m_suggestions; }

private:
    void Suggest();

    kb::KnowledgeService& m_service;
    OpenFn m_open;
    wxTextCtrl* m_notes;
    wxListBox* m_suggestions;
    wxTimer m_typing;
    std::vector<std::int64_t> m_suggested;
};

} // namespace civic::ui
