// The center's own wrap-up questions — outcome, call reason, language used,
// interpreter, on behalf of, consent to status notifications, and any a
// center adds — read from resources/forms/center-fields.xml at start, so a
// center changes them by editing that file, never by rebuilding.
//
// The format (README, "The wrap-up form"; resources/forms/center-fields.xsd
// is the same rules for XML tools) is checked here at load: a file that
// breaks a rule is refused whole with the line and element named, and the
// console keeps its built-in fields.
#pragma once

#include <civic/Result.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace civic::sync {

struct FieldOption
{
    std::string value; // what is stored and reported
    std::string label; // what the agent sees
    bool files_request = false; // disposition only: this outcome files a service request
    bool links_request = false; // disposition only: the caller is added to a request already filed
    std::map<std::string, std::string> label_in; // language -> label, from xml:lang
};

struct CenterField
{
    enum class Type
    {
        Choice,       // one of the options
        OpenChoice,   // one of the options, or typed
        Text,
        Boolean,
        Organization, // the organizations the contact reports for
    };
    std::string id;
    Type type = Type::Text;
    std::string label;
    std::string help;
    bool required = false;
    std::vector<FieldOption> options;
    std::string default_value;
    std::map<std::string, std::string> label_in, help_in; // language -> text, from xml:lang
};

struct CenterForm
{
    std::vector<CenterField> fields;
    std::string source; // the file it came from; empty for the built-in fields

    const CenterField* Find(const std::string& id) const;
    // The form as agents working in `language` see it ("es", "es_MX"): each
    // label, help and option in that language where the file gives one
    // (xml:lang), as written otherwise. Values stay as they are.
    CenterForm In(const std::string& language) const;
    // The disposition options that file / link a request.
    std::string RequestDisposition() const;
    std::string LinkDisposition() const;
};

// Field ids with a meaning of their own (disposition, reason, language,
// interpreter, on_behalf_of, notify) map to parts of the WrapUp; any other id
// is the center's own and is kept in WrapUp::extra (see AnswersOf).

// Errors: Io (unreadable), Parse (not well-formed XML, with the line),
// Invalid (a rule broken: the line, the element and the rule).
Result<CenterForm> ParseCenterForm(const std::string& xml, const std::string& name);
Result<CenterForm> LoadCenterForm(const std::filesystem::path& file);
// What the console uses when no file can be read: the fields the README lists.
CenterForm DefaultCenterForm();

// Which file a console reads: DATA/forms/center-fields.xml when a center put
// one beside its data, else the shipped resources/forms/center-fields.xml.
std::filesystem::path CenterFormFile(const std::filesystem::path& data_dir,
                                     const std::filesystem::path& resources_dir);

// The answers given, checked against the form: Invalid naming the first
// required field left empty or a choice that is not an option.
using Answers = std::map<std::string, std::string>;
Result<void> CheckAnswers(const CenterForm& form, const Answers& answers);

// Every problem with the answers, in the form's order — what the wrap-up form
// shows beside each field and CheckAnswers reports the first of. Fields in
// not_asked (the form did not show them) are not required.
struct AnswerProblem
{
    enum class Kind
    {
        Required,
        NotAnOption,
        NotABoolean,
    };
    std::string field; // its id
    Kind kind = Kind::Required;
    std::string value; // what was answered
};
std::vector<AnswerProblem> FindAnswerProblems(const CenterForm& form, const Answers& answers,
                                              const std::set<std::string>& not_asked = {});

} // namespace civic::sync
