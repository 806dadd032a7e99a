#include <boost/test/unit_test.hpp>

#include <civic/sync/ConsoleSchema.h>
#include <civic/contacts/Contacts.h>
#include <civic/core/ConsoleStore.h>
#include <civic/sync/CenterForm.h>
#include <civic/sync/Outbox.h>

#include <filesystem>
#include <fstream>

using namespace civic;

namespace {

const std::filesystem::path kShipped = std::filesystem::path(CIVICDESK_SOURCE_RESOURCES) / "forms";

std::string Form(const std::string& fields)
{
    return "<?xml version=\"1.0\"?>\n<center-fields version=\"1\">\n" + fields + "</center-fields>\n";
}

const std::string kDisposition = R"(<field id="disposition" type="choice">
  <label>Outcome</label>
  <option value="info">Information only</option>
  <option value="filed" files-request="true">Request created</option>
</field>
)";

std::string Refusal(const std::string& xml)
{
    auto f = sync::ParseCenterForm(xml, "center-fields.xml");
    return f ? std::string("(accepted)") : f.Err().message;
}

} // namespace

BOOST_AUTO_TEST_SUITE(CenterFields)

BOOST_AUTO_TEST_CASE(the_shipped_fields_are_the_ones_a_311_center_reports_on)
{
    auto form = sync::LoadCenterForm(kShipped / "center-fields.xml");
    BOOST_TEST_REQUIRE(form.IsOk(), (form ? "" : form.Err().message));
    std::vector<std::string> ids;
    for (const auto& f : form->fields)
        ids.push_back(f.id);
    const std::vector<std::string> expected{"disposition", "reason", "language", "interpreter", "on_behalf_of",
                                            "notify"};
    BOOST_TEST(ids == expected, boost::test_tools::per_element());
    BOOST_TEST(form->RequestDisposition() == "request created");
    BOOST_TEST(form->LinkDisposition() == "duplicate");
    const auto* d = form->Find("disposition");
    BOOST_TEST(d->required);
    BOOST_TEST(d->default_value == "information only");
    BOOST_TEST(d->options.size() == 5u);
    BOOST_TEST(form->Find("language")->options.size() >= 10u);
    BOOST_TEST((form->Find("notify")->type == sync::CenterField::Type::Boolean));
    // The built-in fallback has the same meaning.
    const auto fallback = sync::DefaultCenterForm();
    BOOST_TEST(fallback.RequestDisposition() == "request created");
    BOOST_TEST(fallback.fields.size() == expected.size());
}

BOOST_AUTO_TEST_CASE(a_centers_own_question_is_accepted)
{
    auto form = sync::ParseCenterForm(Form(kDisposition + R"(<field id="ward" type="choice" required="true">
  <label>Council district</label><help>Ask if the caller knows it.</help>
  <option value="1"/><option value="2">District 2</option>
</field>
)"),
                                      "x.xml");
    BOOST_TEST_REQUIRE(form.IsOk(), (form ? "" : form.Err().message));
    const auto* ward = form->Find("ward");
    BOOST_TEST(ward->required);
    BOOST_TEST(ward->help == "Ask if the caller knows it.");
    BOOST_TEST(ward->options[0].label == "1"); // no text: the value shows
    BOOST_TEST(ward->options[1].label == "District 2");
}

BOOST_AUTO_TEST_CASE(a_broken_file_is_refused_naming_its_line_and_the_rule)
{
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"x\" type=\"text\" requried=\"true\"><label>X</label></field>\n"))
                   .find("center-fields.xml:8: <field> id=\"x\": unknown attribute \"requried\"") != std::string::npos,
               Refusal(Form(kDisposition + "<field id=\"x\" type=\"text\" requried=\"true\"><label>X</label></field>\n")));
    BOOST_TEST(Refusal("<center-fields version=\"1\">\n<field id=\"a\">\n</center-fields>").find(
                   "center-fields.xml:3: not well-formed XML") != std::string::npos);
    BOOST_TEST(Refusal(Form("<field id=\"reason\" type=\"text\"><label>R</label></field>\n"))
                   .find("id=\"disposition\"") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"interpreter\" type=\"text\"><label>I</label></field>\n"))
                   .find("must be type=\"boolean\"") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"Ward 1\" type=\"text\"><label>W</label></field>\n"))
                   .find("lower-case") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + kDisposition)).find("a second field") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"w\" type=\"choice\"><label>W</label></field>\n"))
                   .find("at least one <option>") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"w\" type=\"choice\" default=\"3\"><label>W</label>"
                                           "<option value=\"1\"/></field>\n"))
                   .find("not one of the options") != std::string::npos);
    BOOST_TEST(Refusal(Form("<field id=\"disposition\" type=\"choice\"><label>O</label><option value=\"a\"/></field>"))
                   .find("exactly one outcome") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"w\" type=\"date\"><label>W</label></field>\n"))
                   .find("type must be") != std::string::npos);
    BOOST_TEST(Refusal(Form(kDisposition + "<field id=\"w\" type=\"text\"></field>\n")).find("needs a <label>") !=
               std::string::npos);
    auto newer = sync::ParseCenterForm("<center-fields version=\"2\"/>", "f.xml");
    BOOST_TEST_REQUIRE(!newer.IsOk());
    BOOST_TEST((newer.Err().kind == ErrorKind::TooNew));
    auto missing = sync::LoadCenterForm("/nonexistent/center-fields.xml");
    BOOST_TEST((missing.Err().kind == ErrorKind::Io));
}

BOOST_AUTO_TEST_CASE(a_copy_beside_the_data_wins_over_the_shipped_file)
{
    const auto dir = std::filesystem::temp_directory_path() / ("civicdesk-forms-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    BOOST_TEST(sync::CenterFormFile(dir, "/res") == std::filesystem::path("/res/forms/center-fields.xml"));
    std::filesystem::create_directories(dir / "forms");
    std::ofstream(dir / "forms" / "center-fields.xml") << Form(kDisposition);
    BOOST_TEST(sync::CenterFormFile(dir, "/res") == dir / "forms" / "center-fields.xml");
    auto form = sync::LoadCenterForm(sync::CenterFormFile(dir, "/res"));
    BOOST_TEST(form.IsOk());
    BOOST_TEST(form->RequestDisposition() == "filed");
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(answers_are_checked_against_the_form)
{
    auto form = sync::ParseCenterForm(Form(kDisposition + R"(<field id="ward" type="choice" required="true">
  <label>Council district</label><option value="1"/><option value="2"/></field>
<field id="callback" type="text"><label>Callback number</label></field>
)"),
                                      "x.xml")
                    .Value();
    BOOST_TEST(sync::CheckAnswers(form, {{"disposition", "info"}, {"ward", "2"}}).IsOk());
    auto missing = sync::CheckAnswers(form, {{"disposition", "info"}});
    BOOST_TEST(missing.Err().message == "ward: Council district is required");
    BOOST_TEST(sync::CheckAnswers(form, {{"disposition", "maybe"}, {"ward", "1"}}).Err().message.find("maybe") !=
               std::string::npos);
}

// The form marks every field at once, from the same rule: a missing answer
// and a wrong one together; a field the form did not show is not required.
BOOST_AUTO_TEST_CASE(every_problem_is_listed_for_the_form_to_mark)
{
    auto form = sync::ParseCenterForm(Form(kDisposition + R"(<field id="ward" type="choice" required="true">
  <label>Council district</label><option value="1"/><option value="2"/></field>
)"),
                                      "x.xml")
                    .Value();
    const auto both = sync::FindAnswerProblems(form, {{"disposition", "maybe"}});
    BOOST_TEST_REQUIRE(both.size() == 2u);
    BOOST_TEST(both[0].field == "disposition");
    BOOST_TEST((both[0].kind == sync::AnswerProblem::Kind::NotAnOption));
    BOOST_TEST(both[1].field == "ward");
    BOOST_TEST((both[1].kind == sync::AnswerProblem::Kind::Required));
    BOOST_TEST(sync::FindAnswerProblems(form, {{"disposition", "info"}}, {"ward"}).empty());
}

BOOST_AUTO_TEST_CASE(answers_to_a_centers_own_questions_are_kept_with_the_interaction)
{
    auto db = store::Database::Open(":memory:", sync::ConsoleSchema()).Value();
    contacts::ContactStore cs(*db);
    contacts::NewContact c;
    c.name = "Ana Ruiz";
    const auto ana = cs.Create(c).Value();
    sync::WrapUp w;
    w.contact = ana;
    w.disposition = "information only";
    w.language = "es";
    w.interpreter = true;
    w.extra["ward"] = "5";
    w.started_at = 1000;
    w.ended_at = 1240;
    w.submitted_at = 1300;
    BOOST_TEST_REQUIRE(sync::Submit(*db, w).IsOk());
    auto q = db->Prepare("SELECT answers, talk_s, wrap_s FROM interaction");
    BOOST_TEST_REQUIRE(q.Step().Value());
    auto back = sync::WrapUpFromJson(q.Text(0), "answers").Value();
    BOOST_TEST(back.extra.at("ward") == "5");
    BOOST_TEST(back.language == "es");
    BOOST_TEST(back.interpreter);
    BOOST_TEST(q.Int(1) == 240); // talk time
    BOOST_TEST(q.Int(2) == 60);  // wrap time
}

BOOST_AUTO_TEST_CASE(a_spanish_speaking_agent_reads_the_questions_in_spanish_and_the_values_stay)
{
    auto shipped = sync::LoadCenterForm(kShipped / "center-fields.xml");
    BOOST_TEST_REQUIRE(shipped.IsOk(), (shipped ? std::string() : shipped.Err().message));
    const sync::CenterForm es = shipped->In("es_ES.UTF-8");
    const auto* outcome = es.Find("disposition");
    BOOST_TEST_REQUIRE(outcome);
    BOOST_TEST(outcome->label == "Resultado");
    BOOST_TEST(outcome->options.front().label == "Solo información");
    BOOST_TEST(outcome->options.front().value == "information only"); // reported as before
    BOOST_TEST(es.RequestDisposition() == "request created");
    BOOST_TEST(es.Find("reason")->label == "Motivo de la llamada");
    BOOST_TEST(es.Find("interpreter")->label == "Con intérprete");
    // Every question and option of the shipped file has its Spanish.
    for (const auto& f : shipped->fields) {
        BOOST_TEST(f.label_in.count("es") == 1, f.id);
        for (const auto& o : f.options)
            BOOST_TEST(o.label_in.count("es") == 1, f.id + ": " + o.value);
    }
    // A language the file does not give: as written.
    BOOST_TEST(shipped->In("vi").Find("disposition")->label == "Outcome");
    BOOST_TEST(shipped->In("").Find("reason")->options.front().label == "Report a problem");
}

BOOST_AUTO_TEST_CASE(a_translation_that_names_no_option_or_comes_twice_is_refused)
{
    BOOST_TEST(Refusal(Form(R"(<field id="disposition" type="choice">
  <label>Outcome</label>
  <label xml:lang="es">Resultado</label>
  <label xml:lang="ES">Otro</label>
  <option value="info">Information only</option>
</field>
)")).find("a second <label> in \"es\"") != std::string::npos);
    BOOST_TEST(Refusal(Form(R"(<field id="disposition" type="choice">
  <label>Outcome</label>
  <option value="info">Information only</option>
  <option value="inf" xml:lang="es">Solo información</option>
</field>
)")).find("follows the option with value \"inf\"") != std::string::npos);
    BOOST_TEST(Refusal(Form(R"(<field id="disposition" type="choice">
  <label>Outcome</label>
  <option value="info">Information only</option>
  <option value="info" xml:lang="es" files-request="true">Solo información</option>
</field>
)")).find("unknown attribute \"files-request\"") != std::string::npos);
    BOOST_TEST(Refusal(Form(R"(<field id="disposition" type="choice">
  <label xml:lang="1">Outcome</label>
  <option value="info">Information only</option>
</field>
)")).find("xml:lang names a language") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
