# Helpers every subsystem uses, so warnings, sanitizers and test labels are set in one place.

set(PINSYNC_WARNINGS -Wall -Wextra -Wpedantic -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC 12 reports impossible overlaps inside inlined std::string copies at -O2 (GCC bug 105329).
  list(APPEND PINSYNC_WARNINGS -Wno-restrict)
endif()

# pinsync_library(NAME <subsystem> SOURCES ... [DEPS ...])  ->  target pinsync_<subsystem>
function(pinsync_library)
  cmake_parse_arguments(A "" "NAME" "SOURCES;DEPS" ${ARGN})
  add_library(pinsync_${A_NAME} STATIC ${A_SOURCES})
  target_include_directories(pinsync_${A_NAME} PUBLIC ${CMAKE_SOURCE_DIR}/include ${CMAKE_BINARY_DIR}/generated)
  target_compile_options(pinsync_${A_NAME} PRIVATE ${PINSYNC_WARNINGS})
  target_link_libraries(pinsync_${A_NAME} PUBLIC ${A_DEPS})
endfunction()

# pinsync_test(NAME <name> TIER unit|integration|e2e SOURCES ... [DEPS ...] [TIMEOUT s])
# One GoogleTest executable, its tests registered individually with ctest and labelled by tier.
function(pinsync_test)
  cmake_parse_arguments(A "" "NAME;TIER;TIMEOUT" "SOURCES;DEPS" ${ARGN})
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
