# kanri_embed(TARGET_SOURCE out.cpp NAMESPACE ns FUNCTION Fn FILES a.sql b.sql ...)
# Generates a .cpp defining `std::vector<EmbeddedFile> ns::Fn()` (see base/embedded_file.h)
# with the files' bytes, so a deployment is one binary. Regenerated when an input changes.
function(kanri_embed)
  cmake_parse_arguments(ARG "" "OUTPUT;NAMESPACE;FUNCTION" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${ARG_OUTPUT}
    COMMAND ${CMAKE_COMMAND} -DOUT=${ARG_OUTPUT} -DNS=${ARG_NAMESPACE} -DFN=${ARG_FUNCTION}
            "-DINPUTS=${ARG_FILES}" -P ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    DEPENDS ${ARG_FILES} ${PROJECT_SOURCE_DIR}/cmake/EmbedScript.cmake
    COMMENT "Embedding ${ARG_FUNCTION}"
    VERBATIM)
endfunction()
