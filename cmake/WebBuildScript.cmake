# Script mode (see Web.cmake): installs web/'s npm packages when package-lock.json is newer
# than node_modules, checks that the committed API types are those of the route table,
# builds the console into DIST, and embeds DIST's files into OUT.
include(${CMAKE_CURRENT_LIST_DIR}/WebNpmInstall.cmake)

set(committed ${WEB_DIR}/src/api/schema.d.ts)
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files --ignore-eol ${API_TYPES} ${committed}
                RESULT_VARIABLE differ)
if(NOT differ EQUAL 0)
  message(FATAL_ERROR
    "web: ${committed} is not what the API's OpenAPI document gives (${API_TYPES}).\n"
    "If the route table changed on purpose, update the console's types with\n"
    "  cmake --build ${BUILD_DIR} --target kanri_update_api_types\n"
    "and commit them with the change (the console then type-checks against them).")
endif()

execute_process(COMMAND ${NPM} run --silent build -- --outDir ${DIST} --emptyOutDir --logLevel warn
                WORKING_DIRECTORY ${WEB_DIR} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "web: the console's build failed (npm run build in ${WEB_DIR})")
endif()

file(GLOB_RECURSE INPUTS LIST_DIRECTORIES false ${DIST}/*)
list(SORT INPUTS)
set(NS kanri::api::embedded)
set(FN ConsoleFiles)
include(${EMBED_SCRIPT})
file(TOUCH_NOCREATE ${OUT})
