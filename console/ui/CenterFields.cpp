#include "ui/CenterFields.h"
#include "ui/Utf8.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "ui/FormLayout.h"

#include <wx/checkbox.h>
#include <wx/choice.h>
#include "ui/SuggestBox.h"
#include <wx/scrolwin.h>
#include <wx/sizer.h>
#include <wx/stattext.h>
#include <wx/textctrl.h>

namespace civic::ui {

namespace {


} // namespace

CenterFields::CenterFields(wxWindow* parent, sync::CenterForm form) : wxPanel(parent, wxID_ANY), m_form(std::move(form))
{
    SetName("center_fields");
    auto* grid = new wxFlexGridSizer(2, FromDIP(3), FromDIP(6));
    grid->AddGrowableCol(1);
    using T = sync::CenterField::Type;
    m_rows.reserve(m_form.fields.size());
    for (const auto& f : m_form.fields) {
        Row row;
        row.field = &f;
        const wxString label = U(f.label) + (f.required && f.type != T::Boolean ? " *" : "") + ":";
        switch (f.type) {
        case T::Boolean:
            row.label = new wxStaticText(this, wxID_ANY, wxEmptyString);
            row.control = new wxCheckBox(this, wxID_ANY, U(f.label));
            break;
        case T::Choice:
        case T::Organization: {
            row.label = new wxStaticText(this, wxID_ANY, label);
            auto* c = new wxChoice(this, wxID_ANY);
            if (f.type == T::Choice) {
                if (f.default_value.empty())
                    c->Append(f.required ? _("(choose)") : _("(not given)"));
                for (const auto& o : f.options)
                    c->Append(U(o.label));
            }
            row.control = c;
            break;
        }
        case T::OpenChoice: {
            row.label = new wxStaticText(this, wxID_ANY, label);
            auto* c = new SuggestBox(this, wxID_ANY);
            for (const auto& o : f.options)
                c->Append(U(o.label));
            row.control = c;
            break;
        }
        case T::Text:
            row.label = new wxStaticText(this, wxID_ANY, label);
            row.control = new wxTextCtrl(this, wxID_ANY);
            break;
        }
        row.control->SetName("field_" + U(f.id));
        if (!f.help.empty())
            row.control->SetToolTip(U(f.help));
        grid->Add(row.label, 0, wxALIGN_CENTER_VERTICAL);
        // A checkbox keeps its own width: stretched to nothing in a pane not
        // yet sized, GTK would complain.
        grid->Add(row.control, f.type == T::Boolean ? 0 : 1, f.type == T::Boolean ? 0 : wxEXPAND);
        grid->AddSpacer(0);
        row.error = new wxStaticText(this, wxID_ANY, wxEmptyString);
        row.error->SetForegroundColour(kFieldError);
        row.error->Hide();
        grid->Add(row.error, 1, wxEXPAND);
        m_rows.push_back(row);
    }
    SetSizer(grid);
    Bind(wxEVT_CHOICE, [this](wxCommandEvent& e) {
        if (const auto* r = Find("on_behalf_of"); r && e.GetEventObject() == r->control)
            m_wanted_org = Value(*r);
        e.Skip();
    });
    Reset();
    SetOrganizations({});
}

const CenterFields::Row* CenterFields::Find(const std::string& id) const
{
    for (const auto& r : m_rows)
        if (r.field->id == id)
            return &r;
    return nullptr;
}

wxWindow* CenterFields::Control(const std::string& id) const
{
    const auto* r = Find(id);
    return r ? r->control : nullptr;
}

wxStaticText* CenterFields::ErrorFor(const std::string& id) const
{
    const auto* r = Find(id);
    return r ? r->error : nullptr;
}

std::string CenterFields::Value(const Row& row) const
{
    using T = sync::CenterField::Type;
    const auto& f = *row.field;
    switch (f.type) {
    case T::Boolean:
        return static_cast<wxCheckBox*>(row.control)->GetValue() ? "true" : "false";
    case T::Choice: {
        const int offset = f.default_value.empty() ? 1 : 0;
        const int sel = static_cast<wxChoice*>(row.control)->GetSelection() - offset;
        return sel >= 0 && static_cast<size_t>(sel) < f.options.size() ? f.options[static_cast<size_t>(sel)].value
                                                                        : std::string();
    }
    case T::Organization: {
        const int sel = static_cast<wxChoice*>(row.control)->GetSelection();
        return sel > 0 && static_cast<size_t>(sel) <= m_org_ids.size()
                   ? std::to_string(m_org_ids[static_cast<size_t>(sel - 1)])
                   : std::string();
    }
    case T::OpenChoice: {
        // A label picked from the list stands for its value; anything else is typed.
        const std::string text = static_cast<SuggestBox*>(row.control)->GetValue().Strip(wxString::both).utf8_string();
        for (const auto& o : f.options)
            if (o.label == text)
                return o.value;
        return text;
    }
    case T::Text:
        return static_cast<wxTextCtrl*>(row.control)->GetValue().Strip(wxString::both).utf8_string();
    }
    return {};
}

void CenterFields::SetValue(Row& row, const std::string& value)
{
    using T = sync::CenterField::Type;
    const auto& f = *row.field;
    switch (f.type) {
    case T::Boolean:
        static_cast<wxCheckBox*>(row.control)->SetValue(value == "true");
        break;
    case T::Choice: {
        const int offset = f.default_value.empty() ? 1 : 0;
        int pick = offset ? 0 : -1;
        for (size_t i = 0; i < f.options.size(); ++i)
            if (f.options[i].value == value)
                pick = static_cast<int>(i) + offset;
        static_cast<wxChoice*>(row.control)->SetSelection(pick < 0 ? 0 : pick);
        break;
    }
    case T::Organization: {
        m_wanted_org = value;
        int pick = 0;
        for (size_t i = 0; i < m_org_ids.size(); ++i)
            if (std::to_string(m_org_ids[i]) == value)
                pick = static_cast<int>(i) + 1;
        if (static_cast<wxChoice*>(row.control)->GetCount() > 0)
            static_cast<wxChoice*>(row.control)->SetSelection(pick);
        break;
    }
    case T::OpenChoice: {
        wxString shown = U(value);
        for (const auto& o : f.options)
            if (o.value == value)
                shown = U(o.label);
        static_cast<SuggestBox*>(row.control)->ChangeValue(shown);
        break;
    }
    case T::Text:
        static_cast<wxTextCtrl*>(row.control)->ChangeValue(U(value));
        break;
    }
}

sync::Answers CenterFields::Answers() const
{
    sync::Answers out;
    for (const auto& r : m_rows) {
        std::string v = Value(r);
        if (!v.empty())
            out[r.field->id] = std::move(v);
    }
    return out;
}

bool CenterFields::Check()
{
    // The rule is the library's (sync::FindAnswerProblems), as scripted
    // wrap-ups meet it; the form only says where.
    std::set<std::string> not_asked;
    for (const auto& r : m_rows)
        if (!r.control->IsShown())
            not_asked.insert(r.field->id);
    const auto problems = sync::FindAnswerProblems(m_form, Answers(), not_asked);
    for (auto& r : m_rows) {
        const auto p = std::find_if(problems.begin(), problems.end(),
                                    [&](const sync::AnswerProblem& x) { return x.field == r.field->id; });
        wxString text;
        if (p != problems.end())
            text = p->kind == sync::AnswerProblem::Kind::Required ? _("Required") : _("Choose one of the listed answers");
        r.error->SetLabel(text);
        r.error->Show(!text.empty());
    }
    LayoutUp(this);
    // The first answer to fix takes the keyboard, so the agent types it at once.
    for (auto& r : m_rows)
        if (r.error->IsShown()) {
            r.control->SetFocus();
            break;
        }
    return problems.empty();
}

void CenterFields::SetAnswers(const sync::Answers& answers)
{
    for (auto& r : m_rows) {
        const auto it = answers.find(r.field->id);
        SetValue(r, it == answers.end() ? r.field->default_value : it->second);
    }
}

void CenterFields::SetAnswer(const std::string& id, const std::string& value)
{
    for (auto& r : m_rows)
        if (r.field->id == id)
            SetValue(r, value);
}

void CenterFields::Reset()
{
    m_wanted_org.clear();
    for (auto& r : m_rows) {
        SetValue(r, r.field->default_value);
        r.error->Hide();
    }
    Layout();
}

std::string CenterFields::Disposition() const
{
    const auto* r = Find("disposition");
    return r ? Value(*r) : std::string();
}

void CenterFields::SetDisposition(const std::string& value)
{
    for (auto& r : m_rows)
        if (r.field->id == "disposition")
            SetValue(r, value);
}

void CenterFields::SetOrganizations(const std::vector<std::pair<std::int64_t, std::string>>& organizations)
{
    m_org_ids.clear();
    for (auto& r : m_rows) {
        if (r.field->type != sync::CenterField::Type::Organization)
            continue;
        auto* c = static_cast<wxChoice*>(r.control);
        c->Clear();
        c->Append(_("(the caller themselves)"));
        for (const auto& [id, name] : organizations) {
            c->Append(U(name));
            m_org_ids.push_back(id);
        }
        int pick = 0;
        for (size_t i = 0; i < m_org_ids.size(); ++i)
            if (std::to_string(m_org_ids[i]) == m_wanted_org)
                pick = static_cast<int>(i) + 1;
        c->SetSelection(pick);
        // Only liaisons report for someone else: the question is noise otherwise.
        r.label->Show(!organizations.empty());
        c->Show(!organizations.empty());
    }
    LayoutUp(this);
}

std::optional<std::int64_t> CenterFields::OnBehalfOf() const
{
    const auto* r = Find("on_behalf_of");
    if (!r)
        return std::nullopt;
    const std::string v = Value(*r);
    std::int64_t id = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
    if (v.empty() || ec != std::errc() || end != v.data() + v.size())
        return std::nullopt;
    return id;
}

} // namespace civic::ui
