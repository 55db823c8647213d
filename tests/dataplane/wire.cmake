# Tests of the wire codec (dataplane/wire.cmake): unit tests, a replay of the fuzz corpus in
# every build, and with -DDMSC_FUZZ=ON (clang) the libFuzzer target and a bounded fuzz run.
set(DMSC_WIRE_CORPUS_DIR ${CMAKE_CURRENT_SOURCE_DIR}/corpus/wire)

add_executable(wire_test wire_test.cpp wire_frame_test.cpp wire_corpus_test.cpp wire_seeds.cpp
                         wire_names_avx512_test.cpp)
target_link_libraries(wire_test dmsc_wire GTest::gtest_main)
target_compile_definitions(wire_test PRIVATE DMSC_WIRE_CORPUS_DIR="${DMSC_WIRE_CORPUS_DIR}")
gtest_discover_tests(wire_test PROPERTIES LABELS unit)

# The fuzz target's checks, driven by a plain main() over the committed corpus.
add_executable(wire_fuzz_replay wire_fuzz.cpp wire_fuzz_replay.cpp)
target_link_libraries(wire_fuzz_replay dmsc_wire)
add_test(NAME wire_fuzz_replay COMMAND wire_fuzz_replay ${DMSC_WIRE_CORPUS_DIR})
set_tests_properties(wire_fuzz_replay PROPERTIES LABELS unit)

if(DMSC_FUZZ)
  # Built from the library sources rather than linked against dmsc_wire/dmsc_name, so that only
  # this executable carries the coverage instrumentation.
  set(wire_fuzz_sources wire_fuzz.cpp)
  foreach(library dmsc_wire dmsc_name)
    get_target_property(library_sources ${library} SOURCES)
    get_target_property(library_dir ${library} SOURCE_DIR)
    list(TRANSFORM library_sources PREPEND "${library_dir}/")
    list(APPEND wire_fuzz_sources ${library_sources})
  endforeach()
  dmsc_add_fuzz_target(wire_fuzz SOURCES ${wire_fuzz_sources} SEEDS ${DMSC_WIRE_CORPUS_DIR})
endif()
