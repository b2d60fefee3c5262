# The web console (web/): built with npm and embedded in the binary, so a deployment stays
# one file. Defines the library kanri_console_files with
#   const std::vector<kanri::EmbeddedFile>& kanri::api::embedded::ConsoleFiles();
# (every file of the Vite build: index.html, spa-routes.txt, assets/*, and .gz siblings).
# With KANRI_BUILD_WEB=OFF the list is empty and the binary serves a note instead.
set(KANRI_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(KANRI_WEB_DIST ${CMAKE_BINARY_DIR}/web-dist)
set(KANRI_CONSOLE_CPP ${CMAKE_BINARY_DIR}/console_files_embedded.cpp)

if(KANRI_BUILD_WEB)
  find_program(KANRI_NODE NAMES node nodejs)
  find_program(KANRI_NPM npm)
  if(NOT KANRI_NODE OR NOT KANRI_NPM)
    message(FATAL_ERROR
      "The web console needs Node.js (18 or later) and npm, which were not found.\n"
      "Install them with scripts/install-deps.sh (Debian packages nodejs and npm), "
      "or configure with -DKANRI_BUILD_WEB=OFF to build without the console.")
  endif()
  execute_process(COMMAND ${KANRI_NODE} --version OUTPUT_VARIABLE node_version OUTPUT_STRIP_TRAILING_WHITESPACE)
  string(REGEX MATCH "^v([0-9]+)" _ "${node_version}")
  if(CMAKE_MATCH_1 LESS 18)
    message(FATAL_ERROR "The web console needs Node.js 18 or later; found ${node_version} (${KANRI_NODE}).")
  endif()
  message(STATUS "Web console: node ${node_version}, ${KANRI_NPM}")

  file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${KANRI_WEB_DIR}/src/*)
  list(FILTER web_sources EXCLUDE REGEX "\\.test\\.tsx?$")
  set(web_inputs ${web_sources} ${KANRI_WEB_DIR}/index.html ${KANRI_WEB_DIR}/package.json
                 ${KANRI_WEB_DIR}/package-lock.json ${KANRI_WEB_DIR}/vite.config.ts ${KANRI_WEB_DIR}/tsconfig.json)
  add_custom_command(
    OUTPUT ${KANRI_CONSOLE_CPP}
    COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${KANRI_WEB_DIR} -DDIST=${KANRI_WEB_DIST} -DNPM=${KANRI_NPM}
            -DOUT=${KANRI_CONSOLE_CPP} -DEMBED_SCRIPT=${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
            -P ${PROJECT_SOURCE_DIR}/cmake/WebBuildScript.cmake
    DEPENDS ${web_inputs} ${PROJECT_SOURCE_DIR}/cmake/WebBuildScript.cmake ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Building the web console (npm) and embedding it"
    USES_TERMINAL
    VERBATIM)
else()
  message(STATUS "Web console: not built (KANRI_BUILD_WEB=OFF)")
  add_custom_command(
    OUTPUT ${KANRI_CONSOLE_CPP}
    COMMAND ${CMAKE_COMMAND} -DOUT=${KANRI_CONSOLE_CPP} -DNS=kanri::api::embedded -DFN=ConsoleFiles "-DINPUTS="
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    VERBATIM)
endif()

add_library(kanri_console_files STATIC ${KANRI_CONSOLE_CPP})
target_include_directories(kanri_console_files PUBLIC ${PROJECT_SOURCE_DIR}/src)
