# The web console (web/): built with npm and embedded in the binary, so a deployment stays
# one file. Defines the library kanri_console_files with
#   const std::vector<kanri::EmbeddedFile>& kanri::api::embedded::ConsoleFiles();
# (every file of the Vite build: index.html, spa-routes.txt, assets/*, and .gz siblings).
# With KANRI_BUILD_WEB=OFF the list is empty and the binary serves a note instead.
#
# The console's API types, web/src/api/schema.d.ts, come from the OpenAPI document of the
# route table (kanri_openapi writes it; openapi-typescript turns it into TypeScript). They are
# committed, so that npm alone can type-check and test the console; the build stops when they
# differ from what the document gives, and
#   cmake --build <build dir> --target kanri_update_api_types
# writes the new ones (commit them with the change to the route table).
set(KANRI_WEB_DIR ${PROJECT_SOURCE_DIR}/web)
set(KANRI_WEB_DIST ${CMAKE_BINARY_DIR}/web-dist)
set(KANRI_CONSOLE_CPP ${CMAKE_BINARY_DIR}/console_files_embedded.cpp)
set(KANRI_API_DOCUMENT ${CMAKE_BINARY_DIR}/web-api/openapi.json)
set(KANRI_API_TYPES ${CMAKE_BINARY_DIR}/web-api/schema.d.ts)

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

  # Both outputs are rewritten only when their content changes, so a C++ change that leaves
  # the API as it was does not rebuild the console.
  add_custom_command(
    OUTPUT ${KANRI_API_DOCUMENT}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/web-api
    COMMAND kanri_openapi ${KANRI_API_DOCUMENT}.new
    COMMAND ${CMAKE_COMMAND} -E copy_if_different ${KANRI_API_DOCUMENT}.new ${KANRI_API_DOCUMENT}
    COMMAND ${CMAKE_COMMAND} -E rm -f ${KANRI_API_DOCUMENT}.new
    DEPENDS kanri_openapi
    COMMENT "Writing the API's OpenAPI document"
    VERBATIM)
  add_custom_command(
    OUTPUT ${KANRI_API_TYPES}
    COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${KANRI_WEB_DIR} -DNPM=${KANRI_NPM} -DDOCUMENT=${KANRI_API_DOCUMENT}
            -DOUT=${KANRI_API_TYPES} -P ${PROJECT_SOURCE_DIR}/cmake/WebApiTypesScript.cmake
    DEPENDS ${KANRI_API_DOCUMENT} ${KANRI_WEB_DIR}/package.json ${KANRI_WEB_DIR}/package-lock.json
            ${PROJECT_SOURCE_DIR}/cmake/WebApiTypesScript.cmake ${PROJECT_SOURCE_DIR}/cmake/WebNpmInstall.cmake
    COMMENT "Generating the console's API types (openapi-typescript)"
    USES_TERMINAL
    VERBATIM)
  add_custom_target(kanri_update_api_types
    COMMAND ${CMAKE_COMMAND} -E copy ${KANRI_API_TYPES} ${KANRI_WEB_DIR}/src/api/schema.d.ts
    DEPENDS ${KANRI_API_TYPES}
    COMMENT "Writing web/src/api/schema.d.ts from the route table"
    VERBATIM)

  file(GLOB_RECURSE web_sources CONFIGURE_DEPENDS ${KANRI_WEB_DIR}/src/*)
  list(FILTER web_sources EXCLUDE REGEX "\\.test\\.tsx?$")
  set(web_inputs ${web_sources} ${KANRI_WEB_DIR}/index.html ${KANRI_WEB_DIR}/package.json
                 ${KANRI_WEB_DIR}/package-lock.json ${KANRI_WEB_DIR}/vite.config.ts ${KANRI_WEB_DIR}/tsconfig.json)
  add_custom_command(
    OUTPUT ${KANRI_CONSOLE_CPP}
    COMMAND ${CMAKE_COMMAND} -DWEB_DIR=${KANRI_WEB_DIR} -DDIST=${KANRI_WEB_DIST} -DNPM=${KANRI_NPM}
            -DOUT=${KANRI_CONSOLE_CPP} -DEMBED_SCRIPT=${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
            -DAPI_TYPES=${KANRI_API_TYPES} -DBUILD_DIR=${CMAKE_BINARY_DIR}
            -P ${PROJECT_SOURCE_DIR}/cmake/WebBuildScript.cmake
    DEPENDS ${web_inputs} ${KANRI_API_TYPES} ${PROJECT_SOURCE_DIR}/cmake/WebBuildScript.cmake
            ${PROJECT_SOURCE_DIR}/cmake/WebNpmInstall.cmake ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
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
