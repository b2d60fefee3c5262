# OPS-4: the files the Debian package takes from the binary itself, so that they cannot drift from
# it: /etc/kanri/kanri.toml (`kanri config-template`: every option with its default, commented
# out, and the package's data dir set) and the manual page (help2man over `kanri --help`); and
# the changelog, compressed.
#
#   cmake -DKANRI=path/to/kanri -DHELP2MAN=/usr/bin/help2man -DVERSION=0.1.0 -DINCLUDE=kanri.h2m
#         -DCHANGELOG=debian/changelog -DOUT=dir -P generate.cmake
foreach(var KANRI HELP2MAN VERSION INCLUDE CHANGELOG OUT)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "generate.cmake: -D${var}=… is missing")
  endif()
endforeach()

execute_process(COMMAND "${KANRI}" config-template --data-dir /var/lib/kanri
                OUTPUT_FILE "${OUT}/kanri.toml" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "kanri config-template failed (${rc})")
endif()

execute_process(COMMAND "${HELP2MAN}" --no-info --section=1 --version-string=${VERSION}
                        "--name=multi-tenant TR-069 (CWMP) device management service"
                        "--include=${INCLUDE}" --output=${OUT}/kanri.1 "${KANRI}"
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed (${rc})")
endif()
# Debian wants manual pages and changelogs compressed with gzip -9 and without a timestamp (-n).
configure_file("${CHANGELOG}" "${OUT}/changelog" COPYONLY)
foreach(file kanri.1 changelog)
  execute_process(COMMAND gzip -9nf "${OUT}/${file}" RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gzip ${file} failed (${rc})")
  endif()
endforeach()
