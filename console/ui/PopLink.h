// A screen pop as another program hands it over: the desktop opens
// `civicdesk tel:+12155550100` when a phone number is clicked (the desktop
// file registers the tel: scheme), softphones pass callto: or sip: links,
// mail programs mailto:. Read into the form the caller pane takes.
#pragma once

#include <optional>
#include <string>

namespace civic::ui {

// "tel:NUMBER" or "mailto:ADDRESS" for a link the console can pop, with
// percent escapes decoded ("tel:%2B1215..."), "//" after the scheme and URI
// parameters (";phone-context=...", "?subject=...") dropped. nullopt for
// anything else, or a link with nothing after the scheme.
std::optional<std::string> PopFromLink(const std::string& link);

} // namespace civic::ui
