# Helpers every subsystem uses, so warnings, sanitizers and test labels are set in one place.

set(PINSYNC_WARNINGS -Wall -Wextra -Wpedantic -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports impossible overlaps inside inlined std::string copies at -O2 (GCC bug 105329).
  list(APPEND PINSYNC_WARNINGS -Wno-restrict)
endif()

# Subsystems (and test programs) whose sources do not compile together in one unity source
# (PINSYNC_UNITY_BUILD=ON): names with internal linkage must differ between the files of a target
# for that, so test helpers shared by several files go in a header of the test folder.
#   decode: mapped_decoder.cc and segment_decoder.cc each define json::Fail.
set(PINSYNC_NOT_UNITY_BUILD decode)

# pinsync_library(NAME <subsystem> SOURCES ... [DEPS ...])  ->  target pinsync_<subsystem>
function(pinsync_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(pinsync_${A_NAME} STATIC ${A_SOURCES})
  target_include_directories(pinsync_${A_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/generated)
  target_compile_options(pinsync_${A_NAME} PRIVATE ${PINSYNC_WARNINGS})
  target_link_libraries(pinsync_${A_NAME} PUBLIC ${A_DEPS})
  if(PINSYNC_PCH)
    pinsync_use_precompiled_header(pinsync_${A_NAME})
  endif()
  if(PINSYNC_UNITY_BUILD AND NOT A_NAME IN_LIST PINSYNC_NOT_UNITY_BUILD)
    set_target_properties(pinsync_${A_NAME} PROPERTIES UNITY_BUILD ON)
  endif()
endfunction()

# With -DPINSYNC_PCH=ON: pinsync_pch precompiles cmake/pinsync_pch.h once; every pinsync_library
# and the pinsync binary reuse it. It has the compile definitions every subsystem has (those of
# pinsync_common: spdlog's, fmt's); a library's own extra ones (cpp-httplib's) do not touch these
# headers, so GCC accepts the one precompiled header for all. Should it ever refuse it, the build
# goes on without (-Winvalid-pch warns, and is kept from being an error), only slower.
function(pinsync_add_precompiled_header)
  set(source ${CMAKE_BINARY_DIR}/generated/pinsync_pch.cc)
  # Written only when missing or different, so a reconfiguration recompiles nothing.
  file(CONFIGURE OUTPUT ${source}
       CONTENT "// The precompiled header's own translation unit: empty.\n")
  add_library(pinsync_pch OBJECT ${source})
  target_compile_options(pinsync_pch PRIVATE ${PINSYNC_WARNINGS})
  # pinsync_common is defined later (src/common); the name is resolved when generating.
  target_link_libraries(pinsync_pch PRIVATE pinsync_common prometheus-cpp::core)
  target_precompile_headers(pinsync_pch PRIVATE ${CMAKE_SOURCE_DIR}/cmake/pinsync_pch.h)
endfunction()

function(pinsync_use_precompiled_header target)
  target_precompile_headers(${target} REUSE_FROM pinsync_pch)
  target_compile_options(${target} PRIVATE -Wno-error=invalid-pch)
endfunction()

# pinsync_test(NAME <name> TIER unit|integration|e2e SOURCES ... [DEPS ...] [TIMEOUT s])
# One GoogleTest executable, its tests registered individually with ctest and labelled by tier.
# Not built when its tier is not in PINSYNC_TEST_TIERS (guard later uses with if(TARGET ...)).
function(pinsync_test)
  cmake_parse_arguments(A "" "NAME;TIER;TIMEOUT" "SOURCES;DEPS" ${ARGN})
  if(NOT A_TIER IN_LIST PINSYNC_TEST_TIERS)
    return()
  endif()
  if(NOT A_TIMEOUT)
    set(A_TIMEOUT 120)
  endif()
  # Work-in-progress guard for a shared tree: -DPINSYNC_SKIP_INCOMPLETE_TESTS=ON skips a test whose
  # sources are not all written yet instead of failing the whole configure. Off in CI.
  if(PINSYNC_SKIP_INCOMPLETE_TESTS)
    foreach(src ${A_SOURCES})
      if(NOT IS_ABSOLUTE ${src})
        set(src ${CMAKE_CURRENT_SOURCE_DIR}/${src})
      endif()
      if(NOT EXISTS ${src})
        message(WARNING "skipping ${A_NAME}: ${src} does not exist yet")
        return()
      endif()
    endforeach()
  endif()
  add_executable(${A_NAME} ${A_SOURCES})
  target_compile_options(${A_NAME} PRIVATE ${PINSYNC_WARNINGS})
  target_include_directories(${A_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${A_NAME} PRIVATE PINSYNC_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
                                               PINSYNC_BINARY_DIR="${CMAKE_BINARY_DIR}")
  if(PINSYNC_UNITY_BUILD AND NOT A_NAME IN_LIST PINSYNC_NOT_UNITY_BUILD)
    # All of a test program's files in one source, not batches of 8: two files defining the same
    # helper then always fail to build, not only once a new file shifts the batches.
    set_target_properties(${A_NAME} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
  endif()
  if(PINSYNC_PCH)
    pinsync_use_precompiled_header(${A_NAME})
  endif()
  gtest_discover_tests(${A_NAME} DISCOVERY_MODE PRE_TEST
                       PROPERTIES LABELS ${A_TIER} TIMEOUT ${A_TIMEOUT})
endfunction()

# pinsync_fuzzer(NAME <name> SOURCES ... [DEPS ...]): built only with -DPINSYNC_FUZZ=ON (clang).
function(pinsync_fuzzer)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  if(NOT PINSYNC_FUZZ)
    return()
  endif()
  add_executable(${A_NAME} ${A_SOURCES})
  target_compile_options(${A_NAME} PRIVATE ${PINSYNC_WARNINGS} -fsanitize=fuzzer)
  target_link_options(${A_NAME} PRIVATE -fsanitize=fuzzer)
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS})
  set_property(GLOBAL APPEND PROPERTY PINSYNC_FUZZERS ${A_NAME})
endfunction()

# pinsync_benchmark(NAME <name> SOURCES ... [DEPS ...])
function(pinsync_benchmark)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  if(NOT PINSYNC_BENCH)
    return()
  endif()
  add_executable(${A_NAME} ${A_SOURCES})
  target_compile_options(${A_NAME} PRIVATE ${PINSYNC_WARNINGS})
  target_link_libraries(${A_NAME} PRIVATE ${A_DEPS} benchmark::benchmark)
endfunction()

# pinsync_write_build_summary(TARGET <target> FILE <file>): writes "<targets> <sources>", the number
# of targets building <target> takes (itself, every library of this project it links, directly or
# not, and the precompiled header's target) and their compiled sources. scripts/demo.sh announces
# them. Call it once every subsystem exists (the end of the top-level CMakeLists.txt).
function(pinsync_write_build_summary)
  cmake_parse_arguments(A "" "TARGET;FILE" "" ${ARGN})
  set(queue ${A_TARGET})
  set(seen "")
  set(targets 0)
  set(sources 0)
  while(queue)
    list(POP_FRONT queue t)
    if(NOT TARGET ${t} OR t IN_LIST seen)
      continue()
    endif()
    list(APPEND seen ${t})
    get_target_property(imported ${t} IMPORTED)
    if(imported)
      continue()
    endif()
    get_target_property(type ${t} TYPE)
    if(type STREQUAL "INTERFACE_LIBRARY")
      get_target_property(links ${t} INTERFACE_LINK_LIBRARIES)
    else()
      math(EXPR targets "${targets} + 1")
      get_target_property(files ${t} SOURCES)
      list(FILTER files INCLUDE REGEX "\\.(c|cc|cpp|cxx)$")
      list(LENGTH files n)
      math(EXPR sources "${sources} + ${n}")
      get_target_property(links ${t} LINK_LIBRARIES)
      get_target_property(pch_from ${t} PRECOMPILE_HEADERS_REUSE_FROM)
      if(pch_from)
        list(APPEND queue ${pch_from})  # built first, though not linked
      endif()
    endif()
    if(NOT links)
      continue()
    endif()
    foreach(link ${links})
      # src/app links the subsystems as $<TARGET_NAME_IF_EXISTS:pinsync_x>.
      string(REGEX REPLACE "^\\$<TARGET_NAME_IF_EXISTS:(.+)>$" "\\1" link "${link}")
      list(APPEND queue ${link})
    endforeach()
  endwhile()
  file(WRITE ${A_FILE} "${targets} ${sources}\n")
endfunction()
