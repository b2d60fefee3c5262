# Every dependency comes from a Debian bookworm package (scripts/install-deps.sh).
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json url)
find_package(OpenSSL 3 REQUIRED)
find_package(Threads REQUIRED)
find_package(fmt REQUIRED)
find_package(spdlog REQUIRED)
find_package(pugixml REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
pkg_check_modules(SQLITE3 REQUIRED IMPORTED_TARGET sqlite3)
pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
pkg_check_modules(CURL REQUIRED IMPORTED_TARGET libcurl)
pkg_check_modules(LIBARCHIVE REQUIRED IMPORTED_TARGET libarchive)
pkg_check_modules(OATH REQUIRED IMPORTED_TARGET liboath)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# The kanri binary's allocator: TCMalloc (gperftools' minimal build). Its per-thread caches make
# the many small allocations of each request (HTTP fields, XML nodes, strings) cheaper than
# glibc's malloc: about 10 % of the server's CPU per CWMP session (bench/README.md). Not with
# the sanitizers, which bring their own.
if(NOT KANRI_SANITIZE AND NOT KANRI_TSAN)
  pkg_check_modules(TCMALLOC REQUIRED IMPORTED_TARGET libtcmalloc_minimal)
endif()

# Debian's SOCI ships no CMake config: find its pieces by hand.
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql REQUIRED)
add_library(kanri_soci INTERFACE)
target_include_directories(kanri_soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR})
target_link_libraries(kanri_soci INTERFACE ${SOCI_SQLITE3_LIBRARY} ${SOCI_POSTGRESQL_LIBRARY}
                      ${SOCI_CORE_LIBRARY} PkgConfig::SQLITE3 PkgConfig::LIBPQ ${CMAKE_DL_LIBS})

find_path(CLI11_INCLUDE_DIR CLI/CLI.hpp REQUIRED)
add_library(kanri_cli11 INTERFACE)
target_include_directories(kanri_cli11 SYSTEM INTERFACE ${CLI11_INCLUDE_DIR})

if(KANRI_BUILD_TESTS)
  find_package(GTest REQUIRED)
endif()
if(KANRI_BUILD_BENCH)
  find_package(benchmark REQUIRED)
endif()

# Warnings are errors on our code; sanitizers for the CI build.
add_library(kanri_options INTERFACE)
# -Wmismatched-new-delete: GCC 12 reports coroutine frames' own operator delete as a mismatch
# (a false positive, seen with -fsanitize=address on Asio awaitables).
target_compile_options(kanri_options INTERFACE -Wall -Wextra -Werror -Wno-missing-field-initializers
                                               -Wno-mismatched-new-delete)
target_compile_definitions(kanri_options INTERFACE BOOST_ASIO_NO_DEPRECATED)
if(KANRI_TEST_HOOKS)
  target_compile_definitions(kanri_options INTERFACE KANRI_TEST_HOOKS=1)
endif()
# Sanitizer builds (CI's) compile at -O1 with line tables only (-g1), as AddressSanitizer's
# documentation advises: its reports keep function, file and line, and the Beast and coroutine
# files compile in about half the time of -O2 -g (src/http/server.cpp under ASan+UBSan: 216 s
# against 384 s on this 2-core machine), which keeps CI's fresh build within its budget.
set(_sanitizer_optimisation $<$<CONFIG:RelWithDebInfo>:-O1> $<$<CONFIG:RelWithDebInfo>:-g1>)
if(KANRI_SANITIZE)
  # SOCI's type erasure trips the vptr check; the rest of UBSan stays on.
  set(_san -fsanitize=address,undefined -fno-sanitize=vptr -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  target_compile_options(kanri_options INTERFACE ${_san} ${_sanitizer_optimisation})
  target_link_options(kanri_options INTERFACE ${_san})
endif()
if(KANRI_TSAN)
  if(KANRI_SANITIZE)
    message(FATAL_ERROR "KANRI_TSAN and KANRI_SANITIZE exclude each other: configure two build directories")
  endif()
  set(_tsan -fsanitize=thread -fno-omit-frame-pointer)
  # GCC 12 warns that TSan does not model std::atomic_thread_fence, which Boost.Asio's
  # std_fenced_block uses around handlers; the scheduler's mutex orders them as well.
  target_compile_options(kanri_options INTERFACE ${_tsan} -Wno-tsan ${_sanitizer_optimisation})
  target_link_options(kanri_options INTERFACE ${_tsan})
endif()
