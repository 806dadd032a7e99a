#define BOOST_TEST_MODULE ui
#include <boost/test/unit_test.hpp>

#include "ui/ArticleEditor.h"
#include "ui/AuditDialog.h"
#include "ui/CallerPane.h"
#include "ui/RequestForm.h"

#include <civic/core/Secrets.h>
#include <civic/open311/Open311Connector.h>
#include "Open311Server.h"
#include "ui/ContactDialog.h"
#include "ui/DuplicatesDialog.h"
#include "ui/Async.h"
#include "ui/HistoryDialog.h"
#include "ui/ReviewQueue.h"
#include "ui/KnowledgePane.h"
#include "ui/MainFrame.h"
#include "ui/CenterFields.h"
#include "ui/OutboxDialog.h"
#include "ui/Panes.h"
#include "ui/SettingsDialog.h"
#include <civic/services/Plugins.h>
#include "ui/ShortcutsDialog.h"
#include "ui/SingleInstance.h"
#include "ui/Startup.h"
#include "ui/PopLink.h"

#include <civic/core/Version.h>

#include <clocale>
#include <cstdio>

#include "RequestCases.h"
#include "TestSupport.h"
#include "UiHarness.h"

#include <wx/app.h>
#include <wx/evtloop.h>
#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choice.h>
#include <wx/combobox.h>

#include <fstream>
#include <future>
#include <tuple>
#include <wx/listbox.h>
#include <wx/listctrl.h>
#include <wx/menu.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/statusbr.h>
#include <wx/textctrl.h>
#include <wx/msgdlg.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/checklst.h>
#include <wx/combobox.h>
#include <wx/testing.h>
#include <wx/uiaction.h>

#include <chrono>
#include <set>
#include <optional>
#include <thread>

using namespace civic;
using namespace civic::ui;
using civic::test::TempDir;
using namespace civic::uitest;

namespace {

class TestApp : public wxApp
{
public:
    bool OnInit() override { return true; }
};

// Boots wxWidgets once for the module, with an active event loop so that
// CallAfter results and GTK events can be pumped by the tests.
struct WxFixture
{
    WxFixture()
    {
        wxApp::SetInstance(new TestApp);
        static int argc = 1;
        static char arg0[] = "test_ui";
        static char* argv[] = {arg0, nullptr};
        BOOST_TEST_REQUIRE(wxEntryStart(argc, argv));
        wxTheApp->CallOnInit();
        // A wxWidgets assertion fails the test instead of opening a dialog
        // that nobody answers (the module would wait until its timeout).
        wxSetAssertHandler([](const wxString& file, int line, const wxString& func, const wxString& cond,
                              const wxString& msg) {
            const std::string what = (file + ":" + wxString::Format("%d", line) + " " + func + ": " + cond + " " + msg)
                                         .utf8_string();
            if (wxIsMainThread())
                BOOST_ERROR("wxWidgets assertion " << what);
            else
                std::fprintf(stderr, "wxWidgets assertion on a worker thread: %s\n", what.c_str());
        });
        m_loop = new wxGUIEventLoop;
        wxEventLoopBase::SetActive(m_loop);
    }
    ~WxFixture()
    {
        wxEventLoopBase::SetActive(nullptr);
        delete m_loop;
        wxTheApp->OnExit();
        wxEntryCleanup();
    }
    wxGUIEventLoop* m_loop;
};
BOOST_TEST_GLOBAL_FIXTURE(WxFixture);

// Starts a CRM round every half second, as the console's timer would sooner
// or later, until the server holds `count` requests.
bool SyncUntilFiled(ConsoleWindow& w, test::Open311Server& server, size_t count, int timeout_ms)
{
    auto last_round = std::chrono::steady_clock::now();
    return PumpUntil(
        [&] {
            if (std::chrono::steady_clock::now() - last_round > std::chrono::milliseconds(500)) {
                w.frame->SyncCrm();
                last_round = std::chrono::steady_clock::now();
            }
            return server.Requests().size() == count;
        },
        timeout_ms);
}

} // namespace

BOOST_AUTO_TEST_SUITE(MainWindow)

BOOST_AUTO_TEST_CASE(shows_three_working_panes_menus_and_status)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto& aui = w.frame->Aui();
    for (const char* name : {"caller", "knowledge", "wrapup"}) {
        auto& pane = aui.GetPane(name);
        BOOST_TEST_REQUIRE(pane.IsOk(), name);
        BOOST_TEST(pane.IsShown(), name);
        BOOST_TEST(pane.window->IsShownOnScreen(), name);
        BOOST_TEST(pane.window->GetSize().GetWidth() > 150, name);
    }
    auto* bar = w.frame->GetMenuBar();
    BOOST_TEST_REQUIRE(bar->GetMenuCount() == 6u);
    BOOST_TEST(bar->GetMenuLabelText(0) == "File");
    BOOST_TEST(bar->GetMenuLabelText(1) == "View");
    BOOST_TEST(bar->GetMenuLabelText(2) == "Contacts");
    BOOST_TEST(bar->GetMenuLabelText(3) == "Call");
    BOOST_TEST(bar->GetMenuLabelText(4) == "Knowledge");
    BOOST_TEST(bar->GetMenuLabelText(5) == "Help");
    BOOST_TEST(Status(w.frame, kStatusConnection).Contains("Offline"),
               Status(w.frame, kStatusConnection).utf8_string());
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusOutbox) == "Outbox: 0 pending"; }));
}

BOOST_AUTO_TEST_CASE(outbox_count_in_status_bar_follows_the_store)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    w.console->Store()
        .Submit([](store::Database& db) {
            for (const char* key : {"a", "b"}) {
                auto q = db.Prepare("INSERT INTO outbox(idempotency_key, kind, "
                                    "created_at, updated_at) VALUES(?1, 'request', 0, 0)");
                (void)q.Bind(1, key).Run();
            }
            return 0;
        })
        .get();
    w.frame->RefreshStatus();
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusOutbox) == "Outbox: 2 pending"; }),
               Status(w.frame, kStatusOutbox).utf8_string());
}

BOOST_AUTO_TEST_CASE(view_menu_commands_move_keyboard_focus_between_panes)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto fire = [&](const wxString& label) {
        const int id = MenuIdFor(w.frame, "View", label);
        BOOST_TEST_REQUIRE(id != wxNOT_FOUND, label.utf8_string());
        wxCommandEvent ev(wxEVT_MENU, id);
        w.frame->GetEventHandler()->ProcessEvent(ev);
        Pump();
    };
    fire("Search knowledge");
    BOOST_TEST(PumpUntil([&] {
        wxWindow* f = wxWindow::FindFocus();
        return f && (f == w.frame->Knowledge()->Search() ||
                     f->GetParent() == w.frame->Knowledge()->Search());
    }));
    fire("Wrap-up");
    BOOST_TEST(PumpUntil([&] { return wxWindow::FindFocus() == w.frame->WrapUp()->Notes(); }));
}

BOOST_AUTO_TEST_CASE(ctrl_k_typed_on_the_keyboard_focuses_knowledge_search)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    w.frame->Raise();
    w.frame->WrapUp()->FocusPrimary();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wxWindow::FindFocus() == w.frame->WrapUp()->Notes(); }));
    wxUIActionSimulator sim;
    sim.Char('k', wxMOD_CONTROL);
    BOOST_TEST(PumpUntil([&] {
        wxWindow* f = wxWindow::FindFocus();
        return f && (f == w.frame->Knowledge()->Search() ||
                     f->GetParent() == w.frame->Knowledge()->Search());
    }));
}

BOOST_AUTO_TEST_CASE(pane_layout_survives_a_restart_and_can_be_reset)
{
    TempDir dir;
    {
        ConsoleWindow w(dir.Path());
        auto& caller = w.frame->Aui().GetPane("caller");
        BOOST_TEST(caller.dock_direction == wxAUI_DOCK_LEFT);
        caller.Bottom();
        w.frame->Aui().Update();
        w.CloseWindow();
    }
    {
        ConsoleWindow w(dir.Path());
        BOOST_TEST(w.frame->Aui().GetPane("caller").dock_direction == wxAUI_DOCK_BOTTOM);
        w.frame->ResetLayout();
        BOOST_TEST(w.frame->Aui().GetPane("caller").dock_direction == wxAUI_DOCK_LEFT);
        w.CloseWindow();
    }
    ConsoleWindow w(dir.Path());
    BOOST_TEST(w.frame->Aui().GetPane("caller").dock_direction == wxAUI_DOCK_LEFT);
}

BOOST_AUTO_TEST_CASE(screen_pop_arguments_show_the_caller)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    w.frame->HandleArgs({"--pop", "tel:+12155550100"});
    BOOST_TEST(w.frame->Caller()->CurrentCaller() == "+12155550100");
    BOOST_TEST(w.frame->GetTitle().Contains("+12155550100"));
    // Nobody has that number yet: the new-contact form opens with it.
    BOOST_TEST(PumpUntil([&] { return w.frame->Caller()->NewContactForm()->IsShown(); }));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(CallerAndTimeline)

namespace {

// Maria has called, used the app, the web, e-mail and the counter; her
// pothole request was opened and closed. Ben shares her address and a
// similar name.
struct Seeded
{
    std::int64_t maria = 0, twin = 0;
};

Seeded Seed(ConsoleWindow& w)
{
    return w.console->Store()
        .Submit([](store::Database& db) {
            contacts::ContactStore cs(db);
            Seeded out;
            contacts::NewContact m;
            m.name = "Maria Lopez";
            m.language = "es";
            m.needs = "Spanish interpreter";
            m.identifiers = {{contacts::IdKind::Phone, "(215) 555-0100", "mobile", true},
                             {contacts::IdKind::Address, "1234 N Broad St Apt 3", "", false}};
            out.maria = cs.Create(m).Value();
            contacts::NewContact t;
            t.name = "Maria Lopes";
            t.identifiers = {{contacts::IdKind::Address, "1234 North Broad Street, Apt. 3", "", false}};
            out.twin = cs.Create(t).Value();
            contacts::ServiceRequest r;
            r.request_id = "SR-1001";
            r.contact = out.maria;
            r.service_name = "Pothole repair";
            r.opened_at = 1700000000;
            const auto req = cs.UpsertRequest(r).Value();
            auto add = [&](std::int64_t who, contacts::Channel ch, std::int64_t at, const char* summary) {
                contacts::Interaction i;
                i.contact = who;
                i.channel = ch;
                i.at = at;
                i.summary = summary;
                i.agent = "Dana";
                if (ch == contacts::Channel::MobileApp)
                    i.requests = {req};
                (void)cs.Record(i);
            };
            add(out.maria, contacts::Channel::MobileApp, 1700000000, "Pothole reported in the app");
            add(out.maria, contacts::Channel::PhoneIn, 1700100000, "Asked about the pothole");
            add(out.maria, contacts::Channel::Web, 1700200000, "Bulk pickup form");
            add(out.maria, contacts::Channel::Email, 1700300000, "Sent a photo");
            add(out.maria, contacts::Channel::WalkIn, 1700400000, "Paid a parking ticket");
            add(out.twin, contacts::Channel::Mail, 1700500000, "Letter about a tree");
            r.status = "closed";
            r.status_notes = "Crew filled the pothole";
            r.updated_at = 1700600000;
            (void)cs.UpsertRequest(r);
            return out;
        })
        .get();
}

} // namespace

BOOST_AUTO_TEST_CASE(a_known_caller_pops_with_every_channel_and_request_status)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto seeded = Seed(w);
    auto* caller = w.frame->Caller();
    w.frame->HandleArgs({"--pop", "tel:2155550100"});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->Timeline()->Entries().size() == 7u; }));
    BOOST_TEST(caller->NameLabel()->GetLabel() == "Maria Lopez");
    BOOST_TEST(caller->ShownContact() == seeded.maria);
    std::set<wxString> channels;
    for (long row = 0; row < caller->Timeline()->GetItemCount(); ++row)
        channels.insert(caller->Timeline()->GetItemText(row, 1));
    BOOST_TEST(channels.size() == 6u); // five channels and request statuses
    BOOST_TEST(caller->Timeline()->GetItemText(0, 2).Contains("closed"));
    // The app report shows its request's current status.
    BOOST_TEST(caller->Timeline()->GetItemText(6, 3).Contains(L"SR-1001 \u2014 closed"));
    BOOST_TEST(caller->Detail()->GetValue().Contains("Crew filled the pothole"));
    // The wrap-up knows who it is for.
    BOOST_TEST(w.frame->WrapUp()->Context()->GetLabel().Contains("Call with Maria Lopez"));
    BOOST_TEST(w.frame->WrapUp()->FinishButton()->IsEnabled());

    caller->ChannelFilter()->SetStringSelection("E-mail");
    caller->ApplyFilter();
    BOOST_TEST(PumpUntil([&] { return caller->Timeline()->Entries().size() == 1u; }));
    BOOST_TEST(caller->Timeline()->GetItemText(0, 2) == "Sent a photo");
    // All of it happened in 2023: nothing in the last 30 days.
    caller->ChannelFilter()->SetSelection(0);
    caller->PeriodFilter()->SetSelection(3);
    caller->ApplyFilter();
    BOOST_TEST(PumpUntil([&] { return caller->Timeline()->Entries().empty(); }));
    // The next person shown starts unfiltered: their 2023 letter is there.
    caller->ShowContact(seeded.twin);
    BOOST_TEST(PumpUntil([&] { return caller->Timeline()->Entries().size() == 1u; }));
    BOOST_TEST(caller->PeriodFilter()->GetSelection() == 0);
}

BOOST_AUTO_TEST_CASE(an_unknown_caller_gets_a_new_contact_with_the_number)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* caller = w.frame->Caller();
    w.frame->HandleArgs({"--pop", "tel:+12675550199"});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NewContactForm()->IsShown(); }));
    BOOST_TEST(caller->FormPhone()->GetValue() == "+12675550199");
    caller->FormPhone()->ChangeValue("267-555");
    caller->FormName()->ChangeValue("Kevin Brown");
    caller->SaveNewContact();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return !caller->FormError()->GetLabel().empty(); }));
    BOOST_TEST(caller->FormError()->GetLabel().StartsWith("Phone:"), caller->FormError()->GetLabel().utf8_string());
    BOOST_TEST(caller->FormName()->GetValue() == "Kevin Brown"); // nothing typed is lost
    caller->FormPhone()->ChangeValue("+12675550199");
    caller->SaveNewContact();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NameLabel()->GetLabel() == "Kevin Brown"; }));
    BOOST_TEST(!caller->NewContactForm()->IsShown());
    const auto found = w.console->Store()
                           .Submit([](store::Database& db) {
                               return contacts::ContactStore(db).FindByPhone("267 555 0199").Value().size();
                           })
                           .get();
    BOOST_TEST(found == 1u);
}

BOOST_AUTO_TEST_CASE(typing_finds_the_contact_and_enter_opens_it)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    Seed(w);
    auto* caller = w.frame->Caller();
    caller->FindBox()->ChangeValue("lopez");
    wxCommandEvent text(wxEVT_TEXT, caller->FindBox()->GetId());
    caller->FindBox()->GetEventHandler()->ProcessEvent(text);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->FoundCount() == 2u; }));
    caller->PickResult(0);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->ShownContact() != 0; }));
    BOOST_TEST(caller->NameLabel()->GetLabel().StartsWith("Maria Lop"));
}

namespace {

// Answers the duplicates dialog after comparing the chosen candidate.
class AnswerDuplicates : public wxExpectModalBase<DuplicatesDialog, AnswerDuplicates>
{
public:
    AnswerDuplicates(int row, int answer, wxString* left, wxString* right)
        : m_row(row), m_answer(answer), m_left(left), m_right(right)
    {
    }

protected:
    int OnInvoked(DuplicatesDialog* d) const override
    {
        d->Select(m_row);
        PumpUntil([&] { return !d->Candidate()->GetValue().StartsWith("Reading"); });
        *m_left = d->Shown()->GetValue();
        *m_right = d->Candidate()->GetValue();
        return m_answer;
    }

private:
    int m_row, m_answer;
    wxString *m_left, *m_right;
};

// Answers a yes/no question, keeping what it asked.
class AnswerQuestion : public wxExpectModalBase<wxMessageDialog, AnswerQuestion>
{
public:
    AnswerQuestion(int answer, wxString* asked) : m_answer(answer), m_asked(asked) {}

protected:
    int OnInvoked(wxMessageDialog* d) const override
    {
        *m_asked = d->GetMessage();
        return m_answer;
    }

private:
    int m_answer;
    wxString* m_asked;
};

} // namespace

BOOST_AUTO_TEST_CASE(duplicates_are_compared_side_by_side_then_merged_and_separated_after_asking)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto seeded = Seed(w);
    auto* caller = w.frame->Caller();
    caller->ShowContact(seeded.maria);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->Timeline()->Entries().size() == 7u; }));
    BOOST_TEST(caller->DuplicatesButton()->IsShown());
    BOOST_TEST(caller->DuplicatesButton()->GetLabel().Contains("(1)"));
    wxString left, right;
    wxTEST_DIALOG(
        {
            caller->OpenDuplicates();
            PumpUntil([&] { return false; }, 300); // the dialog opens when the store answers
        },
        AnswerDuplicates(0, DuplicatesDialog::kMerge, &left, &right).Describe("the possible duplicates"));
    // Both sides were there to compare before the merge.
    BOOST_TEST(left.Contains("(215) 555-0100"), left.utf8_string());
    BOOST_TEST(right.StartsWith("Maria Lopes"), right.utf8_string());
    BOOST_TEST(right.Contains("1234 North Broad Street"), right.utf8_string());
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->Timeline()->Entries().size() == 8u; }));
    // Entries of the merged contact say whose they were.
    BOOST_TEST(caller->Timeline()->GetItemText(1, 2) == "Maria Lopes: Letter about a tree");
    // Separating asks first, naming the contact; No leaves the merge.
    wxString asked;
    wxTEST_DIALOG(
        {
            caller->AskUnmerge();
            PumpUntil([&] { return false; }, 300);
        },
        AnswerQuestion(wxID_NO, &asked).Describe("separate?"));
    BOOST_TEST(asked.Contains("Maria Lopes"), asked.utf8_string());
    PumpUntil([&] { return false; }, 200);
    BOOST_TEST(caller->Timeline()->Entries().size() == 8u);
    wxTEST_DIALOG(
        {
            caller->AskUnmerge();
            PumpUntil([&] { return false; }, 300);
        },
        AnswerQuestion(wxID_YES, &asked).Describe("separate?"));
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->Timeline()->Entries().size() == 7u; }));
    const auto log = w.console->Store()
                         .Submit([](store::Database& db) {
                             auto q = db.Prepare("SELECT group_concat(action, ' ') FROM audit_log "
                                                 "WHERE action LIKE 'contact.%'");
                             return q.Step().Value() ? q.Text(0) : std::string();
                         })
                         .get();
    BOOST_TEST(log == "contact.merge contact.unmerge");
    // The same, as a supervisor reads it (Contacts > Audit log).
    BOOST_TEST(MenuIdFor(w.frame, "Contacts", "Audit log...") != wxNOT_FOUND);
    AuditDialog audit(w.frame, *w.session, seeded.maria, "Maria Lopez");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return !audit.Loading(); }));
    BOOST_TEST_REQUIRE(audit.List()->GetItemCount() == 2);
    BOOST_TEST(audit.List()->GetItemText(0, 2) == "Separated"); // newest first
    BOOST_TEST(audit.List()->GetItemText(1, 2) == "Merged");
    BOOST_TEST(audit.List()->GetItemText(1, 3).Contains("Maria Lopes"), audit.List()->GetItemText(1, 3).utf8_string());
}

BOOST_AUTO_TEST_CASE(not_the_same_person_is_remembered_and_not_proposed_again)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto seeded = Seed(w);
    auto* caller = w.frame->Caller();
    caller->ShowContact(seeded.maria);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->DuplicatesButton()->IsShown(); }));
    wxString left, right;
    wxTEST_DIALOG(
        {
            caller->OpenDuplicates();
            PumpUntil([&] { return false; }, 300);
        },
        AnswerDuplicates(0, DuplicatesDialog::kDistinct, &left, &right).Describe("the possible duplicates"));
    BOOST_TEST(PumpUntil([&] { return !caller->DuplicatesButton()->IsShown(); }));
    BOOST_TEST(caller->Timeline()->Entries().size() == 7u); // nothing merged
    caller->ShowContact(seeded.twin);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return caller->NameLabel()->GetLabel() == "Maria Lopes"; }));
    PumpUntil([&] { return false; }, 200);
    BOOST_TEST(!caller->DuplicatesButton()->IsShown()); // nor from her side
}

BOOST_AUTO_TEST_CASE(editing_a_contact_sets_consent_adds_a_number_and_a_liaison_link)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto seeded = Seed(w);
    auto contact = w.console->Store()
                       .Submit([&](store::Database& db) { return contacts::ContactStore(db).Get(seeded.maria).Value(); })
                       .get();
    auto* dialog = new ContactDialog(w.frame, *w.session, contact);
    dialog->Show();
    BOOST_TEST_REQUIRE(dialog->Identifiers()->GetCount() == 2u);
    BOOST_TEST(dialog->Identifiers()->IsChecked(0)); // the phone: agreed to be notified
    dialog->Identifiers()->Check(0, false);
    dialog->NewValue()->ChangeValue("555");
    dialog->Save();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return !dialog->Error()->GetLabel().empty(); }));
    BOOST_TEST(dialog->Error()->GetLabel().StartsWith("Phone:"));
    dialog->NewValue()->ChangeValue("267 555 0142");
    dialog->Organization()->ChangeValue("Fairhill Neighbors");
    dialog->Language()->ChangeValue("es-US");
    dialog->Save();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return dialog->Saved(); }));
    dialog->Destroy();
    auto after = w.console->Store()
                     .Submit([&](store::Database& db) { return contacts::ContactStore(db).Get(seeded.maria).Value(); })
                     .get();
    BOOST_TEST(after.language == "es-US");
    BOOST_TEST_REQUIRE(after.identifiers.size() == 3u);
    BOOST_TEST(!after.identifiers[0].notify);
    BOOST_TEST(after.identifiers[2].value == "+12675550142");
    BOOST_TEST_REQUIRE(after.memberships.size() == 1u);
    BOOST_TEST(after.memberships[0].organization_name == "Fairhill Neighbors");
}

BOOST_AUTO_TEST_CASE(a_liaison_files_on_behalf_of_the_association)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto org = w.console->Store()
                         .Submit([](store::Database& db) {
                             contacts::ContactStore cs(db);
                             contacts::NewContact o;
                             o.kind = contacts::ContactKind::Organization;
                             o.name = "Fairhill Neighbors";
                             const auto org_id = cs.Create(o).Value();
                             contacts::NewContact p;
                             p.name = "Ana Rivera";
                             p.identifiers = {{contacts::IdKind::Phone, "2155550111", "", false}};
                             (void)cs.Link(org_id, cs.Create(p).Value());
                             return org_id;
                         })
                         .get();
    w.frame->HandleArgs({"--pop", "tel:2155550111"});
    auto* wrap = w.frame->WrapUp();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->OnBehalf()->IsShown(); }));
    BOOST_TEST(wrap->OnBehalf()->GetString(1) == "Fairhill Neighbors");
    wrap->OnBehalf()->SetSelection(1);
    wrap->Notes()->ChangeValue("Three street lights out on the 2900 block");
    wrap->Finish();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }));
    const auto page = w.console->Store()
                          .Submit([org](store::Database& db) {
                              return contacts::ContactStore(db).Timeline(org, {}, std::nullopt, 10).Value();
                          })
                          .get();
    BOOST_TEST_REQUIRE(page.entries.size() == 1u);
    BOOST_TEST(page.entries[0].contact_name == "Ana Rivera");
    BOOST_TEST(page.entries[0].summary == "Three street lights out on the 2900 block");
    // The association's timeline names the liaison who reported, not itself.
    auto* caller = w.frame->Caller();
    caller->ShowContact(org);
    BOOST_TEST_REQUIRE(PumpUntil([&] {
        return caller->ShownContact() == org && caller->Timeline()->Entries().size() == 1u;
    }));
    BOOST_TEST(PumpUntil([&] {
        return caller->Timeline()->GetItemText(0, 2) == "Ana Rivera: Three street lights out on the 2900 block";
    }), caller->Timeline()->GetItemText(0, 2).utf8_string());
}

BOOST_AUTO_TEST_CASE(a_walk_in_visit_takes_two_keystrokes_and_no_mouse)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    w.frame->Raise();
    wxUIActionSimulator sim;
    sim.Char(WXK_F2);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->Caller()->InWalkIn(); }));
    BOOST_TEST_REQUIRE(PumpUntil([&] {
        wxWindow* f = wxWindow::FindFocus();
        return f && (f == w.frame->Caller()->FindBox() || f->GetParent() == w.frame->Caller()->FindBox());
    }));
    sim.Char(WXK_RETURN); // an anonymous visitor
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Context()->GetLabel().Contains("Walk-in visit"); }));
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wxWindow::FindFocus() == w.frame->WrapUp()->Notes(); }));
    sim.Text("Asked about leaf collection");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Notes()->GetValue().Contains("leaf"); }));
    sim.Char(WXK_RETURN, wxMOD_CONTROL);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Notes()->IsEmpty(); }));
    // Recorded as a walk-in under the console's record for anonymous visits,
    // whose history the counter never shows.
    const auto stored = QueryStore<std::string>(w, [](store::Database& db) {
        auto q = db.Prepare("SELECT i.channel FROM interaction i JOIN contact c ON c.id = i.contact "
                            "WHERE c.anonymous = 1 AND i.notes = 'Asked about leaf collection'");
        return q.Step().Value() ? q.Text(0) : std::string();
    });
    BOOST_TEST(stored == "walk-in");
    BOOST_TEST(w.frame->Caller()->Timeline()->Entries().empty());
    BOOST_TEST(!w.frame->WrapUp()->FinishButton()->IsEnabled());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(FilingRequests)

namespace {

// Connects the console to the loopback CRM and loads its catalog.
void ConnectCrm(ConsoleWindow& w, test::Open311Server& server)
{
    ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
    open311::RegisterOpen311();
    Settings s = w.console->GetSettings();
    s.agent_name = "Dana Reyes";
    s.crm_endpoint = server.Endpoint();
    w.console->SaveSettings(s);
    w.frame->ApplySettings(s);
    BOOST_TEST_REQUIRE(SaveApiKey(w.console->GetPaths(), server.Endpoint(), "test-key").IsOk());
    w.frame->SyncCrm(true);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Request()->ServiceCount() == 4u; }, 10000));
}

void ChooseService(RequestForm* form, const wxString& name)
{
    for (unsigned i = 1; i < form->Service()->GetCount(); ++i)
        if (form->Service()->GetString(i) == name)
            form->Service()->SetSelection(static_cast<int>(i));
    wxCommandEvent choose(wxEVT_CHOICE, form->Service()->GetId());
    choose.SetInt(form->Service()->GetSelection());
    choose.SetEventObject(form->Service());
    form->Service()->GetEventHandler()->ProcessEvent(choose);
}

} // namespace

namespace {

// Fills the settings as an agent would and presses OK.
class EnterCrm : public wxExpectModalBase<SettingsDialog, EnterCrm>
{
public:
    explicit EnterCrm(std::string endpoint) : m_endpoint(std::move(endpoint)) {}

protected:
    int OnInvoked(SettingsDialog* d) const override
    {
        d->AgentName()->ChangeValue("Dana Reyes");
        d->Endpoint()->ChangeValue(wxString::FromUTF8(m_endpoint));
        return d->TransferDataFromWindow() ? wxID_OK : wxID_CANCEL;
    }

private:
    std::string m_endpoint;
};

} // namespace

BOOST_AUTO_TEST_CASE(a_crm_entered_in_settings_is_asked_at_once_not_at_the_next_round)
{
    ::setenv("CIVICDESK_NO_SECRET_SERVICE", "1", 1);
    open311::RegisterOpen311();
    test::Open311Server server;
    TempDir dir;
    ConsoleWindow w(dir.Path());
    BOOST_TEST_REQUIRE(SaveApiKey(w.console->GetPaths(), server.Endpoint(), "test-key").IsOk());
    // The console's first round (3 s after start) finds no CRM configured.
    BOOST_TEST_REQUIRE(PumpUntil([&] { return Status(w.frame, kStatusConnection).Contains("no CRM configured"); }));
    PumpUntil([] { return false; }, 3500);
    wxTEST_DIALOG(
        {
            wxCommandEvent open(wxEVT_MENU, wxID_PREFERENCES);
            w.frame->GetEventHandler()->ProcessEvent(open);
        },
        EnterCrm(server.Endpoint()).Describe("the settings"));
    // Well before the next round (30 s): the catalog is there and the bar says online.
    BOOST_TEST(PumpUntil([&] { return w.frame->WrapUp()->Request()->ServiceCount() == 4u; }, 8000));
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusConnection).StartsWith("Online"); }, 2000),
               Status(w.frame, kStatusConnection).utf8_string());
}

BOOST_AUTO_TEST_CASE(a_crm_that_stops_answering_mid_round_is_said_so_rather_than_online)
{
    test::Open311Server server;
    TempDir dir;
    ConsoleWindow w(dir.Path());
    ConnectCrm(w, server);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return Status(w.frame, kStatusConnection).StartsWith("Online"); }));
    server.SetSlowMs(10000);
    server.Inject(test::Fault::Slow, 1);
    const auto asked = std::chrono::steady_clock::now();
    w.frame->SyncCrm(true);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return Status(w.frame, kStatusConnection).Contains("no answer for"); }, 9500),
                       Status(w.frame, kStatusConnection).utf8_string());
    const auto said = std::chrono::steady_clock::now() - asked;
    BOOST_TEST(said >= std::chrono::seconds(7)); // not for a round that merely takes a second
    // It answers at last: the bar says what the round found.
    BOOST_TEST(PumpUntil([&] { return !Status(w.frame, kStatusConnection).Contains("no answer for"); }, 12000));
}

BOOST_AUTO_TEST_CASE(a_pothole_filed_while_the_crm_is_down_is_delivered_and_later_closed)
{
    test::Open311Server server;
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto seeded = CallerAndTimeline::Seed(w);
    // The first round caches the catalog: forms work offline from here on.
    ConnectCrm(w, server);
    auto* form = w.frame->WrapUp()->Request();
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusConnection).StartsWith("Online"); }));

    server.Stop(); // the storm
    w.frame->HandleArgs({"--pop", "tel:2155550100"});
    BOOST_TEST_REQUIRE(PumpUntil([&] { return !form->Location()->GetValue().empty(); }));
    BOOST_TEST(form->Location()->GetValue() == "1234 N Broad St Apt 3"); // her address, offered first
    for (unsigned i = 1; i < form->Service()->GetCount(); ++i)
        if (form->Service()->GetString(i) == "Pothole repair")
            form->Service()->SetSelection(static_cast<int>(i));
    wxCommandEvent choose(wxEVT_CHOICE, form->Service()->GetId());
    choose.SetInt(form->Service()->GetSelection());
    form->Service()->GetEventHandler()->ProcessEvent(choose);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return form->DefinitionShown() && form->Field("SIZE"); }));
    BOOST_TEST(w.frame->WrapUp()->Fields()->Disposition() == "request created");
    w.frame->WrapUp()->Notes()->ChangeValue("Deep pothole in the right lane");
    w.frame->WrapUp()->Finish();
    // SIZE is required: the form says so beside the field and nothing is filed.
    BOOST_TEST(form->FieldError("SIZE")->IsShown());
    BOOST_TEST(form->FieldError("SIZE")->GetLabel().Contains("Required"));
    BOOST_TEST(PumpUntil([&] { return wxWindow::FindFocus() == form->Field("SIZE"); })); // typed next
    BOOST_TEST(!w.frame->WrapUp()->Notes()->IsEmpty());
    static_cast<wxChoice*>(form->Field("SIZE"))->SetSelection(2);
    w.frame->WrapUp()->Finish();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return w.frame->WrapUp()->Notes()->IsEmpty(); }));
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusOutbox) == "Outbox: 1 pending"; }, 10000),
               Status(w.frame, kStatusOutbox).utf8_string());
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusConnection).StartsWith("Offline"); }, 10000),
               Status(w.frame, kStatusConnection).utf8_string());

    {
        // Not yet at the CRM: the timeline must not call it open there.
        auto* timeline = w.frame->Caller()->Timeline();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return timeline->GetItemCount() > 0; }));
        bool waiting = false, called_open = false;
        for (long row = 0; row < timeline->GetItemCount(); ++row) {
            waiting = waiting || timeline->GetItemText(row, 3).Contains("no CRM number yet");
            called_open = called_open || timeline->GetItemText(row, 3).Contains(L"\u2014 open");
        }
        BOOST_TEST(waiting);
        BOOST_TEST(!called_open);
    }
    server.Start(); // the CRM is back; the console's rounds (every 30 s) find it
    // once the entry's backoff (5 s with jitter) has passed.
    BOOST_TEST_REQUIRE(SyncUntilFiled(w, server, 1, 15000));
    BOOST_TEST(PumpUntil([&] { return Status(w.frame, kStatusOutbox) == "Outbox: 0 pending"; }, 10000));
    const std::string id = server.Requests()[0].id;
    BOOST_TEST(server.Requests()[0].fields.at("attribute[SIZE]") == "L");
    auto* timeline = w.frame->Caller()->Timeline();
    BOOST_TEST(PumpUntil([&] { return timeline->GetItemText(0, 3).Contains(wxString::FromUTF8(id)); }, 10000),
               timeline->GetItemText(0, 3).utf8_string());
    // The call's detail shows what the caller answered about the request.
    long call_row = 0;
    while (static_cast<size_t>(call_row) + 1 < timeline->Entries().size() &&
           timeline->Entries()[static_cast<size_t>(call_row)].type != contacts::TimelineEntry::Type::Interaction)
        ++call_row;
    timeline->SetItemState(call_row, wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED,
                           wxLIST_STATE_SELECTED | wxLIST_STATE_FOCUSED);
    BOOST_TEST(PumpUntil([&] { return w.frame->Caller()->Detail()->GetValue().Contains("SIZE: L"); }),
               w.frame->Caller()->Detail()->GetValue().utf8_string());
    BOOST_TEST(w.frame->Caller()->Detail()->GetValue().Contains("Filed: Pothole repair at 1234 N Broad St Apt 3"));

    server.Close(id, "Streets crew filled the pothole", 1900000000);
    w.frame->SyncCrm(true);
    BOOST_TEST(PumpUntil([&] { return timeline->GetItemText(0, 2).Contains("closed"); }, 10000),
               timeline->GetItemText(0, 2).utf8_string());
    (void)seeded;
}


BOOST_AUTO_TEST_CASE(an_information_only_call_closes_with_one_keystroke)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    const auto seeded = CallerAndTimeline::Seed(w);
    w.frame->HandleArgs({"--pop", "tel:2155550100"});
    auto* wrap = w.frame->WrapUp();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->FinishButton()->IsEnabled(); }));
    BOOST_TEST(wrap->Fields()->Disposition() == "information only"); // the center's default outcome
    // Her card says Spanish: the likely language of the call.
    BOOST_TEST(PumpUntil([&] { return wrap->Fields()->Answers().at("language") == "es"; }));
    wrap->Notes()->ChangeValue("Snow emergency: where to park");
    wxKeyEvent key(wxEVT_CHAR_HOOK);
    key.m_keyCode = WXK_RETURN;
    key.SetControlDown(true);
    key.SetEventObject(wrap->Notes());
    wrap->Notes()->GetEventHandler()->ProcessEvent(key);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }));
    const auto stored = QueryStore<std::pair<std::string, int>>(w, [&](store::Database& db) {
        auto q = db.Prepare("SELECT disposition, (SELECT COUNT(*) FROM outbox) FROM interaction WHERE contact = ?1 "
                            "AND notes LIKE 'Snow%'");
        q.Bind(1, seeded.maria);
        return q.Step().Value() ? std::make_pair(q.Text(0), static_cast<int>(q.Int(1))) : std::make_pair(std::string(), -1);
    });
    BOOST_TEST(stored.first == "information only");
    BOOST_TEST(stored.second == 0); // nothing for the CRM
}

BOOST_AUTO_TEST_CASE(after_call_work_is_timed_and_an_unfinished_wrap_up_survives_a_crash)
{
    TempDir dir;
    std::int64_t maria = 0;
    {
        ConsoleWindow w(dir.Path());
        Settings s = w.console->GetSettings();
        s.agent_name = "Dana Reyes";
        w.console->SaveSettings(s);
        maria = CallerAndTimeline::Seed(w).maria;
        w.frame->HandleArgs({"--pop", "tel:2155550100"});
        auto* wrap = w.frame->WrapUp();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->FinishButton()->IsEnabled(); }));
        BOOST_TEST(wrap->Clock()->GetLabel().StartsWith("Talking 0:0"), wrap->Clock()->GetLabel().utf8_string());
        // F4 from anywhere in the window ends the call.
        wxCommandEvent end(wxEVT_MENU, MenuIdFor(w.frame, "Call", "End call or visit"));
        w.frame->GetEventHandler()->ProcessEvent(end);
        BOOST_TEST(wrap->EndedAt() > 0);
        BOOST_TEST(wrap->Clock()->GetLabel().StartsWith("After-call work 0:0"), wrap->Clock()->GetLabel().utf8_string());
        BOOST_TEST(!wrap->EndCallButton()->IsEnabled());
        wrap->Notes()->SetValue("Caller asks about bulk pickup for a sofa"); // typed: autosaves after a pause
        static_cast<ui::SuggestBox*>(wrap->Fields()->Control("language"))->SetValue("Spanish");
        static_cast<wxCheckBox*>(wrap->Fields()->Control("interpreter"))->SetValue(true);
        BOOST_TEST_REQUIRE(PumpUntil(
            [&] {
                return QueryStore<int>(w, [](store::Database& db) {
                           auto q = db.Prepare("SELECT COUNT(*) FROM wrapup_draft WHERE body LIKE '%sofa%'");
                           return q.Step().Value() ? static_cast<int>(q.Int(0)) : 0;
                       }) == 1;
            },
            5000));
        wrap->SaveDraftNow(); // the checkbox too, as the timer would
        QueryStore<int>(w, [](store::Database&) { return 0; });
        // The power goes out: nothing of the window's own shutdown may matter.
    }
    ConsoleWindow again(dir.Path());
    auto* wrap = again.frame->WrapUp();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Context()->GetLabel().Contains("Call with Maria Lopez"); }, 5000));
    BOOST_TEST(wrap->Notes()->GetValue() == "Caller asks about bulk pickup for a sofa");
    BOOST_TEST(wrap->Fields()->Answers().at("language") == "es");
    BOOST_TEST(wrap->Fields()->Answers().at("interpreter") == "true");
    BOOST_TEST(wrap->EndedAt() > 0);
    BOOST_TEST(Status(again.frame, kStatusAgent).Contains("Restored the unfinished wrap-up for Maria Lopez"));
    wrap->Finish();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }));
    BOOST_TEST(PumpUntil([&] { return !Status(again.frame, kStatusAgent).Contains("Restored"); })); // not left behind
    const auto row = QueryStore<std::tuple<int, std::string, int>>(again, [&](store::Database& db) {
        auto q = db.Prepare("SELECT wrap_s IS NOT NULL AND talk_s IS NOT NULL, answers, "
                            "(SELECT COUNT(*) FROM wrapup_draft) FROM interaction WHERE contact = ?1 AND notes LIKE '%sofa%'");
        q.Bind(1, maria);
        return q.Step().Value() ? std::make_tuple(static_cast<int>(q.Int(0)), q.Text(1), static_cast<int>(q.Int(2)))
                                : std::make_tuple(-1, std::string(), -1);
    });
    BOOST_TEST(std::get<0>(row) == 1);
    BOOST_TEST(std::get<1>(row).find("\"interpreter\":true") != std::string::npos, std::get<1>(row));
    BOOST_TEST(std::get<2>(row) == 0); // the draft went with the stored wrap-up
}

BOOST_AUTO_TEST_CASE(the_centers_own_questions_come_from_its_xml_file)
{
    TempDir dir;
    std::filesystem::create_directories(dir.Path() / "forms");
    std::ofstream(dir.Path() / "forms" / "center-fields.xml") << R"(<?xml version="1.0"?>
<center-fields version="1">
  <field id="disposition" type="choice" default="info">
    <label>Outcome</label>
    <option value="info">Information only</option>
    <option value="filed" files-request="true">Request created</option>
  </field>
  <field id="district" type="choice" required="true">
    <label>Council district</label>
    <option value="1">District 1</option><option value="5">District 5</option>
  </field>
</center-fields>
)";
    std::int64_t maria = 0;
    {
        ConsoleWindow w(dir.Path());
        maria = CallerAndTimeline::Seed(w).maria;
        w.frame->HandleArgs({"--pop", "tel:2155550100"});
        auto* wrap = w.frame->WrapUp();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->FinishButton()->IsEnabled(); }));
        auto* district = dynamic_cast<wxChoice*>(wrap->Fields()->Control("district"));
        BOOST_TEST_REQUIRE(district);
        BOOST_TEST(!wrap->Fields()->Control("language")); // the center left it out
        wrap->Notes()->ChangeValue("Where is my district office");
        wrap->Finish();
        BOOST_TEST(wrap->Fields()->ErrorFor("district")->IsShown()); // required, beside the field
        BOOST_TEST(!wrap->Notes()->IsEmpty());
        district->SetSelection(2);
        wrap->Finish();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }));
        const auto answers = QueryStore<std::string>(w, [&](store::Database& db) {
            auto q = db.Prepare("SELECT answers FROM interaction WHERE contact = ?1 AND notes LIKE 'Where%'");
            q.Bind(1, maria);
            return q.Step().Value() ? q.Text(0) : std::string();
        });
        BOOST_TEST(answers.find("\"district\":\"5\"") != std::string::npos, answers);
    }
    // A mistake in the file: named in the status bar, the built-in questions used.
    std::ofstream(dir.Path() / "forms" / "center-fields.xml") << "<center-fields version=\"1\">\n<field id=\"x\">\n";
    ConsoleWindow broken(dir.Path());
    BOOST_TEST(Status(broken.frame, kStatusAgent).Contains("center-fields.xml:2: not well-formed"),
               Status(broken.frame, kStatusAgent).utf8_string());
    BOOST_TEST(broken.frame->WrapUp()->Fields()->Control("language"));
}

BOOST_AUTO_TEST_CASE(an_open_request_near_the_caller_is_offered_before_a_duplicate_is_filed)
{
    test::Open311Server server;
    const auto now = static_cast<std::int64_t>(wxDateTime::Now().GetTicks());
    const auto existing = server.Seed({{"service_code", "POTHOLE"}, {"address_string", "1234 North Broad Street"},
                                       {"description", "Reported on the app"}}, now - 3600);
    TempDir dir;
    ConsoleWindow w(dir.Path());
    CallerAndTimeline::Seed(w);
    ConnectCrm(w, server);
    w.frame->HandleArgs({"--pop", "tel:2155550100"});
    auto* wrap = w.frame->WrapUp();
    auto* form = wrap->Request();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return !form->Location()->GetValue().empty(); }));
    ChooseService(form, "Pothole repair");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return form->DefinitionShown() && form->Field("SIZE"); }));
    static_cast<wxChoice*>(form->Field("SIZE"))->SetSelection(1);
    wrap->Notes()->ChangeValue("Same pothole, getting worse");
    std::vector<sync::Nearby> offered;
    wrap->SetChooseExisting([&](const std::vector<sync::Nearby>& nearby) {
        offered = nearby;
        return 0; // add the caller to the first
    });
    wrap->Finish();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }, 5000));
    BOOST_TEST_REQUIRE(offered.size() == 1u);
    BOOST_TEST(offered[0].state.request_id == existing);
    BOOST_TEST(offered[0].state.description == "Reported on the app");
    w.frame->SyncCrm();
    Pump();
    BOOST_TEST(server.Requests().size() == 1u); // no duplicate filed
    auto* timeline = w.frame->Caller()->Timeline();
    BOOST_TEST(PumpUntil([&] { return timeline->GetItemText(0, 3).Contains(wxString::FromUTF8(existing)); }, 5000),
               timeline->GetItemText(0, 3).utf8_string());
    BOOST_TEST(timeline->GetItemText(0, 4) == "duplicate");
}

BOOST_AUTO_TEST_CASE(the_outbox_shows_what_the_crm_refused_and_lets_the_agent_correct_or_discard_it)
{
    test::Open311Server server;
    TempDir dir;
    ConsoleWindow w(dir.Path());
    CallerAndTimeline::Seed(w);
    ConnectCrm(w, server);
    auto file = [&](const char* notes) {
        w.frame->HandleArgs({"--pop", "tel:2155550100"});
        auto* wrap = w.frame->WrapUp();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->FinishButton()->IsEnabled(); }));
        ChooseService(wrap->Request(), "Street light outage");
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Request()->DefinitionShown(); }));
        wrap->Request()->Location()->ChangeValue("39.98, -75.15");
        wrap->Notes()->ChangeValue(notes);
        wrap->SetChooseExisting([](const std::vector<sync::Nearby>&) { return WrapUpPane::kFileNew; });
        wrap->Finish();
        BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Notes()->IsEmpty(); }, 5000));
    };
    server.Inject(test::Fault::JsonErrorOnXml, 1); // the CRM refuses the first
    file("Light out on the corner");
    w.frame->SyncCrm();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return Status(w.frame, kStatusOutbox).Contains("1 needs attention"); }, 10000),
                       Status(w.frame, kStatusOutbox).utf8_string());
    server.Stop();
    file("Second light out");

    OutboxDialog dialog(w.frame, *w.session);
    w.frame->WatchOutbox(dialog);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return dialog.Entries().size() == 2u; }));
    // Newest first; the refused one carries the CRM's own words.
    BOOST_TEST((dialog.Entries()[1].state == sync::State::Attention));
    BOOST_TEST(dialog.List()->GetItemText(1, 1) == "needs attention");
    dialog.Select(1);
    BOOST_TEST(dialog.Detail()->GetValue().Contains("The CRM refused it"));
    dialog.EditSelected("1500 Market St", "Light out on the corner of 15th and Market");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return dialog.Entries().size() == 2u &&
                                              dialog.Entries()[1].state == sync::State::Pending; }));
    BOOST_TEST(dialog.Entries()[1].payload.address == "1500 Market St");
    BOOST_TEST(dialog.Entries()[1].payload.description.find("Ref: CD-") != std::string::npos); // still findable
    dialog.Select(0);
    dialog.DiscardSelected("Caller called back: the light works again");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return dialog.Entries().size() == 1u; }));
    const auto audit = QueryStore<std::string>(w, [](store::Database& db) {
        auto q = db.Prepare("SELECT agent || ': ' || detail FROM audit_log WHERE action LIKE '%discard%'");
        return q.Step().Value() ? q.Text(0) : std::string();
    });
    BOOST_TEST(audit.find("Dana Reyes") != std::string::npos, audit);
    BOOST_TEST(audit.find("light works again") != std::string::npos, audit);
    server.Start();
    dialog.Select(0);
    dialog.RetrySelected();
    BOOST_TEST(SyncUntilFiled(w, server, 1, 10000));
    BOOST_TEST(server.Requests()[0].fields.at("address_string") == "1500 Market St");
    // The open view follows the round: nothing waits any more.
    BOOST_TEST(PumpUntil([&] { return dialog.Entries().empty(); }, 5000), dialog.Entries().size());
}

// The form refuses what `wrapup submit` refuses (the CLI suite runs the same
// cases): each problem beside its question, nothing collected.
BOOST_AUTO_TEST_CASE(the_form_refuses_what_a_script_is_refused)
{
    TempDir dir;
    test::Open311Server server;
    ConsoleWindow w(dir.Path());
    ConnectCrm(w, server);
    auto* form = w.frame->WrapUp()->Request();
    ChooseService(form, "Pothole repair");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return form->DefinitionShown() && form->Field("SEEN"); }));
    auto* size = static_cast<wxChoice*>(form->Field("SIZE"));
    for (const auto& c : test::RequestCases()) {
        form->Location()->ChangeValue(wxString::FromUTF8(c.location));
        size->SetSelection(c.size == "S" ? 1 : c.size == "L" ? 2 : 0);
        static_cast<wxTextCtrl*>(form->Field("DEPTH"))->ChangeValue(c.depth);
        static_cast<wxTextCtrl*>(form->Field("SEEN"))->ChangeValue(c.seen);
        auto collected = form->Collect("notes");
        BOOST_TEST(collected.IsOk() == !c.refused, c.name);
        if (c.refused && !collected)
            BOOST_TEST(collected.Err().message.find(c.says) != std::string::npos,
                       c.name << ": " << collected.Err().message);
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(KnowledgeInConsole)

namespace {
// Types into the knowledge search as an agent would, one keystroke at a time.
void TypeInto(wxSearchCtrl* search, const wxString& text)
{
    search->Clear();
    for (size_t i = 1; i <= text.length(); ++i) {
        search->ChangeValue(text.Left(i));
        wxCommandEvent ev(wxEVT_TEXT, search->GetId());
        ev.SetEventObject(search);
        search->GetEventHandler()->ProcessEvent(ev);
        Pump();
    }
}
} // namespace

BOOST_AUTO_TEST_CASE(typing_shows_ranked_results_with_the_words_in_bold)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* kp = w.frame->Knowledge();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000),
                       kp->StatusText().utf8_string());
    TypeInto(kp->Search(), "potole");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->ResultCount() > 0 && kp->ResultTitle(0) == "Potholes"; }),
                       kp->ResultTitle(0).utf8_string());
    BOOST_TEST(kp->ResultHtml(0).Contains("<b><font"));
    BOOST_TEST(kp->StatusText().Contains("article"));
}

BOOST_AUTO_TEST_CASE(results_keep_their_separators_when_the_locale_is_plain_c)
{
    // As with LANG unset: narrow text is then converted as ASCII.
    const std::string saved = std::setlocale(LC_CTYPE, nullptr);
    std::setlocale(LC_CTYPE, "C");
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* kp = w.frame->Knowledge();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000));
    TypeInto(kp->Search(), "potholes");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->ResultCount() > 0; }));
    const wxString html = kp->ResultHtml(0);
    std::setlocale(LC_CTYPE, saved.c_str());
    BOOST_TEST(html.Contains(wxString(L" \u00b7 en")), html.utf8_string()); // "Streets/Road repair · en"
}

BOOST_AUTO_TEST_CASE(the_last_keystroke_wins_over_earlier_results)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* kp = w.frame->Knowledge();
    PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000);
    kp->Search()->SetValue("snow emergency");
    kp->Search()->SetValue("graffiti");
    BOOST_TEST(PumpUntil([&] { return kp->ResultCount() > 0; }));
    for (int i = 0; i < 20; ++i)
        Pump();
    BOOST_TEST(kp->ResultTitle(0) == "Graffiti removal");
}

BOOST_AUTO_TEST_CASE(enter_opens_the_top_answer_and_it_goes_into_the_notes)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* kp = w.frame->Knowledge();
    PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000);
    TypeInto(kp->Search(), "missed trash");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->ResultCount() > 0; }));
    wxCommandEvent enter(wxEVT_TEXT_ENTER, kp->Search()->GetId());
    enter.SetEventObject(kp->Search());
    kp->Search()->GetEventHandler()->ProcessEvent(enter);
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->ShownTitle() == "Missed trash collection"; }),
                       kp->ShownTitle().utf8_string());
    BOOST_TEST_REQUIRE(PumpUntil([&] { return kp->InsertButton()->IsEnabled(); }));
    wxCommandEvent click(wxEVT_BUTTON, kp->InsertButton()->GetId());
    click.SetEventObject(kp->InsertButton());
    kp->InsertButton()->GetEventHandler()->ProcessEvent(click);
    const wxString notes = w.frame->WrapUp()->Notes()->GetValue();
    BOOST_TEST(notes.Contains("[KB kb-seed-trash-missed-en] Missed trash collection"), notes.utf8_string());
}

BOOST_AUTO_TEST_CASE(a_search_that_finds_nothing_is_recorded_when_the_agent_pauses)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* kp = w.frame->Knowledge();
    PumpUntil([&] { return kp->StatusText().Contains("Type to search"); }, 15000);
    TypeInto(kp->Search(), "xylophone lessons");
    BOOST_TEST(PumpUntil([&] { return kp->StatusText().Contains("No article matches"); }));
    auto missed = [&] {
        return w.frame->KnowledgeService()
            .Submit([](kb::KnowledgeBase* k) { return k->MissedQueries()->size(); })
            .get();
    };
    BOOST_TEST(missed() == 0u); // not while typing
    BOOST_TEST(PumpUntil([&] { return missed() == 1u; }, 5000));
}

BOOST_AUTO_TEST_CASE(notes_being_typed_bring_suggested_articles)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* wrap = w.frame->WrapUp();
    PumpUntil([&] { return w.frame->Knowledge()->StatusText().Contains("Type to search"); }, 15000);
    wrap->Notes()->SetValue("Caller reports a big pothole on Main St near the school");
    BOOST_TEST_REQUIRE(PumpUntil([&] { return wrap->Suggestions()->GetCount() > 0; }, 5000));
    BOOST_TEST(wrap->Suggestions()->GetString(0) == "Potholes");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(KnowledgeManagers)

namespace {

const kb::Actor kAna{"Ana Manager", Role::KnowledgeManager};
const kb::Actor kDana{"Dana Lee", Role::KnowledgeManager};

void BecomeManager(ConsoleWindow& w)
{
    Settings s = w.console->GetSettings();
    s.agent_name = kAna.name;
    s.role = kAna.role;
    w.console->SaveSettings(s);
    w.frame->ApplySettings(s);
}

template <class F>
auto OnKb(ConsoleWindow& w, F f)
{
    return w.frame->KnowledgeService().Submit([f](kb::KnowledgeBase* k) { return f(*k); }).get();
}

std::int64_t SeedId(ConsoleWindow& w, const std::string& uid)
{
    return OnKb(w, [uid](kb::KnowledgeBase& k) { return k.GetByUid(uid)->id; });
}

template <class T>
T* FindTopLevel()
{
    for (wxWindow* win : wxTopLevelWindows)
        if (auto* t = dynamic_cast<T*>(win))
            return t;
    return nullptr;
}

} // namespace

BOOST_AUTO_TEST_CASE(typing_is_autosaved_and_offered_back_after_a_crash)
{
    TempDir dir;
    {
        ConsoleWindow w(dir.Path());
        BecomeManager(w);
        const auto id = SeedId(w, "kb-seed-pothole-en");
        ArticleEditor* editor = w.frame->OpenEditor(id);
        BOOST_TEST_REQUIRE(PumpUntil([&] { return editor->Revision() > 0; }));
        BOOST_TEST(editor->ArticleId() != id); // a working copy, not the published article
        editor->BodyCtrl()->AppendText("<p>Crews now fill potholes within 48 hours.</p>");
        BOOST_TEST(editor->IsDirty());
        editor->AutosaveNow();
        BOOST_TEST_REQUIRE(PumpUntil([&] {
            return OnKb(w, [](kb::KnowledgeBase& k) { return k.Autosaves(kAna)->size(); }) == 1u;
        }));
        // The console goes away without saving (a crash leaves nothing else).
    }
    // The offer comes as soon as the drafts are read, so the window opens under the dialog tester.
    std::optional<ConsoleWindow> again;
    ArticleEditor* restored = nullptr;
    wxTEST_DIALOG(
        {
            again.emplace(dir.Path());
            PumpUntil([&] {
                restored = FindTopLevel<ArticleEditor>();
                return restored && restored->BodyCtrl()->GetValue().Contains("48 hours");
            }, 10000);
        },
        wxExpectModal<wxMessageDialog>(wxYES).Describe("the offer to reopen unsaved articles"));
    BOOST_TEST_REQUIRE(restored != nullptr);
    BOOST_TEST(restored->BodyCtrl()->GetValue().Contains("48 hours"));
    BOOST_TEST(restored->MessageLabel()->GetLabel().Contains("Restored"), restored->MessageLabel()->GetLabel().utf8_string());

    // Saving makes it a revision and the autosave has done its job.
    bool saved = false;
    restored->Save([&] { saved = true; });
    BOOST_TEST_REQUIRE(PumpUntil([&] { return saved; }), restored->MessageLabel()->GetLabel().utf8_string());
    BOOST_TEST(OnKb(*again, [](kb::KnowledgeBase& k) { return k.Autosaves(kAna)->size(); }) == 0u);
    const auto body = OnKb(*again, [id = restored->ArticleId()](kb::KnowledgeBase& k) { return k.Get(id)->content.body; });
    BOOST_TEST(body.find("48 hours") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(history_shows_the_difference_and_restores_an_old_revision)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    BecomeManager(w);
    const auto id = SeedId(w, "kb-seed-graffiti-en");
    // Dana edits and Ana approves: revision 2 is published.
    OnKb(w, [id](kb::KnowledgeBase& k) {
        auto copy = k.StartEdit(kDana, id).Value();
        auto a = k.Get(copy).Value();
        a.content.body += "<p>Murals registered with the arts program are never removed.</p>";
        (void)k.SaveDraft(kDana, copy, a.content, a.revision);
        (void)k.Submit(kDana, copy);
        return k.Approve(kAna, copy).IsOk();
    });
    auto* history = new HistoryDialog(w.frame, w.frame->KnowledgeService(), [] { return kAna; }, id);
    history->Show();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return history->RevisionCount() >= 3u; }));
    // Newest first; the latest change is compared on opening.
    BOOST_TEST_REQUIRE(PumpUntil([&] { return history->DiffPage().Contains("Murals registered"); }),
                       history->DiffPage().utf8_string());
    BOOST_TEST(history->DiffPage().Contains("#dcf5dc"), history->DiffPage().utf8_string()); // shown as added
    history->Compare(1, 1);
    BOOST_TEST(PumpUntil([&] { return history->DiffPage().Contains("same content"); }));

    history->List()->SetItemState(static_cast<long>(history->RevisionCount() - 1), wxLIST_STATE_SELECTED,
                                  wxLIST_STATE_SELECTED);
    history->RestoreSelected();
    BOOST_TEST(PumpUntil([&] {
        return OnKb(w, [id](kb::KnowledgeBase& k) {
            auto h = k.History(k.Get(id)->uid).Value();
            return h.front().note == "restored revision 1";
        });
    }));
    // Agents still read the published text until the restored draft is approved.
    const auto published = OnKb(w, [id](kb::KnowledgeBase& k) { return k.Get(id)->content.body; });
    BOOST_TEST(published.find("Murals registered") != std::string::npos);
    history->Destroy();
}

BOOST_AUTO_TEST_CASE(the_review_queue_publishes_what_another_manager_submitted)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    BecomeManager(w);
    const auto draft = OnKb(w, [](kb::KnowledgeBase& k) {
        kb::Content c;
        c.title = "Leaf collection";
        c.body = "<p>Leaves go in paper bags on trash day.</p>";
        auto id = k.CreateDraft(kDana, c).Value();
        (void)k.Submit(kDana, id);
        return id;
    });
    bool changed = false;
    auto* queue = new ReviewQueueDialog(w.frame, w.frame->KnowledgeService(), [] { return kAna; },
                                        [&] { changed = true; });
    queue->Show();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return queue->Count(ReviewQueueDialog::kAwaiting) == 1u; }));
    queue->Select(ReviewQueueDialog::kAwaiting, 0);
    BOOST_TEST(PumpUntil([&] { return queue->PreviewPage().Contains("paper bags"); }));
    queue->ApproveSelected();
    BOOST_TEST_REQUIRE(PumpUntil([&] { return queue->Count(ReviewQueueDialog::kAwaiting) == 0u; }));
    BOOST_TEST(changed);
    BOOST_TEST((OnKb(w, [draft](kb::KnowledgeBase& k) { return k.Get(draft)->status; }) == kb::Status::Published));
    queue->Destroy();
}

BOOST_AUTO_TEST_CASE(a_call_taker_cannot_open_the_managers_tools)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    auto* bar = w.frame->GetMenuBar();
    BOOST_TEST(!bar->IsEnabled(MenuIdFor(w.frame, "Knowledge", "New article...")));
    BOOST_TEST(!bar->IsEnabled(MenuIdFor(w.frame, "Knowledge", "Review queue...")));
    BecomeManager(w);
    BOOST_TEST(bar->IsEnabled(MenuIdFor(w.frame, "Knowledge", "Review queue...")));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(Dialogs)

BOOST_AUTO_TEST_CASE(settings_reject_a_bad_endpoint_beside_the_form)
{
    TempDir dir;
    const auto paths = Paths::FromEnvironment(dir.Path());
    services::LoadPlugins(services::PluginFolders(paths)); // the form comes from the open311 plugin
    SettingsDialog dialog(nullptr, paths, Settings{}, services::ConnectorInfos());
    dialog.AgentName()->ChangeValue("Dana Reyes");
    dialog.Endpoint()->ChangeValue("ftp://crm");
    BOOST_TEST(!dialog.TransferDataFromWindow());
    BOOST_TEST(dialog.ErrorLabel()->GetLabel().Contains("CRM endpoint"));

    dialog.Endpoint()->ChangeValue("https://311.example.gov/open311/v2");
    dialog.ApiKey()->ChangeValue("abc123");
    BOOST_TEST(dialog.TransferDataFromWindow());
    BOOST_TEST(dialog.ErrorLabel()->GetLabel().empty());
    BOOST_TEST(dialog.GetSettings().agent_name == "Dana Reyes");
    BOOST_TEST(dialog.ApiKeyChanged());
    BOOST_TEST(dialog.GetApiKey() == "abc123");
}

// The CRM rows are the chosen connector's own: the example plugin asks for a
// folder and no key; Open311 for a URL, a key and a format.
BOOST_AUTO_TEST_CASE(the_settings_form_is_built_from_the_connectors_description)
{
    TempDir dir;
    const auto paths = Paths::FromEnvironment(dir.Path());
    services::LoadPlugins({CIVICDESK_MODULES, GOOD_PLUGINS});
    Settings current;
    current.crm_connector = "filedrop";
    SettingsDialog dialog(nullptr, paths, current, services::ConnectorInfos());
    BOOST_TEST(dialog.Connector()->GetStringSelection() == "Files in a folder");
    BOOST_TEST(dialog.CrmField("endpoint"));
    BOOST_TEST(!dialog.ApiKey());
    BOOST_TEST(!dialog.CrmField("format"));
    dialog.AgentName()->ChangeValue("Dana Reyes");
    dialog.Endpoint()->ChangeValue("/var/spool/civicdesk/requests"); // a folder, not a URL: fine here
    BOOST_TEST(dialog.TransferDataFromWindow(), dialog.ErrorLabel()->GetLabel().utf8_string());
    BOOST_TEST(dialog.GetSettings().crm_connector == "filedrop");
    BOOST_TEST(dialog.GetSettings().crm_endpoint == "/var/spool/civicdesk/requests");

    dialog.Connector()->SetStringSelection("Open311 GeoReport v2");
    wxCommandEvent choose(wxEVT_CHOICE, dialog.Connector()->GetId());
    dialog.Connector()->GetEventHandler()->ProcessEvent(choose);
    BOOST_TEST_REQUIRE(dialog.ApiKey());
    auto* format = dynamic_cast<wxChoice*>(dialog.CrmField("format"));
    BOOST_TEST_REQUIRE(format);
    BOOST_TEST(format->GetStringSelection() == "xml"); // the connector's default
    BOOST_TEST(!dialog.TransferDataFromWindow()); // the folder carried over is no URL
    BOOST_TEST(dialog.ErrorLabel()->GetLabel().Contains("CRM endpoint: must start with https://"));
    dialog.Endpoint()->ChangeValue("https://311.example.gov/open311/v2");
    format->SetStringSelection("json");
    BOOST_TEST(dialog.TransferDataFromWindow());
    BOOST_TEST(dialog.GetSettings().crm_connector == "open311");
    BOOST_TEST(dialog.GetSettings().crm_options.at("format") == "json");
}

BOOST_AUTO_TEST_CASE(applied_settings_show_in_the_status_bar)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    Settings s;
    s.agent_name = "Dana Reyes";
    s.role = Role::WalkInStaff;
    s.crm_endpoint = "https://311.example.gov/open311/v2";
    w.frame->ApplySettings(s);
    BOOST_TEST(Status(w.frame, kStatusAgent).Contains("Dana Reyes"));
    BOOST_TEST(Status(w.frame, kStatusAgent).Contains("Walk-in staff"));
    BOOST_TEST(!Status(w.frame, kStatusConnection).Contains("no CRM configured"));
}

BOOST_AUTO_TEST_CASE(shortcut_list_comes_from_the_menus)
{
    TempDir dir;
    ConsoleWindow w(dir.Path());
    ShortcutsDialog dialog(w.frame, w.frame->GetMenuBar());
    auto* list = dialog.List();
    wxArrayString keys;
    for (long i = 0; i < list->GetItemCount(); ++i)
        keys.Add(list->GetItemText(i, 0) + " " + list->GetItemText(i, 1));
    auto has = [&](const wxString& s) {
        for (const auto& k : keys)
            if (k.Contains(s))
                return true;
        return false;
    };
    BOOST_TEST(has("Ctrl+K Search knowledge"));
    BOOST_TEST(has("Ctrl+1 Caller and timeline"));
    BOOST_TEST(has("Ctrl+Q Quit"));
    BOOST_TEST(has("F1 Keyboard shortcuts"));
}

BOOST_AUTO_TEST_CASE(startup_error_names_the_damaged_file)
{
    const wxString msg = StartupErrorMessage(
        Error{ErrorKind::Corrupt, "/home/agent/.local/share/civicdesk/console.db is truncated"});
    BOOST_TEST(msg.Contains("damaged"));
    BOOST_TEST(msg.Contains("/home/agent/.local/share/civicdesk/console.db"));
    BOOST_TEST(msg.Contains("has not been changed"));
}

// Advice to restore from a backup, given for a permission problem or a full
// disk, would have people throw good data away.
BOOST_AUTO_TEST_CASE(startup_error_for_permissions_or_a_full_disk_never_says_damaged)
{
    const wxString denied = StartupErrorMessage(
        Error{ErrorKind::Denied, "/srv/civicdesk/console.db: this user may not write in /srv/civicdesk"});
    BOOST_TEST(denied.Contains("may not write in its data folder"));
    BOOST_TEST(denied.Contains("write access"));
    const wxString full =
        StartupErrorMessage(Error{ErrorKind::Io, "/srv/civicdesk/console.db: the disk is full (12 KB free)"});
    BOOST_TEST(full.Contains("the disk is full"));
    BOOST_TEST(full.Contains("free some space"));
    for (const wxString& msg : {denied, full}) {
        BOOST_TEST(!msg.Contains("damaged"));
        BOOST_TEST(!msg.Contains("backup"));
    }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(AsyncResults)

BOOST_AUTO_TEST_CASE(result_reaches_a_live_window_on_the_ui_thread)
{
    SerialExecutor ex("test");
    auto* frame = new wxFrame(nullptr, wxID_ANY, "t");
    const auto ui_thread = std::this_thread::get_id();
    std::thread::id worker, delivered_on;
    int got = 0;
    // As a service does: the answer is given on the worker.
    ex.Post([&, reply = OnWindow(frame, [&](int v) { got = v; delivered_on = std::this_thread::get_id(); })] {
        worker = std::this_thread::get_id();
        reply(7);
    });
    BOOST_TEST(PumpUntil([&] { return got == 7; }));
    BOOST_TEST((worker != ui_thread));
    BOOST_TEST((delivered_on == ui_thread));
    frame->Destroy();
    Pump();
}

BOOST_AUTO_TEST_CASE(result_for_a_closed_window_is_dropped)
{
    SerialExecutor ex("test");
    auto* frame = new wxFrame(nullptr, wxID_ANY, "t");
    std::atomic<bool> release{false};
    bool called = false;
    ex.Post([&, reply = OnWindow(frame, [&](int) { called = true; })] {
        while (!release)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        reply(1);
    });
    delete frame; // closed while the work is still running
    release = true;
    ex.Drain();
    for (int i = 0; i < 20; ++i)
        Pump();
    BOOST_TEST(!called);
}

// A service answers on its own thread; OnWindow brings the answer to the
// window on the UI thread, and drops it once the window is gone.
BOOST_AUTO_TEST_CASE(a_service_reply_reaches_the_window_on_the_ui_thread_or_is_dropped)
{
    TempDir dir;
    auto session = services::ConsoleSession::Open(Paths::FromEnvironment(dir.Path()));
    BOOST_TEST_REQUIRE(session.IsOk());
    auto& contacts = session.Value()->Contacts();
    auto* frame = new wxFrame(nullptr, wxID_ANY, "t");
    const auto ui_thread = std::this_thread::get_id();
    std::optional<std::int64_t> made;
    std::thread::id delivered_on;
    contacts::NewContact c;
    c.name = "Ana Lopez";
    contacts.Create(c, OnWindow(frame, [&](Result<std::int64_t> id) {
                        delivered_on = std::this_thread::get_id();
                        made = id.Value();
                    }));
    BOOST_TEST(PumpUntil([&] { return made.has_value(); }));
    BOOST_TEST((delivered_on == ui_thread));

    bool called = false;
    contacts.Find("Ana", 5, OnWindow(frame, [&](Result<std::vector<contacts::FoundContact>>) { called = true; }));
    delete frame; // closed before the store answers
    session.Value()->Core().Store().Executor().Drain();
    for (int i = 0; i < 20; ++i)
        Pump();
    BOOST_TEST(!called);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(SingleInstanceSuite)

// A plugin built for another console, and a module that is no plugin, beside
// the real ones: the console says which it refused and starts all the same.
BOOST_AUTO_TEST_CASE(the_console_starts_when_a_plugin_is_refused)
{
    TempDir dir;
    const std::string app = "CIVICDESK_PLUGIN_PATH=" + test::Quote(std::string(BAD_PLUGINS) + ":" + CIVICDESK_MODULES) +
                            " " + CIVICDESK_APP + " --data-dir " + test::Quote(dir.Path().string());
    const std::string pidfile = (dir / "pid").string();
    const std::string log = (dir / "stderr").string();
    BOOST_TEST_REQUIRE(std::system((app + " >/dev/null 2>" + test::Quote(log) + " & echo $! > " + pidfile).c_str()) == 0);
    const auto socket = dir / "run" / "console.sock";
    BOOST_TEST(PumpUntil([&] { return std::filesystem::exists(socket); }, 15000));
    BOOST_TEST(PumpUntil([&] { return test::Run("xwininfo -root -tree").output.find("CivicDesk") != std::string::npos; },
                         10000));
    std::system(("kill $(cat " + pidfile + ") 2>/dev/null").c_str());
    PumpUntil([&] { return !std::filesystem::exists(socket); }, 5000);
    const std::string said = test::ReadFile(log);
    BOOST_TEST(said.find("civicdesk-plugin-oldapi.so not loaded: it was built for plugin API 0") != std::string::npos,
               said);
    BOOST_TEST(said.find("civicdesk-plugin-notaplugin.so not loaded: it is not a CivicDesk plugin") !=
                   std::string::npos,
               said);
}


// The real executable: a second launch with --pop hands the number to the
// running console, which shows it in its title, and the second launch exits 0.
BOOST_AUTO_TEST_CASE(a_clicked_phone_link_pops_the_caller_in_the_running_console)
{
    TempDir dir;
    const std::string app = std::string(CIVICDESK_APP) + " --data-dir " + test::Quote(dir.Path().string());
    const std::string pidfile = (dir / "pid").string();
    BOOST_TEST_REQUIRE(std::system((app + " >/dev/null 2>&1 & echo $! > " + pidfile).c_str()) == 0);
    const auto socket = dir / "run" / "console.sock";
    BOOST_TEST_REQUIRE(PumpUntil([&] { return std::filesystem::exists(socket); }, 15000));
    // What the desktop runs for a clicked link (Exec=civicdesk %U), escaped as browsers do.
    auto second = test::Run("timeout 20 " + app + " tel:%2B12155550188");
    BOOST_TEST(second.status == 0, second.output);
    BOOST_TEST(PumpUntil([&] { return test::Run("xwininfo -root -tree").output.find("+12155550188") != std::string::npos; },
                         10000));
    // A link it cannot pop is refused, saying why.
    auto refused = test::Run("timeout 20 " + app + " https://example.org/");
    BOOST_TEST(refused.status != 0);
    BOOST_TEST(refused.output.find("not a tel:, callto:, sip: or mailto: link") != std::string::npos, refused.output);
    std::system(("kill $(cat " + pidfile + ") 2>/dev/null").c_str());
    PumpUntil([&] { return !std::filesystem::exists(socket); }, 5000);
}

BOOST_AUTO_TEST_CASE(version_and_help_answer_without_a_display)
{
    const std::string app = "env -u DISPLAY -u WAYLAND_DISPLAY timeout 20 " + std::string(CIVICDESK_APP);
    auto version = test::Run(app + " --version");
    BOOST_TEST(version.status == 0, version.output);
    BOOST_TEST(version.output.rfind(std::string("civicdesk ") + kVersion, 0) == 0, version.output);
    auto help = test::Run(app + " --help");
    BOOST_TEST(help.status == 0, help.output);
    BOOST_TEST(help.output.find("Usage: civicdesk") != std::string::npos, help.output);
    BOOST_TEST(help.output.find("tel:") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(links_from_other_programs_are_read_as_pops)
{
    using civic::ui::PopFromLink;
    BOOST_TEST(PopFromLink("tel:+12155550100").value_or("") == "tel:+12155550100");
    BOOST_TEST(PopFromLink("tel:%2B1%20215%20555%200100").value_or("") == "tel:+1 215 555 0100");
    BOOST_TEST(PopFromLink("TEL://215-555-0100;phone-context=+1").value_or("") == "tel:215-555-0100");
    BOOST_TEST(PopFromLink("callto:2155550100").value_or("") == "tel:2155550100");
    BOOST_TEST(PopFromLink("sip:+12155550100@pbx.example.org;user=phone").value_or("") == "tel:+12155550100");
    BOOST_TEST(PopFromLink("mailto:maria@example.org?subject=Pothole").value_or("") == "mailto:maria@example.org");
    BOOST_TEST(!PopFromLink("tel:"));
    BOOST_TEST(!PopFromLink("https://example.org/"));
    BOOST_TEST(!PopFromLink("2155550100"));
    BOOST_TEST(!PopFromLink("tel:2155%0A550100")); // a line break inside: not a number anyone clicked
}

BOOST_AUTO_TEST_CASE(second_launch_hands_a_screen_pop_to_the_running_console)
{
    TempDir dir;
    const std::string app = std::string(CIVICDESK_APP) + " --data-dir " +
                            test::Quote(dir.Path().string());
    const std::string pidfile = (dir / "pid").string();
    BOOST_TEST_REQUIRE(std::system((app + " >/dev/null 2>&1 & echo $! > " + pidfile).c_str()) == 0);
    const auto socket = dir / "run" / "console.sock";
    BOOST_TEST_REQUIRE(PumpUntil([&] { return std::filesystem::exists(socket); }, 15000));

    auto second = test::Run("timeout 20 " + app + " --pop tel:+12155550199");
    BOOST_TEST(second.status == 0, second.output);

    // The primary's window title names the caller once it has the pop.
    bool titled = PumpUntil(
        [&] {
            return test::Run("xwininfo -root -tree").output.find("+12155550199") !=
                   std::string::npos;
        },
        10000);
    BOOST_TEST(titled);
    std::system(("kill $(cat " + pidfile + ") 2>/dev/null").c_str());
    PumpUntil([&] { return !std::filesystem::exists(socket); }, 5000);
}

BOOST_AUTO_TEST_SUITE_END()
