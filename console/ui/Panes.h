// The three working areas a call-taker needs at once. Each is a plain panel the
// main frame docks with wxAUI; each names the control that takes the keyboard
// when the agent jumps to it (Ctrl+1, Ctrl+2, Ctrl+3).
#pragma once

#include <wx/panel.h>

class wxSearchCtrl;
class wxStaticText;
class wxTextCtrl;

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

class KnowledgePane : public wxPanel
{
public:
    explicit KnowledgePane(wxWindow* parent);
    void FocusPrimary();
    wxSearchCtrl* Search() { return m_search; }

private:
    wxSearchCtrl* m_search;
};

class WrapUpPane : public wxPanel
{
public:
    explicit WrapUpPane(wxWindow* parent);
    void FocusPrimary();
    wxTextCtrl* Notes() { return m_notes; }

private:
    wxTextCtrl* m_notes;
};

} // namespace civic::ui
