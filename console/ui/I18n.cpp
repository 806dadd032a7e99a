#include "ui/I18n.h"

#include <wx/intl.h>
#include <wx/translation.h>
#include <wx/uilocale.h>

#include <filesystem>

namespace civic::ui {
namespace {

std::vector<std::filesystem::path> CatalogFolders(const Paths& paths)
{
    // Installed: share/civicdesk/locale; a build-tree binary: the build's locale.
    return {paths.resources_dir / "locale", CIVICDESK_BUILD_LOCALE};
}

} // namespace

void SetUpTranslations(const Paths& paths, const std::string& language)
{
    wxUILocale::UseDefault();
    for (const auto& dir : CatalogFolders(paths))
        wxFileTranslationsLoader::AddCatalogLookupPathPrefix(wxString::FromUTF8(dir.string()));
    auto* translations = new wxTranslations;
    if (!language.empty())
        translations->SetLanguage(wxString::FromUTF8(language));
    wxTranslations::Set(translations); // takes ownership
    translations->AddStdCatalog();
    translations->AddCatalog("civicdesk");
}

std::vector<std::pair<std::string, wxString>> AvailableLanguages(const Paths& paths)
{
    std::vector<std::pair<std::string, wxString>> langs{{"en", "English"}};
    for (const auto& dir : CatalogFolders(paths)) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(dir, ec)) {
            const auto code = entry.path().filename().string();
            if (!std::filesystem::exists(entry.path() / "LC_MESSAGES" / "civicdesk.mo"))
                continue;
            bool seen = false;
            for (const auto& [c, name] : langs)
                seen = seen || c == code;
            if (seen)
                continue;
            const wxLanguageInfo* info = wxUILocale::FindLanguageInfo(code);
            wxString name = info ? info->DescriptionNative : wxString(code);
            if (name.empty() && info)
                name = info->Description;
            langs.emplace_back(code, name);
        }
    }
    return langs;
}

std::string UiLanguage()
{
    wxTranslations* t = wxTranslations::Get();
    const wxString best = t ? t->GetBestTranslation("civicdesk", wxLANGUAGE_ENGLISH_US) : wxString();
    return best.empty() ? std::string("en") : best.utf8_string();
}

wxString LanguageName(const std::string& code)
{
    // The languages of Philadelphia's language-access plan and of other large
    // cities' 311 lines.
    static const std::pair<const char*, const char*> kNames[] = {
        {"en", wxTRANSLATE("English")},        {"es", wxTRANSLATE("Spanish")},
        {"zh", wxTRANSLATE("Chinese")},        {"yue", wxTRANSLATE("Cantonese")},
        {"cmn", wxTRANSLATE("Mandarin")},      {"vi", wxTRANSLATE("Vietnamese")},
        {"ru", wxTRANSLATE("Russian")},        {"ar", wxTRANSLATE("Arabic")},
        {"ht", wxTRANSLATE("Haitian Creole")}, {"fr", wxTRANSLATE("French")},
        {"pt", wxTRANSLATE("Portuguese")},     {"ko", wxTRANSLATE("Korean")},
        {"km", wxTRANSLATE("Khmer")},          {"bn", wxTRANSLATE("Bengali")},
        {"asl", wxTRANSLATE("American Sign Language")},
        {"it", wxTRANSLATE("Italian")},        {"pl", wxTRANSLATE("Polish")},
        {"uk", wxTRANSLATE("Ukrainian")},      {"hi", wxTRANSLATE("Hindi")},
        {"ur", wxTRANSLATE("Urdu")},           {"tl", wxTRANSLATE("Tagalog")},
        {"sw", wxTRANSLATE("Swahili")},        {"am", wxTRANSLATE("Amharic")},
        {"so", wxTRANSLATE("Somali")},         {"ne", wxTRANSLATE("Nepali")},
        {"ja", wxTRANSLATE("Japanese")},       {"de", wxTRANSLATE("German")},
        {"fa", wxTRANSLATE("Persian")},        {"ps", wxTRANSLATE("Pashto")},
        {"el", wxTRANSLATE("Greek")},          {"tr", wxTRANSLATE("Turkish")},
    };
    std::string lower;
    for (char c : code)
        lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (const auto& [c, name] : kNames)
        if (lower == c)
            return wxGetTranslation(name);
    if (const wxLanguageInfo* info = wxLocale::FindLanguageInfo(wxString::FromUTF8(code)); info && !code.empty())
        return info->Description;
    return wxString::FromUTF8(code);
}

} // namespace civic::ui
