# The DMSC packet and frame codec (docs/wire-format.md). No DPDK: tools, tests and the fuzzer
# link it as well as the forwarder. tests/dataplane/wire.cmake reads this target's SOURCES to
# rebuild it with fuzzer instrumentation, so list every source here and nowhere else.
add_library(dmsc_wire wire.cpp wire_reasons.cpp wire_frame.cpp wire_build.cpp)
target_include_directories(dmsc_wire PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(dmsc_wire PUBLIC dmsc_name)
