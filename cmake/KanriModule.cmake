# kanri_module(NAME SOURCES ... DEPS ...): one library per folder under src/.
# Its tests (*_test.cpp beside the sources) are given with kanri_module_tests.
function(kanri_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(kanri_${name} STATIC ${ARG_SOURCES})
  target_include_directories(kanri_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(kanri_${name} PUBLIC kanri_options ${ARG_DEPS})
endfunction()

function(kanri_module_tests name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT KANRI_BUILD_TESTS)
    return()
  endif()
  add_executable(kanri_${name}_test ${ARG_SOURCES})
  target_link_libraries(kanri_${name}_test PRIVATE kanri_${name} ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  gtest_discover_tests(kanri_${name}_test DISCOVERY_TIMEOUT 60
                       PROPERTIES ENVIRONMENT "KANRI_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
endfunction()
