# Script mode (see Web.cmake): writes the console's API types for the OpenAPI document DOCUMENT
# (openapi-typescript, `npm run api-types`) into OUT, which is touched only when they change.
include(${CMAKE_CURRENT_LIST_DIR}/WebNpmInstall.cmake)

execute_process(COMMAND ${NPM} run --silent api-types -- ${DOCUMENT} --output ${OUT}.new
                WORKING_DIRECTORY ${WEB_DIR} RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "web: openapi-typescript failed on ${DOCUMENT}")
endif()
file(COPY_FILE ${OUT}.new ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.new)
