# Throughput of the FIB update channel between two processes (see bench_channel.cpp).
add_executable(bench_channel ${CMAKE_CURRENT_LIST_DIR}/bench_channel.cpp)
target_link_libraries(bench_channel dmsc_fib_channel)
