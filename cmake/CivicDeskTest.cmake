# One helper registers every Boost.Test module with CTest, so all modules share
# the same runner flags, labels and environment.
#
#   civicdesk_add_test_module(NAME <name> SOURCES ... LIBS ... [GUI] [LABELS ...])
#
# GUI modules run under xvfb-run so they need no display on the machine.
find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
find_program(XVFB_RUN xvfb-run)

function(civicdesk_add_test_module)
  cmake_parse_arguments(T "GUI" "NAME" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE ${T_LIBS} Boost::unit_test_framework
                                          civicdesk_warnings)
  target_compile_definitions(${T_NAME} PRIVATE BOOST_TEST_DYN_LINK
    CIVICDESK_TEST_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    CIVICDESK_TEST_BINARY_DIR="${CMAKE_BINARY_DIR}")
  set(runner_args --log_level=test_suite --report_level=short)
  if(T_GUI)
    if(NOT XVFB_RUN)
      message(FATAL_ERROR "GUI test ${T_NAME} needs xvfb-run (installer/install-deps.sh)")
    endif()
    add_test(NAME ${T_NAME}
             COMMAND ${XVFB_RUN} -a -s "-screen 0 1280x800x24"
                     $<TARGET_FILE:${T_NAME}> ${runner_args})
    list(APPEND T_LABELS gui)
  else()
    add_test(NAME ${T_NAME} COMMAND ${T_NAME} ${runner_args})
  endif()
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}"
    ENVIRONMENT "CIVICDESK_RESOURCES=${CMAKE_SOURCE_DIR}/resources;LC_ALL=C.UTF-8")
endfunction()
