# FIB update channel: unit tests run producer and consumer in one process; integration tests
# run them as two real processes (channel_peer) and kill and restart each side.
foreach(test channel_segment_test channel_codec_test channel_consumer_test channel_protocol_test)
  add_executable(${test} ${CMAKE_CURRENT_LIST_DIR}/${test}.cpp)
  target_link_libraries(${test} dmsc_fib_channel GTest::gtest_main)
  gtest_discover_tests(${test} PROPERTIES LABELS unit)
endforeach()
