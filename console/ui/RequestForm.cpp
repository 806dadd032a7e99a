#include "ui/RequestForm.h"
#include "ui/Utf8.h"

#include "ui/FormLayout.h"

#include "ui/Async.h"

#include <civic/sync/Outbox.h>
#include <civic/sync/RequestCheck.h>

#include <wx/checklst.h>
#include <wx/choice.h>
#include "ui/SuggestBox.h"
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

#include <algorithm>
#include <cstdio>

namespace civic::ui {

namespace {


} // namespace

RequestForm::RequestForm(wxWindow* parent, services::ConsoleSession& session) : wxPanel(parent, wxID_ANY), m_session(session)
{
    SetName("request_form");
    auto* top = new wxBoxSizer(wxVERTICAL);
    auto* row = new wxFlexGridSizer(2, FromDIP(4), FromDIP(6));
    row->AddGrowableCol(1);
    row->Add(new wxStaticText(this, wxID_ANY, _("&Request:")), 0, wxALIGN_CENTER_VERTICAL);
    m_service = new wxChoice(this, wxID_ANY);
    m_service->SetName("request_service");
    row->Add(m_service, 1, wxEXPAND);
    row->Add(new wxStaticText(this, wxID_ANY, _("&Location:")), 0, wxALIGN_CENTER_VERTICAL);
    m_location = new SuggestBox(this, wxID_ANY);
    m_location->SetName("request_location");
    m_location->SetHint(_("address, or lat, long"));
    row->Add(m_location, 1, wxEXPAND);
    row->AddSpacer(0);
    m_location_error = new wxStaticText(this, wxID_ANY, wxEmptyString);
    m_location_error->SetForegroundColour(kFieldError);
    row->Add(m_location_error, 1, wxEXPAND);
    top->Add(row, 0, wxEXPAND);
    m_questions_panel = new wxPanel(this, wxID_ANY);
    m_grid = new wxFlexGridSizer(2, FromDIP(3), FromDIP(6));
    m_grid->AddGrowableCol(1);
    m_questions_panel->SetSizer(m_grid);
    top->Add(m_questions_panel, 0, wxEXPAND | wxTOP, FromDIP(4));
    SetSizer(top);
    m_service->Bind(wxEVT_CHOICE, [this](wxCommandEvent&) { OnService(); });
    ReloadServices();
}

void RequestForm::ReloadServices()
{
    m_session.WrapUps().Services(OnWindow(this, [this](Result<std::vector<crm::Service>> services) {
            const std::string keep = SelectedCode();
            m_services = services ? std::move(services).Value() : std::vector<crm::Service>{};
            m_service->Clear();
            m_service->Append(m_services.empty() ? _("(no request: the service catalog is not loaded yet)")
                                                 : _("(no request: information only)"));
            int select = 0;
            for (size_t i = 0; i < m_services.size(); ++i) {
                m_service->Append(U(m_services[i].name));
                if (m_services[i].code == keep)
                    select = static_cast<int>(i) + 1;
            }
            m_service->SetSelection(select);
            ApplyPending();
        }));
}

void RequestForm::SetKnownAddresses(const std::vector<std::string>& addresses)
{
    const wxString typed = m_location->GetValue();
    m_location->Clear();
    for (const auto& a : addresses)
        m_location->Append(U(a));
    if (!typed.empty())
        m_location->ChangeValue(typed);
    else if (!addresses.empty())
        m_location->ChangeValue(U(addresses.front()));
}

std::string RequestForm::SelectedCode() const
{
    const int sel = m_service->GetSelection();
    if (sel <= 0 || static_cast<size_t>(sel) > m_services.size())
        return {};
    return m_services[static_cast<size_t>(sel - 1)].code;
}

bool RequestForm::HasRequest() const { return !SelectedCode().empty(); }

std::string RequestForm::ServiceName() const
{
    const int sel = m_service->GetSelection();
    return sel > 0 && static_cast<size_t>(sel) <= m_services.size() ? m_services[static_cast<size_t>(sel - 1)].name
                                                                      : std::string();
}

void RequestForm::OnService()
{
    const std::string code = SelectedCode();
    const std::uint64_t generation = ++m_generation;
    if (code.empty()) {
        ShowDefinition(crm::ServiceDefinition{});
        return;
    }
    m_session.WrapUps().Definition(code, OnWindow(this, [this, generation, code](Result<std::optional<crm::ServiceDefinition>> d) {
            if (generation != m_generation)
                return;
            crm::ServiceDefinition def;
            def.service_code = code;
            if (d && d.Value())
                def = *d.Value();
            ShowDefinition(def);
        }));
}

void RequestForm::ShowDefinition(const crm::ServiceDefinition& d)
{
    m_questions_panel->Freeze();
    m_grid->Clear(true);
    m_questions.clear();
    for (const auto& a : d.attributes) {
        Question q;
        q.attribute = a;
        const wxString label = U(a.description.empty() ? a.code : a.description) + (a.required ? " *" : "");
        if (!a.variable) {
            // Information for the agent, not a question.
            m_grid->AddSpacer(0);
            auto* info = new wxStaticText(m_questions_panel, wxID_ANY, label);
            info->SetForegroundColour(wxColour(0x55, 0x55, 0x55));
            m_grid->Add(info, 1, wxEXPAND);
            continue;
        }
        m_grid->Add(new wxStaticText(m_questions_panel, wxID_ANY, label), 0, wxALIGN_CENTER_VERTICAL);
        switch (a.datatype) {
        case crm::Datatype::SingleValueList: {
            auto* c = new wxChoice(m_questions_panel, wxID_ANY);
            c->Append(a.required ? _("(choose)") : _("(not given)"));
            for (const auto& v : a.values)
                c->Append(U(v.name.empty() ? v.key : v.name));
            c->SetSelection(0);
            q.control = c;
            break;
        }
        case crm::Datatype::MultiValueList: {
            auto* c = new wxCheckListBox(m_questions_panel, wxID_ANY, wxDefaultPosition,
                                         FromDIP(wxSize(-1, std::min<int>(90, 22 * static_cast<int>(a.values.size()) + 6))));
            for (const auto& v : a.values)
                c->Append(U(v.name.empty() ? v.key : v.name));
            q.control = c;
            break;
        }
        case crm::Datatype::Text:
            q.control = new wxTextCtrl(m_questions_panel, wxID_ANY, wxEmptyString, wxDefaultPosition,
                                       FromDIP(wxSize(-1, 50)), wxTE_MULTILINE);
            break;
        default: {
            auto* t = new wxTextCtrl(m_questions_panel, wxID_ANY);
            if (a.datatype == crm::Datatype::Number)
                t->SetHint(_("a number"));
            else if (a.datatype == crm::Datatype::Datetime)
                t->SetHint(_("YYYY-MM-DD HH:MM"));
            else if (!a.datatype_description.empty())
                t->SetHint(U(a.datatype_description));
            q.control = t;
        }
        }
        q.control->SetName("attr_" + U(a.code));
        if (!a.datatype_description.empty())
            q.control->SetToolTip(U(a.datatype_description));
        m_grid->Add(q.control, 1, wxEXPAND);
        m_grid->AddSpacer(0);
        q.error = new wxStaticText(m_questions_panel, wxID_ANY, wxEmptyString);
        q.error->SetForegroundColour(kFieldError);
        q.error->Hide();
        m_grid->Add(q.error, 1, wxEXPAND);
        m_questions.push_back(q);
    }
    m_shown_code = d.service_code;
    ApplyPending();
    m_questions_panel->Thaw();
    LayoutUp(this);
}

wxWindow* RequestForm::Field(const std::string& code) const
{
    for (const auto& q : m_questions)
        if (q.attribute.code == code)
            return q.control;
    return nullptr;
}

wxStaticText* RequestForm::FieldError(const std::string& code) const
{
    for (const auto& q : m_questions)
        if (q.attribute.code == code)
            return q.error;
    return nullptr;
}

Result<crm::NewRequest> RequestForm::Collect(const std::string& description)
{
    crm::NewRequest r;
    r.service_code = SelectedCode();
    r.description = description;
    // The form reads what was typed; the rules are the library's
    // (sync::CheckRequest), the same that scripted intake meets.
    std::vector<sync::FieldProblem> problems;
    if (auto p = sync::ReadLocation(m_location->GetValue().utf8_string(), r))
        problems.push_back({"location", *p, "Location"});
    crm::ServiceDefinition definition;
    definition.service_code = r.service_code;
    for (const auto& q : m_questions) {
        definition.attributes.push_back(q.attribute);
        std::vector<std::string> values = Answers(q, true);
        if (q.attribute.datatype == crm::Datatype::Datetime && !values.empty())
            if (auto w3c = sync::LocalDateTimeToW3c(values[0]))
                values[0] = *w3c; // typed in local time; what stays unreadable is flagged below
        if (!values.empty())
            r.attributes[q.attribute.code] = std::move(values);
    }
    for (const auto& p : sync::CheckRequest(r, definition))
        if (p.field != "location" || problems.empty())
            problems.push_back(p);

    m_location_error->SetLabel(wxString());
    m_location_error->Hide();
    for (const auto& q : m_questions) {
        q.error->SetLabel(wxString());
        q.error->Hide();
    }
    std::string first_problem;
    wxWindow* first_control = nullptr;
    for (const auto& p : problems) {
        wxString text;
        wxStaticText* where = nullptr;
        switch (p.problem) {
        case sync::RequestProblem::NoLocation: text = _("Location: give an address or a position (lat, long)"); break;
        case sync::RequestProblem::PositionOutOfRange:
            text = _("Location: latitude is -90 to 90, longitude -180 to 180");
            break;
        case sync::RequestProblem::Required: text = _("Required"); break;
        case sync::RequestProblem::NotANumber: text = _("A number, like 3 or 2.5"); break;
        case sync::RequestProblem::NotADateTime: text = _("A date and time, like 2026-11-23 14:30"); break;
        case sync::RequestProblem::NotAChoice: text = _("Choose one of the listed answers"); break;
        case sync::RequestProblem::UnknownService: text = _("Choose a service from the list"); break;
        }
        where = p.field == "location" ? m_location_error : FieldError(p.field);
        if (where) {
            where->SetLabel(text); // beside its question, so the question need not be repeated
            where->Show();
        }
        if (first_problem.empty())
            first_problem = p.field == "location" ? text.utf8_string() : p.question + ": " + text.utf8_string();
        if (!first_control)
            first_control = p.field == "location" ? static_cast<wxWindow*>(Location()) : Field(p.field);
    }
    for (auto it = r.attributes.begin(); it != r.attributes.end();)
        it = std::any_of(problems.begin(), problems.end(), [&](const auto& p) { return p.field == it->first; })
                 ? r.attributes.erase(it)
                 : std::next(it);
    LayoutUp(this);
    if (first_control)
        first_control->SetFocus(); // the answer to give next takes the keyboard
    if (!first_problem.empty())
        return Error{ErrorKind::Invalid, first_problem};
    return r;
}

std::vector<std::string> RequestForm::Answers(const Question& q, bool trimmed)
{
    std::vector<std::string> values;
    const auto& a = q.attribute;
    if (auto* c = dynamic_cast<wxChoice*>(q.control)) {
        if (c->GetSelection() > 0)
            values.push_back(a.values[static_cast<size_t>(c->GetSelection() - 1)].key);
    } else if (auto* l = dynamic_cast<wxCheckListBox*>(q.control)) {
        for (unsigned i = 0; i < l->GetCount(); ++i)
            if (l->IsChecked(i))
                values.push_back(a.values[i].key);
    } else if (auto* t = dynamic_cast<wxTextCtrl*>(q.control)) {
        // Collected answers are trimmed; a draft keeps what was typed.
        const wxString v = trimmed ? t->GetValue().Strip(wxString::both) : t->GetValue();
        if (!v.empty())
            values.push_back(v.utf8_string());
    }
    return values;
}

RequestForm::Draft RequestForm::Save() const
{
    Draft d;
    d.service_code = SelectedCode();
    d.location = m_location->GetValue().utf8_string();
    for (const auto& q : m_questions) {
        auto values = Answers(q, false);
        if (!values.empty())
            d.answers[q.attribute.code] = std::move(values);
    }
    return d;
}

void RequestForm::Restore(const Draft& draft)
{
    m_location->ChangeValue(U(draft.location));
    m_pending = draft;
    ApplyPending();
}

void RequestForm::ApplyPending()
{
    if (!m_pending)
        return;
    if (SelectedCode() != m_pending->service_code) {
        if (m_pending->service_code.empty()) {
            m_pending.reset();
            return;
        }
        for (size_t i = 0; i < m_services.size(); ++i)
            if (m_services[i].code == m_pending->service_code) {
                m_service->SetSelection(static_cast<int>(i) + 1);
                OnService(); // the definition arrives later; applied then
                return;
            }
        return; // the catalog is not loaded yet
    }
    if (m_shown_code != m_pending->service_code)
        return; // its definition is on its way
    const auto draft = std::move(*m_pending);
    m_pending.reset();
    for (auto& q : m_questions) {
        const auto it = draft.answers.find(q.attribute.code);
        if (it == draft.answers.end())
            continue;
        const auto& values = it->second;
        const auto& opts = q.attribute.values;
        auto index_of = [&](const std::string& key) {
            for (size_t i = 0; i < opts.size(); ++i)
                if (opts[i].key == key)
                    return static_cast<int>(i);
            return -1;
        };
        if (auto* c = dynamic_cast<wxChoice*>(q.control)) {
            if (!values.empty() && index_of(values[0]) >= 0)
                c->SetSelection(index_of(values[0]) + 1);
        } else if (auto* l = dynamic_cast<wxCheckListBox*>(q.control)) {
            for (const auto& v : values)
                if (index_of(v) >= 0)
                    l->Check(static_cast<unsigned>(index_of(v)));
        } else if (auto* t = dynamic_cast<wxTextCtrl*>(q.control)) {
            if (!values.empty())
                t->ChangeValue(U(values[0]));
        }
    }
}

void RequestForm::Clear()
{
    m_pending.reset();
    m_service->SetSelection(0);
    m_location->ChangeValue(wxString());
    m_location_error->SetLabel(wxString());
    ShowDefinition(crm::ServiceDefinition{});
}

} // namespace civic::ui
