# Script mode (see Web.cmake): installs web/'s npm packages when package-lock.json is newer
# than node_modules, builds the console into DIST, and embeds DIST's files into OUT.
set(marker ${WEB_DIR}/node_modules/.package-lock.json)
if(NOT EXISTS ${marker} OR ${WEB_DIR}/package-lock.json IS_NEWER_THAN ${marker})
  message(STATUS "web: npm ci")
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error WORKING_DIRECTORY ${WEB_DIR}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "web: npm ci failed in ${WEB_DIR} (is the npm registry reachable?)")
  endif()
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
