// The desk itself: what an agent at a 1366x768 screen sees and reaches by
// keyboard all day — the caller pane's share of the window, a saved window
// that no longer fits, one Tab stop per field, Enter in Settings, the
// caller's language by its name, the article going into the notes.
#include <boost/test/unit_test.hpp>

#include "ui/CallerPane.h"
#include "ui/CenterFields.h"
#include "ui/DuplicatesDialog.h"
#include "ui/I18n.h"
#include "ui/KnowledgePane.h"
#include "ui/Panes.h"
#include "ui/RequestForm.h"
#include "ui/SettingsDialog.h"
#include "ui/TimelineList.h"

#include "TestSupport.h"
#include "UiHarness.h"

#include <civic/contacts/Contacts.h>
#include <civic/services/Plugins.h>

#include <wx/aui/aui.h>
#include <wx/listbox.h>
#include <wx/button.h>
#include <wx/combobox.h>
#include <wx/choice.h>
#include <wx/display.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/textctrl.h>
#include <wx/uiaction.h>

#include <fstream>
#include <functional>

using namespace civic;
using namespace civic::ui;
using namespace civic::uitest;
using civic::test::TempDir;

namespace {

// Maria speaks Spanish; two calls of hers are on record.
std::int64_t SeedMaria(ConsoleWindow& w)
{
    Settings s = w.console->GetSettings();
    s.agent_name = "Dana Reyes";
    w.console->SaveSettings(s);
    return w.console->Store()
        .Submit([](store::Database& db) {
            contacts::NewContact m;
            m.name = "Maria Lopez";
            m.language = "es";
            m.identifiers = {{contacts::IdKind::Phone, "(215) 555-0100", "mobile", false},
                             {contacts::IdKind::Address, "1234 N Broad St Apt 3", "", false}};
            return contacts::ContactStore(db).Create(m).Value();
        })
        .get();
}

void Pop(ConsoleWindow& w, const char* number, const wxString& who)
{
    w.frame->HandleArgs({"--pop", number});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Context()->GetLabel().Contains(who); }),
                       w.frame->WrapUp()->Context()->GetLabel().utf8_string());
}

bool Within(wxWindow* outer, wxWindow* c)
{
    for (wxWindow* p = c; p; p = p->GetParent())
        if (p == outer)
            return true;
    return false;
}

// The window that has the keyboard once one Tab left `from`.
wxWindow* AfterOneTab(wxWindow* from)
{
    from->SetFocus();
    PumpUntil([&] { return Within(from, wxWindow::FindFocus()); });
    BOOST_TEST_REQUIRE(Within(from, wxWindow::FindFocus()));
    wxUIActionSimulator sim;
    sim.Char(WXK_TAB);
    PumpUntil([&] { return !Within(from, wxWindow::FindFocus()) && wxWindow::FindFocus(); }, 1500);
    return wxWindow::FindFocus();
}

} // namespace

BOOST_AUTO_TEST_SUITE(Desk)

BOOST_AUTO_TEST_CASE(at_a_1366_desk_the_timeline_shows_the_requests_column_and_a_wider_window_widens_the_caller_pane)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedMaria(w);
    w.frame->SetSize(1366, 740);
    Pop(w, "tel:2155550100", "Maria Lopez");
    PumpUntil([] { return false; }, 300); // the layout settles
    auto* list = w.frame->Caller()->Timeline();
    int through_requests = 0;
    for (int c = 0; c <= 3; ++c) // When, Channel, Summary, Requests
        through_requests += list->GetColumnWidth(c);
    BOOST_TEST(list->GetClientSize().GetWidth() >= through_requests,
               list->GetClientSize().GetWidth() << " px shown, the Requests column ends at " << through_requests);
    // The detail of the picked entry: enough lines to read a call's notes.
    auto* detail = w.frame->Caller()->Detail();
    const int line = detail->GetCharHeight();
    BOOST_TEST(detail->GetSize().GetHeight() >= 8 * line, detail->GetSize().GetHeight() << " px, lines of " << line);

    // Every status field's text whole: who is signed in, the CRM, the outbox.
    wxStatusBar* bar = w.frame->GetStatusBar();
    for (int i = 0; i < bar->GetFieldsCount(); ++i) {
        wxRect r;
        bar->GetFieldRect(i, r);
        const wxString text = bar->GetStatusText(i);
        BOOST_TEST(r.width >= bar->GetTextExtent(text).GetWidth(),
                   "\"" << text.utf8_string() << "\" in " << r.width << " px");
    }
    // A wider screen gives the caller pane its share, not all to the knowledge pane.
    const int caller_1366 = w.frame->Caller()->GetSize().GetWidth();
    const int knowledge_1366 = w.frame->Knowledge()->GetSize().GetWidth();
    w.frame->SetSize(1920, 1000);
    PumpUntil([&] { return w.frame->Caller()->GetSize().GetWidth() != caller_1366; }, 1500);
    const int caller_grew = w.frame->Caller()->GetSize().GetWidth() - caller_1366;
    const int knowledge_grew = w.frame->Knowledge()->GetSize().GetWidth() - knowledge_1366;
    BOOST_TEST(caller_grew >= (1920 - 1366) / 3, "caller pane grew " << caller_grew << " px, knowledge "
                                                                     << knowledge_grew);
}

BOOST_AUTO_TEST_CASE(a_saved_window_larger_than_the_screen_opens_whole_on_the_screen)
{
    TempDir dir;
    std::filesystem::create_directories(dir.Path() / "config");
    {
        std::ofstream ini(dir.Path() / "config" / "ui.ini");
        ini << "[layout]\nwidth=2600\nheight=1500\nmaximized=0\n"; // saved at a large monitor
    }
    ConsoleWindow w(dir.Path());
    SeedMaria(w);
    Pop(w, "tel:2155550100", "Maria Lopez");
    const wxRect screen = wxDisplay(0u).GetClientArea();
    const wxRect frame = w.frame->GetScreenRect();
    BOOST_TEST(screen.Contains(frame), "frame " << frame.x << "," << frame.y << " " << frame.width << "x"
                                                << frame.height << " on a screen of " << screen.width << "x"
                                                << screen.height);
    const wxRect finish = w.frame->WrapUp()->FinishButton()->GetScreenRect();
    const wxRect end = w.frame->WrapUp()->EndCallButton()->GetScreenRect();
    BOOST_TEST(screen.Contains(finish));
    BOOST_TEST(screen.Contains(end));
}

BOOST_AUTO_TEST_CASE(one_tab_leaves_a_field_with_suggestions)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedMaria(w);
    Pop(w, "tel:2155550100", "Maria Lopez");
    auto* wrap = w.frame->WrapUp();
    // Location: her address offered, any other typed.
    wxWindow* location = wrap->Request()->Location();
    wxWindow* next = AfterOneTab(location);
    BOOST_TEST((next && !Within(location, next)), "the keyboard stayed in the location field");
    // The call reason: the center's list, or a reason typed.
    wxWindow* reason = wrap->Fields()->Control("reason");
    BOOST_TEST_REQUIRE(reason);
    next = AfterOneTab(reason);
    BOOST_TEST((next && !Within(reason, next)), "the keyboard stayed in the call reason");
}

BOOST_AUTO_TEST_CASE(enter_on_a_choice_in_settings_saves_as_ok_does)
{
    TempDir dir;
    const Paths paths = Paths::FromEnvironment(dir.Path());
    Settings current;
    current.agent_name = "Dana Reyes";
    SettingsDialog dialog(nullptr, paths, current, services::ConnectorInfos());
    dialog.Show();
    PumpUntil([&] { return dialog.IsShownOnScreen(); });
    dialog.AgentName()->ChangeValue("Dana R. Reyes");
    dialog.Connector()->SetFocus();
    PumpUntil([&] { return Within(dialog.Connector(), wxWindow::FindFocus()); });
    wxUIActionSimulator sim;
    sim.Char(WXK_RETURN);
    BOOST_TEST(PumpUntil([&] { return !dialog.IsShown(); }, 2000), "Enter on the connector choice left Settings open");
    BOOST_TEST(dialog.GetSettings().agent_name == "Dana R. Reyes"); // taken as OK takes it
    if (dialog.IsShown()) { // a popup the choice opened instead
        sim.Char(WXK_ESCAPE);
        Pump();
    }
}

BOOST_AUTO_TEST_CASE(the_card_names_the_callers_language_in_words)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedMaria(w);
    Pop(w, "tel:2155550100", "Maria Lopez");
    wxString card;
    std::function<void(wxWindow*)> read = [&](wxWindow* at) {
        if (auto* t = dynamic_cast<wxStaticText*>(at); t && t->IsShownOnScreen())
            card += t->GetLabel() + "\n";
        for (wxWindow* c : at->GetChildren())
            read(c);
    };
    PumpUntil([&] {
        card.clear();
        read(w.frame->Caller());
        return card.Contains("Language:");
    });
    BOOST_TEST(card.Contains("Language: Spanish"), card.utf8_string());
    BOOST_TEST(!card.Contains("Language: es"), card.utf8_string());
}

BOOST_AUTO_TEST_CASE(the_shown_article_goes_into_the_notes_by_a_shortcut_from_anywhere)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedMaria(w);
    auto* kp = w.frame->Knowledge();
    PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000);
    Pop(w, "tel:2155550100", "Maria Lopez");
    kp->Search()->SetValue("missed trash");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->ResultCount() > 0; }));
    wxCommandEvent enter(wxEVT_TEXT_ENTER, kp->Search()->GetId());
    enter.SetEventObject(kp->Search());
    kp->Search()->GetEventHandler()->ProcessEvent(enter);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->InsertButton()->IsEnabled(); }));
    // From the caller's search box, far from the knowledge pane's buttons.
    w.frame->Caller()->FindBox()->SetFocus();
    Pump();
    wxUIActionSimulator sim;
    sim.Char('I', wxMOD_CONTROL | wxMOD_SHIFT);
    BOOST_TEST(PumpUntil([&] { return w.frame->WrapUp()->Notes()->GetValue().Contains("[KB "); }),
               w.frame->WrapUp()->Notes()->GetValue().utf8_string());
}

BOOST_AUTO_TEST_CASE(why_two_contacts_look_alike_is_said_in_the_agents_language)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const std::int64_t maria = SeedMaria(w);
    // Her neighbour's entry with her name misspelt, and her son on her phone.
    w.console->Store()
        .Submit([](store::Database& db) {
            contacts::ContactStore cs(db);
            contacts::NewContact t;
            t.name = "Maria Lopes";
            t.identifiers = {{contacts::IdKind::Address, "1234 N Broad St Apt 3", "", false}};
            cs.Create(t).Value();
            contacts::NewContact l;
            l.name = "Luis Lopez";
            l.identifiers = {{contacts::IdKind::Phone, "215-555-0100", "", false}};
            return cs.Create(l).Value();
        })
        .get();
    const auto found = QueryStore<std::pair<contacts::Contact, std::vector<contacts::DuplicateCandidate>>>(
        w, [maria](store::Database& db) {
            contacts::ContactStore cs(db);
            return std::make_pair(cs.Get(maria).Value(), cs.DuplicatesOf(maria).Value());
        });
    BOOST_TEST_REQUIRE(found.second.size() == 2u);
    const Paths paths = Paths::FromEnvironment(dir.Path());
    SetUpTranslations(paths, "es");
    struct English
    {
        Paths p;
        ~English() { SetUpTranslations(p, "en"); }
    } back{paths};
    DuplicatesDialog d(w.frame, *w.session, found.first, found.second);
    wxString rows;
    for (unsigned i = 0; i < d.Candidates()->GetCount(); ++i)
        rows += d.Candidates()->GetString(i) + "\n";
    BOOST_TEST(rows.Contains(L"mismo teléfono (215) 555-0100"), rows.utf8_string());
    BOOST_TEST(rows.Contains("nombre parecido en 1234 N Broad St Apt 3"), rows.utf8_string());
    BOOST_TEST(!rows.Contains("same phone"), rows.utf8_string());
    BOOST_TEST(!rows.Contains("similar name"), rows.utf8_string());
}

BOOST_AUTO_TEST_SUITE_END()
