# Tests of the wire codec (dataplane/wire.cmake): unit tests, a replay of the fuzz corpus in
# every build, and with -DDMSC_FUZZ=ON (clang) the libFuzzer target and a bounded fuzz run.
set(DMSC_WIRE_CORPUS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/corpus/wire)

add_executable(wire_test wire_test.cpp wire_frame_test.cpp wire_corpus_test.cpp wire_seeds.cpp)
target_link_libraries(wire_test dmsc_wire GTest::gtest_main)
target_compile_definitions(wire_test PRIVATE DMSC_WIRE_CORPUS_DIR="${DMSC_WIRE_CORPUS_DIR}")
gtest_discover_tests(wire_test PROPERTIES LABELS unit)

# The fuzz target's checks, driven by a plain main() over the committed corpus.
add_executable(wire_fuzz_replay wire_fuzz.cpp wire_fuzz_replay.cpp)
target_link_libraries(wire_fuzz_replay dmsc_wire)
add_test(NAME wire_fuzz_replay COMMAND wire_fuzz_replay ${DMSC_WIRE_CORPUS_DIR})
set_tests_properties(wire_fuzz_replay PROPERTIES LABELS unit)

if(DMSC_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "DMSC_FUZZ needs clang (libFuzzer): configure with CC=clang CXX=clang++")
  endif()
  set(DMSC_FUZZ_SECONDS 20 CACHE STRING "How long the ctest 'fuzz' runs of each fuzz target last")

  # Built from the library sources rather than linked against dmsc_wire/dmsc_name, so that only
  # this executable carries the coverage instrumentation: the libraries' own flags (and every
  # other target of the build) stay as they are.
  set(wire_fuzz_sources wire_fuzz.cpp)
  foreach(library dmsc_wire dmsc_name)
    get_target_property(library_sources ${library} SOURCES)
    get_target_property(library_dir ${library} SOURCE_DIR)
    list(TRANSFORM library_sources PREPEND "${library_dir}/")
    list(APPEND wire_fuzz_sources ${library_sources})
  endforeach()
  add_executable(wire_fuzz ${wire_fuzz_sources})
  target_include_directories(wire_fuzz PRIVATE ${PROJECT_SOURCE_DIR})
  target_compile_options(wire_fuzz PRIVATE -fsanitize=fuzzer,address,undefined
                         -fno-sanitize-recover=undefined -fno-omit-frame-pointer)
  target_link_options(wire_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)

  # New inputs go to the build tree; the committed seeds are only read.
  set(wire_fuzz_work ${CMAKE_CURRENT_BINARY_DIR}/wire_fuzz.work)
  file(MAKE_DIRECTORY ${wire_fuzz_work}/corpus ${wire_fuzz_work}/artifacts)
  add_test(NAME wire_fuzz
           COMMAND wire_fuzz -max_total_time=${DMSC_FUZZ_SECONDS} -print_final_stats=1
                   -artifact_prefix=${wire_fuzz_work}/artifacts/
                   ${wire_fuzz_work}/corpus ${DMSC_WIRE_CORPUS_DIR})
  math(EXPR wire_fuzz_timeout "${DMSC_FUZZ_SECONDS} * 2 + 60")
  set_tests_properties(wire_fuzz PROPERTIES LABELS fuzz TIMEOUT ${wire_fuzz_timeout})
endif()
