// Translations: set up once at start-up, before the first window (as Poedit
// does in its app class). The core never translates; every user-visible string
// in the UI goes through _().
#pragma once

#include <civic/core/Paths.h>

#include <wx/string.h>

#include <string>
#include <utility>
#include <vector>

namespace civic::ui {

// language: a code such as "es", or empty to follow the desktop's language.
void SetUpTranslations(const Paths& paths, const std::string& language);

// Languages the console's interface is translated into: code and native name,
// English first.
std::vector<std::pair<std::string, wxString>> AvailableLanguages(const Paths& paths);

// The code of the language the interface speaks now ("es"; "en" when no
// catalog was chosen): the center's questions are shown in it.
std::string UiLanguage();

// A caller's language by its name in the interface's language ("es" is
// "Spanish", "español" in Spanish): the languages a 311 center hears most by
// name, any other ISO code by wxWidgets' English name, anything else as
// written.
wxString LanguageName(const std::string& code);

} // namespace civic::ui
