#include "ui/ContactDialog.h"
#include "ui/Utf8.h"

#include "ui/Async.h"
#include "ui/EnterIsOk.h"

#include <wx/button.h>
#include <wx/checklst.h>
#include <wx/choice.h>
#include "ui/SuggestBox.h"
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace civic::ui {

using contacts::IdKind;

namespace {


wxString KindName(IdKind k)
{
    switch (k) {
    case IdKind::Phone: return _("Phone");
    case IdKind::Email: return _("E-mail");
    case IdKind::Social: return _("Social");
    case IdKind::Address: return _("Address");
    }
    return {};
}

} // namespace

ContactDialog::ContactDialog(wxWindow* parent, services::ConsoleSession& session, const contacts::Contact& contact)
    : wxDialog(parent, wxID_ANY, _("Edit contact"), wxDefaultPosition, wxDefaultSize,
               wxDEFAULT_DIALOG_STYLE | wxRESIZE_BORDER),
      m_session(session), m_contact(contact)
{
    SetName("contact_dialog");
    auto* grid = new wxFlexGridSizer(2, FromDIP(6), FromDIP(8));
    grid->AddGrowableCol(1);
    auto text = [&](const wxString& label, const std::string& value, long style = 0) {
        grid->Add(new wxStaticText(this, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        auto* t = new wxTextCtrl(this, wxID_ANY, U(value), wxDefaultPosition, wxDefaultSize, style);
        grid->Add(t, 1, wxEXPAND);
        return t;
    };
    m_name = text(_("&Name:"), contact.name);
    m_language = text(_("&Language:"), contact.language);
    m_language->SetHint(_("en, es, zh, vi, ..."));
    m_needs = text(_("Nee&ds:"), contact.needs);
    m_needs->SetHint(_("interpreter, TTY, large print, ..."));
    m_notes = text(_("N&otes:"), contact.notes, wxTE_MULTILINE);
    m_notes->SetMinSize(FromDIP(wxSize(-1, 50)));

    auto* top = new wxBoxSizer(wxVERTICAL);
    top->Add(grid, 0, wxEXPAND | wxALL, FromDIP(10));
    top->Add(new wxStaticText(this, wxID_ANY, _("&Identifiers (ticked: agreed to be notified of status changes)")), 0,
             wxLEFT | wxRIGHT, FromDIP(10));
    m_ids = new wxCheckListBox(this, wxID_ANY, wxDefaultPosition, FromDIP(wxSize(440, 110)));
    m_ids->SetName("identifiers");
    for (const auto& i : contact.identifiers) {
        const int row = m_ids->Append(KindName(i.kind) + ": " + U(i.display) + (i.label.empty() ? "" : " (" + U(i.label) + ")"));
        m_ids->Check(static_cast<unsigned>(row), i.notify);
    }
    top->Add(m_ids, 1, wxEXPAND | wxLEFT | wxRIGHT | wxTOP, FromDIP(10));

    auto* add = new wxBoxSizer(wxHORIZONTAL);
    m_new_kind = new wxChoice(this, wxID_ANY);
    for (auto k : {IdKind::Phone, IdKind::Email, IdKind::Address, IdKind::Social})
        m_new_kind->Append(KindName(k));
    m_new_kind->SetSelection(0);
    m_new_value = new wxTextCtrl(this, wxID_ANY);
    m_new_value->SetName("new_identifier");
    m_new_value->SetHint(_("Add a phone, e-mail, address or handle"));
    m_new_label = new wxTextCtrl(this, wxID_ANY, wxEmptyString, wxDefaultPosition, FromDIP(wxSize(90, -1)));
    m_new_label->SetHint(_("mobile, home..."));
    add->Add(m_new_kind, 0, wxRIGHT, FromDIP(6));
    add->Add(m_new_value, 1, wxRIGHT, FromDIP(6));
    add->Add(m_new_label, 0);
    top->Add(add, 0, wxEXPAND | wxALL, FromDIP(10));

    if (contact.kind == contacts::ContactKind::Person) {
        auto* org = new wxBoxSizer(wxHORIZONTAL);
        org->Add(new wxStaticText(this, wxID_ANY, _("Liaison &for:")), 0, wxALIGN_CENTER_VERTICAL | wxRIGHT, FromDIP(6));
        m_org = new SuggestBox(this, wxID_ANY);
        m_org->SetName("liaison_for");
        m_org->SetHint(_("an organization, existing or new"));
        org->Add(m_org, 1);
        top->Add(org, 0, wxEXPAND | wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(10));
        wxString current;
        for (const auto& m : contact.memberships)
            current += (current.empty() ? "" : ", ") + U(m.organization_name);
        if (!current.empty())
            top->Add(new wxStaticText(this, wxID_ANY, wxString::Format(_("Already liaison for %s"), current)), 0,
                     wxLEFT | wxRIGHT | wxBOTTOM, FromDIP(10));
        session.Contacts().Organizations(OnWindow(this, [this](Result<std::vector<contacts::FoundContact>> orgs) {
            if (!orgs)
                return;
            for (const auto& o : orgs.Value()) {
                m_organizations.emplace_back(o.id, o.name);
                m_org->Append(U(o.name));
            }
        }));
    }
    m_error = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_error->SetForegroundColour(wxColour(0xb0, 0x00, 0x20));
    top->Add(m_error, 0, wxEXPAND | wxLEFT | wxRIGHT, FromDIP(10));
    top->Add(CreateStdDialogButtonSizer(wxOK | wxCANCEL), 0, wxEXPAND | wxALL, FromDIP(8));
    SetSizerAndFit(top);
    EnterOnChoiceIsOk(this);
    CentreOnParent();
    m_name->SetFocus();
    Bind(wxEVT_BUTTON, [this](wxCommandEvent&) { Save(); }, wxID_OK);
}

void ContactDialog::Save()
{
    contacts::NewContact fields;
    fields.name = m_name->GetValue().Strip(wxString::both).utf8_string();
    fields.language = m_language->GetValue().utf8_string();
    fields.needs = m_needs->GetValue().utf8_string();
    fields.notes = m_notes->GetValue().utf8_string();
    services::ContactEdits edits;
    edits.contact = m_contact.id;
    edits.fields = fields;
    auto& consent = edits.consent;
    for (size_t i = 0; i < m_contact.identifiers.size(); ++i) {
        const bool now = m_ids->IsChecked(static_cast<unsigned>(i));
        if (now != m_contact.identifiers[i].notify)
            consent.emplace_back(m_contact.identifiers[i].id, now);
    }
    auto& added = edits.added;
    if (!m_new_value->GetValue().Strip(wxString::both).empty()) {
        static const IdKind kinds[] = {IdKind::Phone, IdKind::Email, IdKind::Address, IdKind::Social};
        added = contacts::NewIdentifier{kinds[std::max(0, m_new_kind->GetSelection())],
                                        m_new_value->GetValue().utf8_string(), m_new_label->GetValue().utf8_string(),
                                        false};
    }
    std::string organization = m_org ? m_org->GetValue().Strip(wxString::both).utf8_string() : std::string();
    std::optional<std::int64_t> org_id;
    for (const auto& [id, name] : m_organizations)
        if (name == organization)
            org_id = id;
    for (const auto& m : m_contact.memberships)
        if (m.organization_name == organization)
            organization.clear(); // already linked
    if (!organization.empty()) {
        if (org_id)
            edits.organization_id = org_id;
        else
            edits.new_organization = organization;
    }
    m_session.Contacts().Save(std::move(edits), OnWindow(this, [this](Result<void> r) {
            if (!r) {
                m_error->SetLabel(U(r.Err().message));
                Layout();
                return;
            }
            m_saved = true;
            if (IsModal())
                EndModal(wxID_OK);
        }));
}

} // namespace civic::ui
