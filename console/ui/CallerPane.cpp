#include "ui/CallerPane.h"
#include "ui/I18n.h"
#include "ui/Utf8.h"

#include "ui/Async.h"
#include "ui/ContactDialog.h"
#include "ui/DuplicatesDialog.h"

#include <civic/sync/Outbox.h>

#include <wx/button.h>
#include <wx/checkbox.h>
#include <wx/choicdlg.h>
#include <wx/choice.h>
#include <wx/datetime.h>
#include <wx/dcmemory.h>
#include <wx/imaglist.h>
#include <wx/listbox.h>
#include <wx/msgdlg.h>
#include <wx/settings.h>
#include <wx/sizer.h>
#include <wx/splitter.h>
#include <wx/srchctrl.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>
#include <wx/wrapsizer.h>

#include <chrono>

namespace civic::ui {

using contacts::Channel;
using contacts::TimelineEntry;

namespace {

constexpr int kFindDelayMs = 120;   // a pause in typing, not every keystroke

} // namespace

std::int64_t CallerPane::Now()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

// ---- CallerPane

CallerPane::CallerPane(wxWindow* parent, services::ConsoleSession& session, ActiveFn on_active)
    : wxPanel(parent, wxID_ANY), m_session(session), m_on_active(std::move(on_active)), m_typing(this),
      m_filter_typing(this)
{
    SetName("caller_pane");
    auto* sizer = new wxBoxSizer(wxVERTICAL);
    m_mode = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_mode->SetForegroundColour(wxColour(0x8e, 0x44, 0xad));
    m_mode->Hide();
    sizer->Add(m_mode, 0, wxLEFT | wxRIGHT | wxTOP, FromDIP(6));
    m_find = new wxSearchCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, wxTE_PROCESS_ENTER);
    m_find->SetName("caller_find");
    // TRANSLATORS: placeholder of the caller search box
    m_find->SetDescriptiveText(_("Phone, e-mail, name, address or request id"));
    m_find->SetToolTip(_("Type to find a contact; Down moves into the list, Enter opens the top one"));
    sizer->Add(m_find, 0, wxEXPAND | wxALL, FromDIP(6));
    m_results = new wxListBox(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(-1, 110)));
    m_results->SetName("caller_results");
    m_results->Hide();
    sizer->Add(m_results, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(6));
    SetSizer(sizer);
    BuildCard();
    BuildForm();
    BuildTimeline();

    m_find->Bind(wxEVT_TEXT, [this](wxCommandEvent&) { OnFindText(); });
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { RunFind(); }, m_typing.GetId());
    Bind(wxEVT_TIMER, [this](wxTimerEvent&) { ApplyFilter(); }, m_filter_typing.GetId());
    m_find->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) {
        if (m_walk_in && m_find->GetValue().Strip(wxString::both).empty()) {
            // An anonymous visitor: counted under this console's one record for
            // them, not a new nameless contact per visit.
            m_session.Contacts().AnonymousVisitor(OnWindow(this, [this](Result<std::int64_t> id) {
                if (id)
                    StartVisit(id.Value(), std::string());
            }));
            return;
        }
        if (m_typing.IsRunning()) {
            // Enter before the pause: look up now, then open the top one.
            m_typing.Stop();
            m_open_top = true;
            RunFind();
            return;
        }
        PickResult(m_results->GetSelection() >= 0 ? m_results->GetSelection() : 0);
    });
    m_find->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_DOWN && m_results->IsShown() && m_results->GetCount() > 0) {
            m_results->SetSelection(0);
            m_results->SetFocus();
            return;
        }
        if (e.GetKeyCode() == WXK_ESCAPE && !m_find->IsEmpty()) {
            m_find->Clear();
            return;
        }
        e.Skip();
    });
    m_results->Bind(wxEVT_LISTBOX_DCLICK, [this](wxCommandEvent&) { PickResult(m_results->GetSelection()); });
    m_results->Bind(wxEVT_KEY_DOWN, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_RETURN || e.GetKeyCode() == WXK_NUMPAD_ENTER) {
            PickResult(m_results->GetSelection());
            return;
        }
        if (e.GetKeyCode() == WXK_UP && m_results->GetSelection() <= 0) {
            m_find->SetFocus();
            return;
        }
        e.Skip();
    });
}

void CallerPane::BuildCard()
{
    m_card = new wxPanel(this, wxID_ANY);
    auto* s = new wxBoxSizer(wxVERTICAL);
    m_name = new wxStaticText(m_card, wxID_ANY, _("No caller on the line"));
    m_name->SetName("caller_heading");
    m_name->SetFont(m_name->GetFont().Bold().Larger());
    s->Add(m_name, 0, wxBOTTOM, FromDIP(2));
    m_details = new wxStaticText(m_card, wxID_ANY,
                                 _("An incoming call shows the caller and every past contact here."));
    m_details->SetForegroundColour(wxSystemSettings::GetColour(wxSYS_COLOUR_GRAYTEXT));
    s->Add(m_details, 0, wxEXPAND | wxBOTTOM, FromDIP(2));
    m_needs = new wxStaticText(m_card, wxID_ANY, wxEmptyString);
    m_needs->SetFont(m_needs->GetFont().Bold());
    m_needs->SetForegroundColour(wxColour(0xb0, 0x3a, 0x2e));
    s->Add(m_needs, 0, wxEXPAND | wxBOTTOM, FromDIP(4));
    // Wraps in a narrow pane rather than cutting the last button off.
    auto* buttons = new wxWrapSizer(wxHORIZONTAL);
    m_new = new wxButton(m_card, wxID_ANY, _("&New contact"));
    m_new->SetName("new_contact");
    m_edit = new wxButton(m_card, wxID_ANY, _("&Edit..."));
    m_edit->SetName("edit_contact");
    m_edit->Hide();
    m_duplicates = new wxButton(m_card, wxID_ANY, _("Possible &duplicates"));
    m_duplicates->Hide();
    m_unmerge = new wxButton(m_card, wxID_ANY, _("&Separate merged..."));
    m_unmerge->Hide();
    for (auto* b : {m_new, m_edit, m_duplicates, m_unmerge})
        buttons->Add(b, 0, wxRIGHT | wxBOTTOM, FromDIP(6));
    s->Add(buttons, 0, wxEXPAND | wxBOTTOM, FromDIP(4));
    m_card->SetSizer(s);
    GetSizer()->Add(m_card, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(8));

    m_new->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        const wxString typed = m_find->GetValue();
        const bool phone = contacts::LooksLikePhone(typed.utf8_string());
        ShowNewContactForm(phone ? typed : wxString(), typed.Contains("@") ? typed : wxString());
        if (!phone && !typed.Contains("@"))
            m_form_name->ChangeValue(typed);
    });
    m_duplicates->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { OpenDuplicates(); });
    m_edit->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { EditContact(); });
    m_unmerge->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { AskUnmerge(); });
}

void CallerPane::BuildForm()
{
    m_form = new wxPanel(this, wxID_ANY);
    m_form->SetName("new_contact_form");
    auto* grid = new wxFlexGridSizer(2, FromDIP(4), FromDIP(6));
    grid->AddGrowableCol(1);
    auto field = [&](const wxString& label, const char* name) {
        grid->Add(new wxStaticText(m_form, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        auto* t = new wxTextCtrl(m_form, wxID_ANY, wxEmptyString, wxDefaultPosition, wxDefaultSize, wxTE_PROCESS_ENTER);
        t->SetName(name);
        t->Bind(wxEVT_TEXT_ENTER, [this](wxCommandEvent&) { SaveNewContact(); });
        grid->Add(t, 1, wxEXPAND);
        return t;
    };
    grid->Add(new wxStaticText(m_form, wxID_ANY, _("&Kind:")), 0, wxALIGN_CENTER_VERTICAL);
    m_form_kind = new wxChoice(m_form, wxID_ANY);
    m_form_kind->Append(_("Person"));
    m_form_kind->Append(_("Organization (association, business)"));
    m_form_kind->SetSelection(0);
    grid->Add(m_form_kind, 1, wxEXPAND);
    m_form_name = field(_("&Name:"), "form_name");
    m_form_phone = field(_("&Phone:"), "form_phone");
    m_form_email = field(_("&E-mail:"), "form_email");
    m_form_address = field(_("&Address:"), "form_address");
    m_form_language = field(_("&Language:"), "form_language");
    m_form_language->SetHint(_("en, es, zh, vi, ..."));
    m_form_needs = field(_("Nee&ds:"), "form_needs");
    m_form_needs->SetHint(_("interpreter, TTY, large print, ..."));
    auto* s = new wxBoxSizer(wxVERTICAL);
    auto* title = new wxStaticText(m_form, wxID_ANY, _("New contact"));
    title->SetFont(title->GetFont().Bold());
    s->Add(title, 0, wxBOTTOM, FromDIP(4));
    s->Add(grid, 0, wxEXPAND);
    m_form_error = new wxStaticText(m_form, wxID_ANY, wxEmptyString);
    m_form_error->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
    s->Add(m_form_error, 0, wxEXPAND | wxTOP, FromDIP(4));
    auto* buttons = new wxBoxSizer(wxHORIZONTAL);
    auto* save = new wxButton(m_form, wxID_ANY, _("Save contact"));
    auto* cancel = new wxButton(m_form, wxID_ANY, _("Cancel"));
    buttons->Add(save, 0, wxRIGHT, FromDIP(6));
    buttons->Add(cancel);
    s->Add(buttons, 0, wxTOP, FromDIP(4));
    m_form->SetSizer(s);
    m_form->Hide();
    GetSizer()->Add(m_form, 0, wxEXPAND | wxALL, FromDIP(8));
    save->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { SaveNewContact(); });
    cancel->Bind(wxEVT_BUTTON, [this](wxCommandEvent&) {
        m_form->Hide();
        Layout();
        m_find->SetFocus();
    });
    m_form->Bind(wxEVT_CHAR_HOOK, [this](wxKeyEvent& e) {
        if (e.GetKeyCode() == WXK_ESCAPE) {
            m_form->Hide();
            Layout();
            m_find->SetFocus();
            return;
        }
        e.Skip();
    });
}

void CallerPane::FocusPrimary() { m_find->SetFocus(); }

wxString CallerPane::CurrentCaller() const
{
    if (m_pop_pending)
        return m_find->GetValue(); // the number that popped, not whoever was shown before
    if (m_contact && !m_contact->name.empty())
        return U(m_contact->name);
    return m_find->GetValue();
}

void CallerPane::OnFindText()
{
    ++m_find_generation; // whatever is in flight is for older text
    if (m_find->GetValue().Strip(wxString::both).empty()) {
        m_typing.Stop();
        m_found.clear();
        m_results->Clear();
        m_results->Hide();
        Layout();
        return;
    }
    m_typing.StartOnce(kFindDelayMs);
}

void CallerPane::RunFind()
{
    const std::string text = m_find->GetValue().utf8_string();
    const std::uint64_t generation = ++m_find_generation;
    m_session.Contacts().Find(text, 20, OnWindow(this, [this, generation](Result<std::vector<contacts::FoundContact>> found) {
            if (generation != m_find_generation)
                return; // typed over meanwhile
            const bool open_top = m_open_top;
            m_open_top = false;
            m_results->Clear();
            m_found.clear();
            if (!found) {
                m_results->Append(U(found.Err().message));
                m_results->Show();
                Layout();
                return;
            }
            m_found = std::move(found).Value();
            for (const auto& f : m_found) {
                wxString line = f.name.empty() ? _("(no name)") : U(f.name);
                if (f.kind == contacts::ContactKind::Organization)
                    line += _(" (organization)");
                if (!f.matched.empty())
                    line += L" \u2014 " + U(f.matched);
                if (f.fuzzy)
                    line += _("  [spelling corrected]");
                m_results->Append(line);
            }
            if (m_found.empty())
                m_results->Append(_("No contact matches. Alt+N creates one."));
            m_results->Show();
            Layout();
            if (open_top && !m_found.empty())
                PickResult(0);
        }));
}

void CallerPane::PickResult(int index)
{
    if (index < 0 || static_cast<size_t>(index) >= m_found.size())
        return;
    const auto picked = m_found[static_cast<size_t>(index)];
    m_results->Hide();
    Layout();
    if (m_walk_in) {
        StartVisit(picked.id, picked.name);
        return;
    }
    if (m_pop_pending && !m_active) {
        // One member of a household that shares the number: the caller.
        m_pop_pending = false;
        SetActive(ActiveContact{picked.id, picked.name, Channel::PhoneIn, m_pop_at});
    }
    ShowContact(picked.id);
}

void CallerPane::ShowIncoming(const wxString& identifier)
{
    wxString shown;
    const bool email = identifier.StartsWith("mailto:", &shown);
    if (!email && !identifier.StartsWith("tel:", &shown))
        shown = identifier;
    m_walk_in = false;
    // A new call: the one in progress is set aside now (the window holds its
    // wrap-up), before the lookup answers.
    SetActive(std::nullopt);
    m_pop_pending = true;
    m_pop_at = Now();
    // TRANSLATORS: %s is a phone number or e-mail address
    m_mode->SetLabel(wxString::Format(_("Incoming: %s"), shown));
    m_mode->Show();
    m_find->ChangeValue(shown);
    m_typing.Stop();
    // Whoever was shown belongs to the last call: nothing of theirs stays to
    // be read out or edited while this caller is found.
    ClearCard(wxString::Format(_("Incoming: %s"), shown));
    const std::uint64_t generation = ++m_find_generation;
    const std::string text = shown.utf8_string();
    m_session.Contacts().FindCaller(text, email, OnWindow(this, [this, generation, shown, email](Result<std::vector<contacts::FoundContact>> found) {
            if (generation != m_find_generation)
                return;
            if (!found) {
                // Not a number we can read: let the agent search by hand.
                m_details->SetLabel(U(found.Err().message));
                Layout();
                return;
            }
            if (found->size() == 1) {
                const auto& f = found->front();
                m_pop_pending = false;
                SetActive(ActiveContact{f.id, f.name, Channel::PhoneIn, m_pop_at});
                ShowContact(f.id);
                return;
            }
            if (found->empty()) {
                // Unknown caller: a new contact with the number already in.
                SetActive(std::nullopt);
                m_details->SetLabel(_("Not in the contacts yet."));
                ShowNewContactForm(email ? wxString() : shown, email ? shown : wxString());
                return;
            }
            m_found = std::move(found).Value();
            m_results->Clear();
            for (const auto& f : m_found)
                m_results->Append(U(f.name));
            m_results->Show();
            m_details->SetLabel(_("Several contacts share this number: choose one."));
            Layout();
            m_results->SetSelection(0);
            m_results->SetFocus();
        }));
}

void CallerPane::ShowNewContactForm(const wxString& phone, const wxString& email)
{
    for (auto* t : {m_form_name, m_form_phone, m_form_email, m_form_address, m_form_language, m_form_needs})
        t->ChangeValue(wxString());
    m_form_phone->ChangeValue(phone);
    m_form_email->ChangeValue(email);
    m_form_kind->SetSelection(0);
    m_form_error->SetLabel(wxString());
    m_form->Show();
    m_results->Hide();
    Layout();
    m_form_name->SetFocus();
}

void CallerPane::SaveNewContact()
{
    contacts::NewContact c;
    c.kind = m_form_kind->GetSelection() == 1 ? contacts::ContactKind::Organization : contacts::ContactKind::Person;
    c.name = m_form_name->GetValue().Strip(wxString::both).utf8_string();
    c.language = m_form_language->GetValue().utf8_string();
    c.needs = m_form_needs->GetValue().utf8_string();
    c.identifiers = {{contacts::IdKind::Phone, m_form_phone->GetValue().utf8_string(), "", false},
                     {contacts::IdKind::Email, m_form_email->GetValue().utf8_string(), "", false},
                     {contacts::IdKind::Address, m_form_address->GetValue().utf8_string(), "", false}};
    const bool anything = !c.name.empty() || !m_form_phone->IsEmpty() || !m_form_email->IsEmpty();
    if (!anything && !m_walk_in) {
        m_form_error->SetLabel(_("Give a name, a phone number or an e-mail address."));
        m_form->Layout();
        m_form_name->SetFocus();
        return;
    }
    m_session.Contacts().Create(c, OnWindow(this, [this, name = c.name](Result<std::int64_t> id) {
            if (!id) {
                // Shown beside the form; what was typed stays.
                m_form_error->SetLabel(U(id.Err().message));
                m_form->Layout();
                Layout();
                if (id.Err().message.rfind("Phone", 0) == 0)
                    m_form_phone->SetFocus();
                else if (id.Err().message.rfind("E-mail", 0) == 0)
                    m_form_email->SetFocus();
                return;
            }
            m_form->Hide();
            Layout();
            if (m_walk_in) {
                StartVisit(id.Value(), name);
                return;
            }
            if (m_pop_pending && !m_active) { // the caller of a pop, now known
                m_pop_pending = false;
                SetActive(ActiveContact{id.Value(), name, Channel::PhoneIn, m_pop_at});
            }
            ShowContact(id.Value());
        }));
}

void CallerPane::ShowContact(std::int64_t id)
{
    const std::uint64_t generation = ++m_timeline_generation;
    m_session.Contacts().Card(id, OnWindow(this, [this, generation](Result<services::ContactCard> r) {
            if (generation != m_timeline_generation)
                return;
            if (!r) {
                m_details->SetLabel(U(r.Err().message));
                Layout();
                return;
            }
            ShowCard(r->contact, r->duplicates);
            if (!m_contact || m_contact->id != r->contact.id) {
                // Another person: filters set for the last one would make
                // this one's history look empty.
                m_channel->SetSelection(0);
                m_period->SetSelection(0);
                m_open_only->SetValue(false);
                m_filter_text->ChangeValue(wxString());
                m_filter_typing.Stop();
                m_filter = contacts::TimelineFilter{};
            }
            m_contact = std::move(r.Value().contact);
            if (m_active && m_active->contact == m_contact->id) {
                m_active->organizations.clear();
                if (m_contact->kind == contacts::ContactKind::Person)
                    for (const auto& m : m_contact->memberships)
                        m_active->organizations.emplace_back(m.organization, m.organization_name);
                m_active->language = m_contact->language;
                m_active->addresses.clear();
                for (const auto& i : m_contact->identifiers)
                    if (i.kind == contacts::IdKind::Address)
                        m_active->addresses.push_back(i.display);
                if (m_on_active)
                    m_on_active(m_active);
            }
            if (m_contact->anonymous) {
                // Many visitors' notes, none of them this one's: not for the counter.
                m_timeline->Set({}, false, std::string());
                m_detail->ChangeValue(_("Visits without a name are counted, not kept per person: no history is shown."));
                return;
            }
            LoadTimeline(false);
        }));
}

void CallerPane::RefreshShown()
{
    if (m_contact)
        LoadTimeline(false);
}

void CallerPane::ShowCard(const contacts::Contact& c, int duplicates)
{
    m_name->SetLabel(c.name.empty() ? _("Anonymous visitor") : U(c.name));
    wxString details;
    for (const auto& i : c.identifiers) {
        wxString one = U(i.display);
        if (!i.label.empty())
            one += " (" + U(i.label) + ")";
        if (i.notify)
            one += _(" (notify)");
        details += (details.empty() ? wxString() : wxString(L"  \u00b7  ")) + one;
    }
    for (const auto& m : c.memberships) {
        const wxString other = c.kind == contacts::ContactKind::Organization ? U(m.person_name) : U(m.organization_name);
        details += (details.empty() ? "" : "\n") +
                   (c.kind == contacts::ContactKind::Organization ? wxString::Format(_("Liaison: %s"), other)
                                                                  : wxString::Format(_("Liaison for %s"), other));
    }
    m_details->SetLabel(details.empty() ? _("No phone, e-mail or address on file.") : details);
    wxString needs;
    if (!c.language.empty())
        needs += wxString::Format(_("Language: %s"), LanguageName(c.language));
    if (!c.needs.empty())
        needs += (needs.empty() ? wxString() : wxString(L"  \u00b7  ")) + U(c.needs);
    m_needs->SetLabel(needs);
    m_needs->Show(!needs.empty());
    m_duplicates->SetLabel(wxString::Format(_("Possible &duplicates (%d)"), duplicates));
    m_duplicates->Show(duplicates > 0);
    m_unmerge->Show(!c.merged.empty());
    // Named, the record of anonymous visits would file them all under one person.
    m_edit->Show(!c.anonymous);
    m_details->Wrap(std::max(GetClientSize().GetWidth() - FromDIP(24), FromDIP(200)));
    m_card->Layout();
    Layout();
}

void CallerPane::SetActive(std::optional<ActiveContact> a)
{
    m_active = std::move(a);
    if (m_on_active)
        m_on_active(m_active);
}

void CallerPane::ClearCard(const wxString& heading)
{
    m_contact.reset();
    ++m_timeline_generation; // a card or timeline still being read is dropped
    m_name->SetLabel(heading);
    m_details->SetLabel(wxString());
    for (wxWindow* w : std::initializer_list<wxWindow*>{m_needs, m_edit, m_duplicates, m_unmerge})
        w->Hide();
    m_timeline->Set({}, false, std::string());
    m_detail->ChangeValue(wxString());
    Layout();
}

void CallerPane::StartWalkIn()
{
    m_walk_in = true;
    m_pop_pending = false;
    // The last visitor's card and history leave the screen: the next one is
    // standing at the counter.
    ClearCard(_("Next visitor"));
    SetActive(std::nullopt);
    m_mode->SetLabel(_("Walk-in: find the visitor, Alt+N for a new one, Enter on an empty box for an anonymous visit"));
    m_mode->Show();
    m_find->Clear();
    m_results->Hide();
    m_form->Hide();
    Layout();
    m_find->SetFocus();
}

void CallerPane::Resume(const ActiveContact& active)
{
    LeaveModes();
    m_find->ChangeValue(wxString()); // what the last pop or search left is about someone else
    SetActive(active);
    ShowContact(active.contact);
}

bool CallerPane::StartCall(contacts::Channel channel)
{
    if (!m_contact)
        return false;
    LeaveModes();
    SetActive(ActiveContact{m_contact->id, m_contact->name, channel, Now()});
    ShowContact(m_contact->id); // fills in organizations, addresses, language
    return true;
}

void CallerPane::EndActive()
{
    LeaveModes();
    SetActive(std::nullopt);
}

void CallerPane::LeaveModes()
{
    m_pop_pending = false;
    m_walk_in = false;
    m_mode->Hide();
    m_results->Hide();
    m_form->Hide();
    Layout();
}

void CallerPane::StartVisit(std::int64_t contact, const std::string& name)
{
    m_walk_in = false;
    m_mode->SetLabel(wxString::Format(_("Walk-in visit: %s"), name.empty() ? _("anonymous visitor") : U(name)));
    SetActive(ActiveContact{contact, name, Channel::WalkIn, Now()});
    ShowContact(contact);
}

void CallerPane::FinishInteraction(sync::WrapUp w, std::function<void(bool)> done)
{
    if (!m_active || m_active->contact != w.contact || m_active->started_at != w.started_at) {
        if (done)
            done(false);
        return;
    }
    if (w.notes.empty() && w.reason.empty())
        w.reason = m_active->channel == Channel::WalkIn ? "Walk-in visit" : "Phone call";
    m_session.WrapUps().Submit(w, OnWindow(this, [this, done = std::move(done), contact = w.contact, started_at = w.started_at](Result<sync::Submitted> s) {
            if (!s) {
                m_detail->ChangeValue(U(s.Err().message));
                if (done)
                    done(false);
                return;
            }
            // Only the call that was finished ends: one started meanwhile stays.
            if (m_active && m_active->contact == contact && m_active->started_at == started_at) {
                SetActive(std::nullopt);
                m_mode->Hide();
                Layout();
            }
            if (m_contact && m_contact->id == contact)
                LoadTimeline(false);
            if (done)
                done(true);
        }));
}

void CallerPane::EditContact()
{
    if (!m_contact)
        return;
    ContactDialog dialog(this, m_session, *m_contact);
    if (dialog.ShowModal() == wxID_OK)
        ShowContact(m_contact->id);
}

void CallerPane::OpenDuplicates()
{
    if (!m_contact)
        return;
    const auto id = m_contact->id;
    m_session.Contacts().Duplicates(id, OnWindow(this, [this, id](Result<std::vector<contacts::DuplicateCandidate>> d) {
            if (!d || d->empty() || !m_contact || m_contact->id != id)
                return;
            const auto candidates = d.Value();
            DuplicatesDialog dialog(this, m_session, *m_contact, candidates);
            const int answer = dialog.ShowModal();
            const int pick = dialog.Selection();
            if (answer == wxID_CANCEL || pick < 0)
                return;
            const auto other = candidates[static_cast<size_t>(pick)].b;
            auto after = OnWindow(this, [this, id](Result<void> r) {
                if (!r)
                    wxMessageBox(U(r.Err().message), _("Possible duplicates"), wxOK | wxICON_WARNING, this);
                ShowContact(id);
            });
            if (answer == DuplicatesDialog::kDistinct)
                m_session.Contacts().MarkDistinct(id, other, std::move(after));
            else
                m_session.Contacts().Merge(id, other, std::move(after));
        }));
}

void CallerPane::AskUnmerge()
{
    if (!m_contact || m_contact->merged.empty())
        return;
    const auto shown = m_contact->id;
    const auto merged = m_contact->merged;
    // The merged contacts by their own names, read first.
    m_session.Contacts().Names(merged, OnWindow(this, [this, shown, merged](Result<std::vector<std::string>> names) {
        if (!m_contact || m_contact->id != shown)
            return;
        wxArrayString rows;
        for (size_t i = 0; i < merged.size(); ++i) {
            const std::string name = names && i < names->size() ? names.Value()[i] : std::string();
            rows.Add(name.empty() ? wxString::Format(_("Contact %lld"), static_cast<long long>(merged[i]))
                                  : wxString::Format(L"%s (%lld)", U(name), static_cast<long long>(merged[i])));
        }
        int pick = 0;
        if (rows.size() > 1) {
            pick = wxGetSingleChoiceIndex(_("Which contact should stand on its own again?"),
                                          _("Separate merged contacts"), rows, this);
            if (pick < 0)
                return;
        }
        const int answer = wxMessageBox(
            wxString::Format(_("Separate %s from %s? Its contacts and requests go back to it; the merge can be "
                               "made again."),
                             rows[static_cast<size_t>(pick)], U(m_contact->name)),
            _("Separate merged contacts"), wxYES_NO | wxNO_DEFAULT | wxICON_QUESTION, this);
        if (answer == wxYES)
            Unmerge(merged[static_cast<size_t>(pick)]);
    }));
}

void CallerPane::Unmerge(std::int64_t merged)
{
    m_session.Contacts().Unmerge(merged, OnWindow(this, [this](Result<void> r) {
        if (!r)
            wxMessageBox(U(r.Err().message), _("Separate merged contacts"), wxOK | wxICON_WARNING, this);
        if (m_contact)
            ShowContact(m_contact->id);
    }));
}

} // namespace civic::ui
