# Included by the web scripts (script mode, WEB_DIR and NPM set): installs web/'s npm packages
# when package-lock.json is newer than node_modules.
set(marker ${WEB_DIR}/node_modules/.package-lock.json)
if(NOT EXISTS ${marker} OR ${WEB_DIR}/package-lock.json IS_NEWER_THAN ${marker})
  message(STATUS "web: npm ci")
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error WORKING_DIRECTORY ${WEB_DIR}
                  RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "web: npm ci failed in ${WEB_DIR} (is the npm registry reachable?)")
  endif()
endif()
