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

} // namespace civic::ui
