# civicdesk_plugin_module(NAME <name> SOURCES ... LIBS ...): an in-tree plugin
# as the console loads it — civicdesk-plugin-<name>.so in the build tree's
# module folder and in the system plugin folder when installed. Only the
# entry points are visible; the static libraries inside stay private to it.
function(civicdesk_plugin_module)
  # The fuzz build reads the libraries, not the modules the console loads.
  if(CIVICDESK_FUZZ)
    return()
  endif()
  cmake_parse_arguments(P "" "NAME" "SOURCES;LIBS" ${ARGN})
  set(target civicdesk-plugin-${P_NAME})
  add_library(${target} MODULE ${P_SOURCES})
  set_target_properties(${target} PROPERTIES PREFIX ""
    LIBRARY_OUTPUT_DIRECTORY ${CIVICDESK_BUILD_PLUGINDIR}
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${target} PRIVATE ${P_LIBS} civicdesk_sdk civicdesk_warnings)
  target_link_options(${target} PRIVATE -Wl,--exclude-libs,ALL -Wl,--no-undefined)
  install(TARGETS ${target} LIBRARY DESTINATION ${CIVICDESK_INSTALL_PLUGINDIR})
endfunction()
