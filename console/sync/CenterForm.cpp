#include <civic/sync/CenterForm.h>

#include <civic/Files.h>
#include <civic/Text.h>
#include <pugixml.hpp>

#include <algorithm>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace civic::sync {

namespace {

constexpr int kFormatVersion = 1;

// The line of an element, for messages a center's administrator can act on.
int LineOf(const std::string& xml, std::ptrdiff_t offset)
{
    if (offset < 0)
        return 0;
    const auto end = xml.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(xml.size()));
    return 1 + static_cast<int>(std::count(xml.begin(), end, '\n'));
}

// The language of an element's xml:lang, lowered, its primary subtag only
// ("es-MX" and "es_MX" are "es"); empty without one or when it is no code.
std::string LanguageOf(const pugi::xml_node& n)
{
    std::string lang;
    for (const char* p = n.attribute("xml:lang").value(); *p && *p != '-' && *p != '_'; ++p) {
        const char c = *p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) || lang.size() >= 8)
            return {};
        lang += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    return lang.size() >= 2 ? lang : std::string();
}

class Reader
{
public:
    Reader(const std::string& xml, const std::string& name) : m_xml(xml), m_name(name) {}

    Error Fail(const pugi::xml_node& n, const std::string& rule) const
    {
        std::ostringstream os;
        os << m_name << ":" << LineOf(m_xml, n.offset_debug()) << ": <" << n.name() << ">";
        if (const auto id = n.attribute("id"); id)
            os << " id=\"" << id.value() << "\"";
        os << ": " << rule;
        return Error{ErrorKind::Invalid, os.str()};
    }

    // Attributes outside `allowed` are refused: a typo ("requried") must not
    // silently change nothing.
    std::optional<Error> OnlyAttributes(const pugi::xml_node& n, std::initializer_list<std::string_view> allowed) const
    {
        for (const auto& a : n.attributes())
            if (std::find(allowed.begin(), allowed.end(), std::string_view(a.name())) == allowed.end())
                return Fail(n, std::string("unknown attribute \"") + a.name() + "\"");
        return std::nullopt;
    }

    Result<bool> Flag(const pugi::xml_node& n, const char* attr) const
    {
        const auto a = n.attribute(attr);
        if (!a)
            return false;
        const std::string_view v = a.value();
        if (v == "true")
            return true;
        if (v == "false")
            return false;
        return Fail(n, std::string(attr) + " must be \"true\" or \"false\", not \"" + a.value() + "\"");
    }

private:
    const std::string& m_xml;
    const std::string& m_name;
};

std::optional<CenterField::Type> TypeFromString(std::string_view s)
{
    if (s == "choice")
        return CenterField::Type::Choice;
    if (s == "open-choice")
        return CenterField::Type::OpenChoice;
    if (s == "text")
        return CenterField::Type::Text;
    if (s == "boolean")
        return CenterField::Type::Boolean;
    if (s == "organization")
        return CenterField::Type::Organization;
    return std::nullopt;
}

bool ValidId(const std::string& id)
{
    if (id.empty() || id.size() > 40 || !(id[0] >= 'a' && id[0] <= 'z'))
        return false;
    return std::all_of(id.begin(), id.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

bool IsChoice(CenterField::Type t) { return t == CenterField::Type::Choice || t == CenterField::Type::OpenChoice; }

// The type a field with a meaning of its own must have.
std::optional<std::string> TypeRule(const CenterField& f)
{
    using T = CenterField::Type;
    if (f.id == "disposition" && f.type != T::Choice)
        return "the outcome must be type=\"choice\"";
    if ((f.id == "interpreter" || f.id == "notify") && f.type != T::Boolean)
        return "must be type=\"boolean\"";
    if (f.id == "on_behalf_of" && f.type != T::Organization)
        return "must be type=\"organization\"";
    if (f.id != "on_behalf_of" && f.type == T::Organization)
        return "only on_behalf_of can be type=\"organization\"";
    return std::nullopt;
}

} // namespace

const CenterField* CenterForm::Find(const std::string& id) const
{
    for (const auto& f : fields)
        if (f.id == id)
            return &f;
    return nullptr;
}

CenterForm CenterForm::In(const std::string& language) const
{
    std::string lang;
    for (char c : language) {
        if (c == '-' || c == '_' || c == '.')
            break;
        lang += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    auto pick = [&](std::string& text, const std::map<std::string, std::string>& in) {
        if (auto it = in.find(lang); it != in.end() && !it->second.empty())
            text = it->second;
    };
    CenterForm out = *this;
    for (auto& f : out.fields) {
        pick(f.label, f.label_in);
        pick(f.help, f.help_in);
        for (auto& o : f.options)
            pick(o.label, o.label_in);
    }
    return out;
}

std::string CenterForm::RequestDisposition() const
{
    if (const auto* d = Find("disposition"))
        for (const auto& o : d->options)
            if (o.files_request)
                return o.value;
    return {};
}

std::string CenterForm::LinkDisposition() const
{
    if (const auto* d = Find("disposition"))
        for (const auto& o : d->options)
            if (o.links_request)
                return o.value;
    return {};
}

Result<CenterForm> ParseCenterForm(const std::string& xml, const std::string& name)
{
    pugi::xml_document doc;
    const auto parsed = doc.load_buffer(xml.data(), xml.size());
    if (!parsed)
        return Error{ErrorKind::Parse, name + ":" + std::to_string(LineOf(xml, parsed.offset)) +
                                           ": not well-formed XML: " + parsed.description()};
    Reader r(xml, name);
    const auto root = doc.document_element();
    if (std::string_view(root.name()) != "center-fields")
        return r.Fail(root, "the root element must be <center-fields>");
    if (auto e = r.OnlyAttributes(root, {"version"}))
        return *e;
    const int version = root.attribute("version").as_int(0);
    if (version < 1)
        return r.Fail(root, "version=\"1\" is required");
    if (version > kFormatVersion)
        return Error{ErrorKind::TooNew, name + ": written for a newer CivicDesk (format version " +
                                            std::to_string(version) + ")"};

    CenterForm form;
    form.source = name;
    std::set<std::string> ids;
    for (const auto& n : root.children()) {
        if (n.type() != pugi::node_element)
            continue;
        if (std::string_view(n.name()) != "field")
            return r.Fail(n, "only <field> elements belong in <center-fields>");
        if (auto e = r.OnlyAttributes(n, {"id", "type", "required", "default"}))
            return *e;
        CenterField f;
        f.id = n.attribute("id").value();
        if (!ValidId(f.id))
            return r.Fail(n, "id must be lower-case letters, digits and _, starting with a letter");
        if (!ids.insert(f.id).second)
            return r.Fail(n, "a second field with this id");
        const auto type = TypeFromString(n.attribute("type").value());
        if (!type)
            return r.Fail(n, "type must be choice, open-choice, text, boolean or organization");
        f.type = *type;
        if (auto rule = TypeRule(f))
            return r.Fail(n, *rule);
        auto required = r.Flag(n, "required");
        if (!required)
            return required.Err();
        f.required = required.Value();
        f.default_value = n.attribute("default").value();

        std::set<std::string> values;
        for (const auto& c : n.children()) {
            if (c.type() != pugi::node_element)
                continue;
            const std::string_view cname = c.name();
            // xml:lang="es": the same text in another language.
            const std::string lang = LanguageOf(c);
            if (c.attribute("xml:lang") && lang.empty())
                return r.Fail(c, "xml:lang names a language by its code, such as \"es\"");
            if (cname == "label" || cname == "help") {
                if (auto e = r.OnlyAttributes(c, {"xml:lang"}))
                    return *e;
                const std::string text = Trim(c.text().get());
                if (lang.empty()) {
                    (cname == "label" ? f.label : f.help) = text;
                } else if (!(cname == "label" ? f.label_in : f.help_in).emplace(lang, text).second) {
                    return r.Fail(c, "a second <" + std::string(cname) + "> in \"" + lang + "\"");
                }
                continue;
            }
            if (cname != "option")
                return r.Fail(c, "a field holds <label>, <help> and <option> only");
            if (!IsChoice(f.type))
                return r.Fail(c, "options belong to choice and open-choice fields only");
            if (!lang.empty()) {
                // The label of an option given before, in another language.
                if (auto e = r.OnlyAttributes(c, {"value", "xml:lang"}))
                    return *e;
                const std::string value = c.attribute("value").value();
                auto of = std::find_if(f.options.begin(), f.options.end(),
                                       [&](const FieldOption& o) { return o.value == value; });
                if (of == f.options.end())
                    return r.Fail(c, "a translated option follows the option with value \"" + value + "\"");
                if (!of->label_in.emplace(lang, Trim(c.text().get())).second)
                    return r.Fail(c, "a second option \"" + value + "\" in \"" + lang + "\"");
                continue;
            }
            if (auto e = r.OnlyAttributes(c, {"value", "files-request", "links-request"}))
                return *e;
            FieldOption o;
            o.value = c.attribute("value").value();
            if (o.value.empty())
                return r.Fail(c, "an option needs a value");
            if (!values.insert(o.value).second)
                return r.Fail(c, "a second option with value \"" + o.value + "\"");
            o.label = Trim(c.text().get());
            if (o.label.empty())
                o.label = o.value;
            auto files = r.Flag(c, "files-request");
            auto links = r.Flag(c, "links-request");
            if (!files)
                return files.Err();
            if (!links)
                return links.Err();
            if ((files.Value() || links.Value()) && f.id != "disposition")
                return r.Fail(c, "files-request and links-request belong to the disposition's options");
            if (files.Value() && links.Value())
                return r.Fail(c, "an outcome either files a request or links one, not both");
            o.files_request = files.Value();
            o.links_request = links.Value();
            f.options.push_back(std::move(o));
        }
        if (f.label.empty())
            return r.Fail(n, "a field needs a <label>");
        if (IsChoice(f.type) && f.options.empty())
            return r.Fail(n, "a choice needs at least one <option>");
        if (!f.default_value.empty()) {
            if (f.type == CenterField::Type::Boolean && f.default_value != "true" && f.default_value != "false")
                return r.Fail(n, "the default of a boolean is \"true\" or \"false\"");
            if (f.type == CenterField::Type::Choice && !values.count(f.default_value))
                return r.Fail(n, "the default \"" + f.default_value + "\" is not one of the options");
            if (f.type == CenterField::Type::Organization)
                return r.Fail(n, "an organization field has no default");
        }
        if (f.id == "disposition") {
            const auto files = std::count_if(f.options.begin(), f.options.end(),
                                             [](const FieldOption& o) { return o.files_request; });
            const auto links = std::count_if(f.options.begin(), f.options.end(),
                                             [](const FieldOption& o) { return o.links_request; });
            if (files != 1)
                return r.Fail(n, "exactly one outcome must have files-request=\"true\"");
            if (links > 1)
                return r.Fail(n, "at most one outcome can have links-request=\"true\"");
            // Every call ends with an outcome.
            f.required = true;
        }
        form.fields.push_back(std::move(f));
    }
    if (!form.Find("disposition"))
        return r.Fail(root, "a field with id=\"disposition\" (the outcome of the call) is required");
    return form;
}

Result<CenterForm> LoadCenterForm(const std::filesystem::path& file)
{
    auto text = ReadWholeFile(file, 4u * 1024 * 1024); // a form is a few kilobytes
    if (!text)
        return text.Err();
    return ParseCenterForm(text.Value(), file.string());
}

CenterForm DefaultCenterForm()
{
    using T = CenterField::Type;
    CenterForm form;
    CenterField d{"disposition", T::Choice, "Outcome", "", true, {}, "information only"};
    d.options = {{"information only", "Information only", false, false},
                 {"request created", "Request created", true, false},
                 {"transferred", "Transferred", false, false},
                 {"duplicate", "Duplicate of a request already filed", false, true},
                 {"callback needed", "Callback needed", false, false}};
    form.fields.push_back(std::move(d));
    form.fields.push_back({"reason", T::OpenChoice, "Call reason", "", false, {}, ""});
    form.fields.push_back({"language", T::OpenChoice, "Language used", "", false,
                           {{"en", "English"}, {"es", "Spanish"}}, "en"});
    form.fields.push_back({"interpreter", T::Boolean, "Interpreter used", "", false, {}, "false"});
    form.fields.push_back({"on_behalf_of", T::Organization, "On behalf of", "", false, {}, ""});
    form.fields.push_back({"notify", T::Boolean, "Consent to status notifications", "", false, {}, "false"});
    // The open choice needs options to offer; the reason is typed freely here.
    form.fields[1].type = T::Text;
    return form;
}

std::filesystem::path CenterFormFile(const std::filesystem::path& data_dir, const std::filesystem::path& resources_dir)
{
    std::error_code ec;
    auto local = data_dir / "forms" / "center-fields.xml";
    if (std::filesystem::exists(local, ec))
        return local;
    return resources_dir / "forms" / "center-fields.xml";
}

std::vector<AnswerProblem> FindAnswerProblems(const CenterForm& form, const Answers& answers,
                                              const std::set<std::string>& not_asked)
{
    std::vector<AnswerProblem> out;
    for (const auto& f : form.fields) {
        const auto it = answers.find(f.id);
        const std::string value = it == answers.end() ? std::string() : Trim(it->second);
        if (value.empty()) {
            if (f.required && f.type != CenterField::Type::Boolean && !not_asked.count(f.id))
                out.push_back({f.id, AnswerProblem::Kind::Required, value});
            continue;
        }
        if (f.type == CenterField::Type::Choice &&
            std::none_of(f.options.begin(), f.options.end(), [&](const FieldOption& o) { return o.value == value; }))
            out.push_back({f.id, AnswerProblem::Kind::NotAnOption, value});
        else if (f.type == CenterField::Type::Boolean && value != "true" && value != "false")
            out.push_back({f.id, AnswerProblem::Kind::NotABoolean, value});
    }
    return out;
}

Result<void> CheckAnswers(const CenterForm& form, const Answers& answers)
{
    const auto problems = FindAnswerProblems(form, answers);
    if (problems.empty())
        return {};
    const auto& p = problems.front();
    switch (p.kind) {
    case AnswerProblem::Kind::Required: {
        const auto f = std::find_if(form.fields.begin(), form.fields.end(),
                                    [&](const CenterField& x) { return x.id == p.field; });
        return Error{ErrorKind::Invalid, p.field + ": " + (f == form.fields.end() ? p.field : f->label) + " is required"};
    }
    case AnswerProblem::Kind::NotAnOption:
        return Error{ErrorKind::Invalid, p.field + ": \"" + p.value + "\" is not one of the options"};
    case AnswerProblem::Kind::NotABoolean:
        return Error{ErrorKind::Invalid, p.field + ": \"" + p.value + "\" is not true or false"};
    }
    return {};
}

} // namespace civic::sync
