# The shared-memory FIB update channel (control daemon -> forwarder): design in CHANNEL.md.
add_library(dmsc_fib_channel
  ${CMAKE_CURRENT_LIST_DIR}/update_channel.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_segment.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_codec.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_writer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_producer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_consumer.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_map_sink.cpp
  ${CMAKE_CURRENT_LIST_DIR}/channel_table_sink.cpp
  ${CMAKE_CURRENT_LIST_DIR}/route_sources.cpp)
target_include_directories(dmsc_fib_channel PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(dmsc_fib_channel PUBLIC dmsc_fib rt)
