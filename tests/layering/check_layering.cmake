# Rules of the layout (README, Layout):
#  - windows (console/ui, console/app) reach the store only through the
#    session's services: no storage header, no sqlite3, no store:: types;
#  - the product's logic (core, storage, contacts, sync, services, knowledge,
#    plugins) builds and tests without wxWidgets;
#  - only the storage layer sees sqlite3, only the HTTP layer sees curl,
#    only the center (console/center) sees libpq;
#  - the plugin SDK, and the example plugin built on it, need nothing else.
# Usage: cmake -DSOURCE_DIR=<checkout> -P check_layering.cmake
set(problems "")

function(check_folders folders regex why)
  foreach(folder ${folders})
    file(GLOB_RECURSE files "${SOURCE_DIR}/${folder}/*.h" "${SOURCE_DIR}/${folder}/*.cpp")
    foreach(f ${files})
      file(STRINGS "${f}" lines REGEX "${regex}")
      foreach(line ${lines})
        file(RELATIVE_PATH rel "${SOURCE_DIR}" "${f}")
        string(STRIP "${line}" line)
        list(APPEND problems "${rel}: ${line}  (${why})")
      endforeach()
    endforeach()
  endforeach()
  set(problems "${problems}" PARENT_SCOPE)
endfunction()

check_folders("console/ui;console/app"
  "#include[ \t]*[<\"](civic/store/|sqlite3\\.h|civic/core/ConsoleStore\\.h)|[^a-z_]store::"
  "windows use the session's services, not the store")
check_folders("console/base;console/storage;console/net;console/core;console/contacts;console/sync;console/services;knowledge;plugins"
  "#include[ \t]*<wx/"
  "logic must not need wxWidgets")
check_folders("console/base;console/net;console/core;console/contacts;console/sync;console/services;console/ui;console/app;console/cli;knowledge;plugins"
  "#include[ \t]*<sqlite3\\.h>"
  "only console/storage sees sqlite3")
check_folders("console/base;console/storage;console/core;console/contacts;console/sync;console/services;console/ui;console/app;console/cli;knowledge;plugins"
  "#include[ \t]*<curl/"
  "only console/net sees libcurl")

check_folders("console/base;console/storage;console/net;console/core;console/contacts;console/sync;console/services;console/ui;console/app;console/cli;knowledge;plugins"
  "#include[ \t]*<libpq-fe\\.h>"
  "only console/center sees libpq")

check_folders("plugins/sdk;plugins/examples"
  "#include[ \t]*[<\"](civic/([^s]|s[^d]|sd[^k])|wx/|sqlite3|curl/)"
  "the SDK and plugins built on it see the SDK's headers and the standard library only")

list(LENGTH problems count)
if(count GREATER 0)
  list(JOIN problems "\n  " text)
  message(FATAL_ERROR "layering: ${count} rule(s) broken:\n  ${text}")
endif()
message(STATUS "layering: every folder keeps to its rules")
