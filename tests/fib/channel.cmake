# FIB update channel: unit tests run producer and consumer in one process; integration tests
# run them as two real processes (channel_peer) and kill and restart each side.
foreach(test channel_segment_test channel_codec_test channel_consumer_test channel_protocol_test
             channel_table_sink_test channel_alloc_test route_sources_test)
  add_executable(${test} ${CMAKE_CURRENT_LIST_DIR}/${test}.cpp)
  target_link_libraries(${test} dmsc_fib_channel GTest::gtest_main)
  gtest_discover_tests(${test} PROPERTIES LABELS unit)
endforeach()

# One side of the channel as its own process, driven by channel_two_process_test.
add_executable(channel_peer ${CMAKE_CURRENT_LIST_DIR}/channel_peer.cpp)
target_link_libraries(channel_peer dmsc_fib_channel)

add_executable(channel_two_process_test ${CMAKE_CURRENT_LIST_DIR}/channel_two_process_test.cpp)
target_link_libraries(channel_two_process_test dmsc_fib_channel GTest::gtest_main)
target_compile_definitions(channel_two_process_test
  PRIVATE DMSC_CHANNEL_PEER="$<TARGET_FILE:channel_peer>")
add_dependencies(channel_two_process_test channel_peer)
gtest_discover_tests(channel_two_process_test PROPERTIES LABELS integration)
