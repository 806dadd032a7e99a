// The center's own wrap-up questions (outcome, call reason, language,
// interpreter, on behalf of, consent, and any a center adds), built from
// resources/forms/center-fields.xml: a checkbox for a yes/no, a choice for a
// fixed list, a combo box where the agent may type, a text box otherwise.
// Required ones are marked, and a missing answer is shown beside its field.
#pragma once

#include <civic/sync/CenterForm.h>

#include <wx/panel.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class wxChoice;
class wxFlexGridSizer;
class wxStaticText;
class wxWindow;

namespace civic::ui {

class CenterFields : public wxPanel
{
public:
    CenterFields(wxWindow* parent, sync::CenterForm form);

    const sync::CenterForm& Form() const { return m_form; }
    // The answers by field id; on_behalf_of is the organization's contact id.
    sync::Answers Answers() const;
    // Checks required answers, marks the fields; false when one is missing.
    bool Check();
    void SetAnswers(const sync::Answers& answers);
    void SetAnswer(const std::string& id, const std::string& value);
    void Reset(); // back to the defaults

    std::string Disposition() const;
    void SetDisposition(const std::string& value);
    bool FilesRequest() const { return !m_form.RequestDisposition().empty() && Disposition() == m_form.RequestDisposition(); }
    bool LinksRequest() const { return !m_form.LinkDisposition().empty() && Disposition() == m_form.LinkDisposition(); }

    // The organizations the contact reports for; none hides the question.
    void SetOrganizations(const std::vector<std::pair<std::int64_t, std::string>>& organizations);
    std::optional<std::int64_t> OnBehalfOf() const;

    wxWindow* Control(const std::string& id) const;
    wxStaticText* ErrorFor(const std::string& id) const;

private:
    struct Row
    {
        const sync::CenterField* field = nullptr;
        wxStaticText* label = nullptr;
        wxWindow* control = nullptr;
        wxStaticText* error = nullptr;
    };
    std::string Value(const Row& row) const;
    void SetValue(Row& row, const std::string& value);
    const Row* Find(const std::string& id) const;

    sync::CenterForm m_form;
    std::vector<Row> m_rows;
    std::vector<std::int64_t> m_org_ids;
    // An organization answer restored before the contact's organizations
    // are loaded: selected when they arrive.
    std::string m_wanted_org;
};

} // namespace civic::ui
