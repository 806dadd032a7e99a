// The call floor as a softphone drives it: pops arrive whenever the next
// caller rings, households share a number, agents start calls by hand. What
// must hold: nothing is ever recorded under the wrong person, and an
// unfinished call is kept, visible and resumable.
#include <boost/test/unit_test.hpp>

#include "ui/CallerPane.h"
#include "ui/KnowledgePane.h"
#include "ui/Panes.h"

#include "TestSupport.h"
#include "UiHarness.h"

#include <civic/contacts/Contacts.h>
#include <civic/sync/Outbox.h>

#include <wx/button.h>
#include <wx/choicdlg.h>
#include <wx/listbox.h>
#include <wx/msgdlg.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/testing.h>
#include <wx/textctrl.h>
#include <wx/choice.h>
#include <wx/scrolwin.h>
#include <wx/uiaction.h>
#include "ui/CenterFields.h"

#include <ctime>
#include <tuple>

using namespace civic;
using namespace civic::ui;
using namespace civic::uitest;
using civic::test::TempDir;

namespace {

// Maria and her son Luis share the household's phone; Ben has his own.
struct Floor
{
    std::int64_t maria = 0, luis = 0, ben = 0;
};

Floor SeedFloor(ConsoleWindow& w)
{
    Settings s = w.console->GetSettings();
    s.agent_name = "Dana Reyes";
    w.console->SaveSettings(s);
    return w.console->Store()
        .Submit([](store::Database& db) {
            contacts::ContactStore cs(db);
            auto person = [&](const char* name, const char* phone) {
                contacts::NewContact c;
                c.name = name;
                c.identifiers = {{contacts::IdKind::Phone, phone, "", false}};
                return cs.Create(c).Value();
            };
            Floor f;
            f.maria = person("Maria Lopez", "(215) 555-0100");
            f.ben = person("Ben Okafor", "267-555-0142");
            return f;
        })
        .get();
}

// A second person on the household's phone.
std::int64_t AddToHousehold(ConsoleWindow& w)
{
    return w.console->Store()
        .Submit([](store::Database& db) {
            contacts::NewContact c;
            c.name = "Luis Lopez";
            c.identifiers = {{contacts::IdKind::Phone, "215-555-0100", "home", false}};
            return contacts::ContactStore(db).Create(c).Value();
        })
        .get();
}

// Runs a menu command as its shortcut would.
void Command(ConsoleWindow& w, const wxString& menu, const wxString& item)
{
    const int id = MenuIdFor(w.frame, menu, item);
    BOOST_TEST_REQUIRE(id != wxNOT_FOUND, (menu + " > " + item).utf8_string());
    wxCommandEvent e(wxEVT_MENU, id);
    w.frame->GetEventHandler()->ProcessEvent(e);
}

wxStaticText* HeldLabel(ConsoleWindow& w)
{
    return dynamic_cast<wxStaticText*>(wxWindow::FindWindowByName("wrapup_held", w.frame));
}

bool HeldShows(ConsoleWindow& w, const wxString& text)
{
    auto* l = HeldLabel(w);
    return l && l->IsShownOnScreen() && l->GetLabel().Contains(text);
}

bool NoHeldShown(ConsoleWindow& w)
{
    auto* l = HeldLabel(w);
    return l && !l->IsShownOnScreen();
}

// The interactions stored with these notes: (contact, channel) of each.
std::vector<std::pair<std::int64_t, std::string>> StoredWith(ConsoleWindow& w, const std::string& notes)
{
    return QueryStore<std::vector<std::pair<std::int64_t, std::string>>>(w, [notes](store::Database& db) {
        auto q = db.Prepare("SELECT contact, channel FROM interaction WHERE notes = ?1 ORDER BY id");
        q.Bind(1, notes);
        std::vector<std::pair<std::int64_t, std::string>> out;
        while (q.Step().Value())
            out.emplace_back(q.Int(0), q.Text(1));
        return out;
    });
}

// Exactly one interaction holds these notes, filed under this contact and channel.
bool StoredOnceUnder(ConsoleWindow& w, const std::string& notes, std::int64_t contact, const std::string& channel)
{
    return StoredWith(w, notes) == std::vector<std::pair<std::int64_t, std::string>>{{contact, channel}};
}

int DraftRows(ConsoleWindow& w)
{
    return QueryStore<int>(w, [](store::Database& db) {
        auto q = db.Prepare("SELECT COUNT(*) FROM wrapup_draft");
        return q.Step().Value() ? static_cast<int>(q.Int(0)) : -1;
    });
}

void PopAndWait(ConsoleWindow& w, const char* number, const wxString& who)
{
    w.frame->HandleArgs({"--pop", number});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Context()->GetLabel().Contains(who); }),
                       w.frame->WrapUp()->Context()->GetLabel().utf8_string());
}

void FinishAndWait(ConsoleWindow& w)
{
    auto* wrap = w.frame->WrapUp();
    wrap->Finish();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty() && !wrap->FinishButton()->IsEnabled(); }));
}

} // namespace

BOOST_AUTO_TEST_SUITE(HeldCalls)

BOOST_AUTO_TEST_CASE(a_second_pop_mid_wrap_up_holds_the_first_call_and_the_second_starts_clean)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* wrap = w.frame->WrapUp();
    PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
    wrap->Notes()->SetValue("Streetlight out at 5th and Oak");
    // The next caller rings before Maria's wrap-up is finished.
    PopAndWait(w, "tel:+12675550142", "Call with Ben Okafor");
    BOOST_TEST(wrap->Notes()->IsEmpty());
    BOOST_TEST(PumpUntil([&] { return HeldShows(w, "1 call waiting for wrap-up"); }));
    BOOST_TEST(HeldShows(w, "Maria Lopez"));
    BOOST_TEST(w.frame->GetTitle().Contains("Ben Okafor"));
    wrap->Notes()->SetValue("Recycling day after the holiday");
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Recycling day after the holiday", f.ben, "phone-in"));
    BOOST_TEST(StoredWith(w, "Streetlight out at 5th and Oak").empty()); // still waiting, under nobody
    BOOST_TEST(HeldShows(w, "1 call waiting for wrap-up")); // finishing Ben's leaves Maria's waiting

    Command(w, "Call", "Resume held call");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Maria Lopez"); }));
    BOOST_TEST(wrap->Notes()->GetValue() == "Streetlight out at 5th and Oak");
    // Her conversation ended when Ben's call was taken: the rest is after-call work.
    BOOST_TEST(wrap->EndedAt() > 0);
    BOOST_TEST(wrap->Clock()->GetLabel().StartsWith("After-call work"), wrap->Clock()->GetLabel().utf8_string());
    BOOST_TEST(PumpUntil([&] { return w.frame->Caller()->ShownContact() == f.maria; }));
    BOOST_TEST(w.frame->Caller()->FindBox()->GetValue().empty()); // Ben's number is not left in the box
    BOOST_TEST(PumpUntil([&] { return NoHeldShown(w); }));
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Streetlight out at 5th and Oak", f.maria, "phone-in"));
    BOOST_TEST(DraftRows(w) == 0);
}

BOOST_AUTO_TEST_CASE(an_unknown_number_mid_wrap_up_holds_the_call_and_it_survives_a_restart)
{
    TempDir dir;
    {
        ConsoleWindow w(dir.Path());
        SeedFloor(w);
        auto* wrap = w.frame->WrapUp();
        PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
        wrap->Notes()->SetValue("Missed trash pickup, 1200 Pine");
        w.frame->HandleArgs({"--pop", "tel:+12155550177"});
        BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->Caller()->NewContactForm()->IsShown(); }));
        BOOST_TEST(wrap->Notes()->IsEmpty());
        BOOST_TEST(!wrap->FinishButton()->IsEnabled());
        BOOST_TEST(PumpUntil([&] { return HeldShows(w, "1 call waiting for wrap-up"); }));
        // The new caller, once named, starts a clean call of their own.
        w.frame->Caller()->FormName()->ChangeValue("Grace Kim");
        w.frame->Caller()->SaveNewContact();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Grace Kim"); }));
        BOOST_TEST(wrap->Notes()->IsEmpty());
        BOOST_TEST(DraftRows(w) >= 1);
        // The console is closed without finishing either (a crash would do the same).
    }
    ConsoleWindow again(dir.Path());
    auto* wrap = again.frame->WrapUp();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return HeldShows(again, "1 call waiting for wrap-up"); }));
    BOOST_TEST(HeldShows(again, "Maria Lopez"));
    Command(again, "Call", "Resume held call");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Maria Lopez"); }));
    BOOST_TEST(wrap->Notes()->GetValue() == "Missed trash pickup, 1200 Pine");
}

BOOST_AUTO_TEST_CASE(quitting_right_after_typing_keeps_what_was_typed)
{
    TempDir dir;
    {
        ConsoleWindow w(dir.Path());
        SeedFloor(w);
        PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
        w.frame->WrapUp()->Notes()->SetValue("Typed a moment before Ctrl+Q");
        w.CloseWindow(); // before the typing pause saves it
    }
    ConsoleWindow again(dir.Path());
    BOOST_TEST_REQUIRE(PumpUntil([&] { return again.frame->WrapUp()->Context()->GetLabel().Contains("Maria Lopez"); }));
    BOOST_TEST(again.frame->WrapUp()->Notes()->GetValue() == "Typed a moment before Ctrl+Q");
}

BOOST_AUTO_TEST_CASE(a_walk_in_during_a_call_holds_the_call)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* wrap = w.frame->WrapUp();
    PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
    wrap->Notes()->SetValue("Asked about the snow emergency routes");
    Command(w, "Call", "Walk-in visit");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->Caller()->InWalkIn(); }));
    BOOST_TEST(wrap->Notes()->IsEmpty());
    BOOST_TEST(wrap->Context()->GetLabel().Contains("No call or visit in progress"));
    BOOST_TEST(PumpUntil([&] { return HeldShows(w, "1 call waiting for wrap-up"); }));
    // Resumed and finished: recorded under Maria, as a phone call.
    Command(w, "Call", "Resume held call");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Maria Lopez"); }));
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Asked about the snow emergency routes", f.maria, "phone-in"));
}

BOOST_AUTO_TEST_CASE(with_two_calls_held_the_agent_chooses_which_to_resume)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* wrap = w.frame->WrapUp();
    PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
    wrap->Notes()->SetValue("Maria: graffiti on the library wall");
    PopAndWait(w, "tel:2675550142", "Call with Ben Okafor");
    wrap->Notes()->SetValue("Ben: parking permit renewal");
    w.frame->HandleArgs({"--pop", "tel:+12155550177"});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return HeldShows(w, "2 calls waiting for wrap-up"); }));
    // The oldest call is listed first.
    wxTEST_DIALOG(Command(w, "Call", "Resume held call"),
                  ChooseRow(1).Describe("the calls waiting for wrap-up"));
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Ben Okafor"); }));
    BOOST_TEST(wrap->Notes()->GetValue() == "Ben: parking permit renewal");
    BOOST_TEST(PumpUntil([&] { return HeldShows(w, "1 call waiting for wrap-up"); }));
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Ben: parking permit renewal", f.ben, "phone-in"));
    BOOST_TEST(StoredWith(w, "Maria: graffiti on the library wall").empty());
}

BOOST_AUTO_TEST_CASE(a_wrong_number_is_discarded_without_a_record)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* wrap = w.frame->WrapUp();
    PopAndWait(w, "tel:2675550142", "Call with Ben Okafor");
    wrap->Notes()->SetValue("wrong number");
    wrap->SaveDraftNow();
    wxTEST_DIALOG(Command(w, "Call", "Discard this call..."),
                  wxExpectModal<wxMessageDialog>(wxID_YES).Describe("discard the call?"));
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("No call or visit in progress"); }));
    BOOST_TEST(wrap->Notes()->IsEmpty());
    BOOST_TEST(PumpUntil([&] { return DraftRows(w) == 0; }));
    const int recorded = QueryStore<int>(w, [&](store::Database& db) {
        auto q = db.Prepare("SELECT COUNT(*) FROM interaction WHERE contact = ?1");
        q.Bind(1, f.ben);
        return q.Step().Value() ? static_cast<int>(q.Int(0)) : -1;
    });
    BOOST_TEST(recorded == 0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(StartingCalls)

BOOST_AUTO_TEST_CASE(picking_one_member_of_a_household_after_a_pop_makes_them_the_caller)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    Floor f = SeedFloor(w);
    f.luis = AddToHousehold(w);
    auto* caller = w.frame->Caller();
    caller->ShowContact(f.ben); // the last caller's card is on screen
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NameLabel()->GetLabel() == "Ben Okafor"; }));
    w.frame->HandleArgs({"--pop", "tel:2155550100"});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->Results()->IsShown() && caller->Results()->GetCount() == 2u; }));
    // While the agent chooses, nothing of Ben's is left to read out or edit.
    BOOST_TEST(caller->NameLabel()->GetLabel() == "Incoming: 2155550100");
    BOOST_TEST(caller->ShownContact() == 0);
    BOOST_TEST(caller->Timeline()->Entries().empty());
    BOOST_TEST(!dynamic_cast<wxWindow*>(wxWindow::FindWindowByName("edit_contact", w.frame))->IsShown());
    int luis_row = -1;
    for (unsigned i = 0; i < caller->Results()->GetCount(); ++i)
        if (caller->Results()->GetString(i).Contains("Luis"))
            luis_row = static_cast<int>(i);
    BOOST_TEST_REQUIRE(luis_row >= 0);
    caller->PickResult(luis_row);
    auto* wrap = w.frame->WrapUp();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Luis Lopez"); }));
    BOOST_TEST(wrap->FinishButton()->IsEnabled());
    wrap->Notes()->SetValue("Luis: lost recycling bin");
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Luis: lost recycling bin", f.luis, "phone-in"));
}

BOOST_AUTO_TEST_CASE(a_call_is_started_by_hand_for_the_contact_shown_in_or_out)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* caller = w.frame->Caller();
    auto* wrap = w.frame->WrapUp();
    caller->ShowContact(f.ben);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NameLabel()->GetLabel() == "Ben Okafor"; }));
    BOOST_TEST(!wrap->FinishButton()->IsEnabled());
    Command(w, "Call", "Start outgoing call with shown contact");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Outgoing call with Ben Okafor"); }));
    wrap->Notes()->SetValue("Called back about the permit");
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Called back about the permit", f.ben, "phone-out"));

    caller->ShowContact(f.maria);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NameLabel()->GetLabel() == "Maria Lopez"; }));
    Command(w, "Call", "Start call with shown contact");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Maria Lopez"); }));
    wrap->Notes()->SetValue("Phoned in on the front desk line");
    FinishAndWait(w);
    BOOST_TEST(StoredOnceUnder(w, "Phoned in on the front desk line", f.maria, "phone-in"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(WalkInsAndKeys)

BOOST_AUTO_TEST_CASE(a_walk_in_starts_with_the_last_visitors_card_off_the_screen_and_a_visit_is_called_a_visit)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* caller = w.frame->Caller();
    auto* wrap = w.frame->WrapUp();
    caller->ShowContact(f.maria);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NameLabel()->GetLabel() == "Maria Lopez"; }));
    Command(w, "Call", "Walk-in visit");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->InWalkIn(); }));
    // The next person at the counter must not read Maria's card.
    BOOST_TEST(!caller->NameLabel()->GetLabel().Contains("Maria"));
    BOOST_TEST(caller->ShownContact() == 0);
    BOOST_TEST(caller->Timeline()->Entries().empty());
    caller->FindBox()->SetValue("Ben Okafor");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->FoundCount() == 1u; }));
    caller->PickResult(0);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Walk-in visit with Ben Okafor"); }));
    BOOST_TEST(wrap->EndCallButton()->GetLabel().Contains("End visit"), wrap->EndCallButton()->GetLabel().utf8_string());
    wrap->EndCall();
    BOOST_TEST(wrap->Clock()->GetLabel().StartsWith("After-visit work"), wrap->Clock()->GetLabel().utf8_string());
    // Once the visit is stored, the idle pane no longer speaks of a visit.
    FinishAndWait(w); // its notes were empty: wait for the store's answer itself
    BOOST_TEST(PumpUntil([&] { return wrap->Context()->GetLabel() == "No call or visit in progress"; }),
               wrap->Context()->GetLabel().utf8_string());
    BOOST_TEST(!wrap->EndCallButton()->GetLabel().Contains("visit"), wrap->EndCallButton()->GetLabel().utf8_string());
}

BOOST_AUTO_TEST_CASE(visitors_who_give_no_name_are_counted_under_one_record_and_see_no_one_elses_notes)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedFloor(w);
    auto* caller = w.frame->Caller();
    auto* wrap = w.frame->WrapUp();
    auto anonymous_visit = [&](const wxString& notes) {
        Command(w, "Call", "Walk-in visit");
        BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->InWalkIn(); }));
        wxCommandEvent enter(wxEVT_TEXT_ENTER, caller->FindBox()->GetId());
        enter.SetEventObject(caller->FindBox());
        caller->FindBox()->GetEventHandler()->ProcessEvent(enter); // Enter on the empty box
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Walk-in visit"); }),
                           wrap->Context()->GetLabel().utf8_string());
        PumpUntil([] { return false; }, 300); // its card and history arrive
        BOOST_TEST(caller->Timeline()->Entries().empty()); // the visitor before is not on screen
        // Given a name, the record would file every anonymous visit under one person.
        BOOST_TEST(!wxWindow::FindWindowByName("edit_contact", caller)->IsShown());
        wrap->Notes()->ChangeValue(notes);
        FinishAndWait(w);
    };
    anonymous_visit("Picked up a recycling bin sticker");
    anonymous_visit("Asked where to pay a parking ticket");
    const auto counted = QueryStore<std::pair<int, int>>(w, [](store::Database& db) {
        auto q = db.Prepare("SELECT (SELECT COUNT(*) FROM contact WHERE name = ''), "
                            "(SELECT COUNT(*) FROM interaction i JOIN contact c ON c.id = i.contact "
                            " WHERE c.name = '' AND i.channel = 'walk-in')");
        return q.Step().Value() ? std::make_pair(static_cast<int>(q.Int(0)), static_cast<int>(q.Int(1)))
                                : std::make_pair(-1, -1);
    });
    BOOST_TEST(counted.first == 1);  // one record, not one nameless contact per visit
    BOOST_TEST(counted.second == 2); // both visits counted
}

BOOST_AUTO_TEST_CASE(the_next_caller_starts_with_an_empty_knowledge_search)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedFloor(w);
    auto* kp = w.frame->Knowledge();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000));
    PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
    kp->Search()->SetValue("pothole");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->ResultCount() > 0; }));
    PopAndWait(w, "tel:2675550142", "Call with Ben Okafor");
    BOOST_TEST(kp->Search()->GetValue().empty());
    BOOST_TEST(PumpUntil([&] { return kp->ResultCount() == 0; }));
    BOOST_TEST(!kp->ShownArticle());
}

BOOST_AUTO_TEST_CASE(ctrl_enter_finishes_the_wrap_up_from_anywhere_in_the_window)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const Floor f = SeedFloor(w);
    auto* wrap = w.frame->WrapUp();
    PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
    wrap->Notes()->SetValue("Bulk pickup: two chairs");
    w.frame->Raise();
    w.frame->Caller()->FindBox()->SetFocus();
    BOOST_TEST_REQUIRE(PumpUntil([&] {
        wxWindow* focus = wxWindow::FindFocus();
        return focus && (focus == w.frame->Caller()->FindBox() || focus->GetParent() == w.frame->Caller()->FindBox());
    }));
    wxUIActionSimulator sim;
    sim.Char(WXK_RETURN, wxMOD_CONTROL);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }));
    BOOST_TEST(StoredOnceUnder(w, "Bulk pickup: two chairs", f.maria, "phone-in"));
}

BOOST_AUTO_TEST_CASE(a_missing_answer_takes_the_keyboard_and_a_field_below_the_fold_scrolls_into_view)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    SeedFloor(w);
    w.frame->SetSize(1300, 700); // a 1366x768 desk
    auto* wrap = w.frame->WrapUp();
    PopAndWait(w, "tel:2155550100", "Call with Maria Lopez");
    Pump();
    auto visible = [&](wxWindow* c) {
        const int top = wrap->FormArea()->ScreenToClient(c->GetScreenPosition()).y;
        return top >= 0 && top + c->GetSize().GetHeight() <= wrap->FormArea()->GetClientSize().GetHeight();
    };
    wxWindow* last = wrap->Fields()->Control("notify");
    BOOST_TEST_REQUIRE(last);
    BOOST_TEST_REQUIRE(!visible(last)); // below the fold at this size
    last->SetFocus();
    BOOST_TEST(PumpUntil([&] { return visible(last); }));
    // An outcome is required: left empty, Finish moves the keyboard to it.
    wrap->Disposition()->SetSelection(wxNOT_FOUND);
    wrap->Notes()->SetFocus();
    wrap->Finish();
    BOOST_TEST(PumpUntil([&] { return wxWindow::FindFocus() == wrap->Disposition(); }));
    BOOST_TEST(PumpUntil([&] { return visible(wrap->Disposition()); }));
    BOOST_TEST(wrap->FinishButton()->IsEnabled()); // nothing stored, nothing lost
    // The next caller's form starts at its top, the request first.
    PopAndWait(w, "tel:2675550142", "Call with Ben Okafor");
    int x = -1, y = -1;
    wrap->FormArea()->GetViewStart(&x, &y);
    BOOST_TEST(y == 0);
}

BOOST_AUTO_TEST_CASE(a_call_restored_an_hour_after_a_crash_counts_no_talk_time_for_the_hour)
{
    TempDir dir;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    {
        ConsoleWindow w(dir.Path());
        const Floor f = SeedFloor(w);
        // What the console saved mid-call an hour ago, before the power went.
        sync::Draft d{f.maria, "Maria Lopez"};
        d.started_at = now - 3700;
        d.saved_at = now - 3600;
        d.notes = "Caller on hold for the supervisor";
        QueryStore<int>(w, [d](store::Database& db) { return sync::SaveDraft(db, "Dana Reyes", d).IsOk() ? 1 : 0; });
        w.CloseWindow();
    }
    ConsoleWindow again(dir.Path());
    auto* wrap = again.frame->WrapUp();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Maria Lopez"); }));
    BOOST_TEST(wrap->EndedAt() == now - 3600);
    BOOST_TEST(wrap->Clock()->GetLabel().Contains("(talk 1:40)"), wrap->Clock()->GetLabel().utf8_string());
}

BOOST_AUTO_TEST_SUITE_END()
