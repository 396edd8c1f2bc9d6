#pragma once
/// \file
/// Where a kernel keeps its threads' local buffers.

#include <cstdint>

namespace bufreg {

/// Where KernelPlan puts a group's local (thread-private, non-persistent) buffers.
enum class LocalStorage : std::uint8_t {
  /// A `LocalArena<Capacity>` each thread declares: a compile-time capacity on the thread's stack
  /// (CUDA local memory). Wins for small arenas, which the compiler may keep in registers.
  stack,
  /// Level-1 scratch sized when the plan is configured, no compile-time capacity: per-team
  /// global memory on GPUs, laid out as persistent storage is (warp_shaped: tiles of 32
  /// interleaved threads, coalesced). Wins for large or run-time-sized arenas, whose stack would
  /// otherwise cover the worst case and cost every thread that much local memory.
  level1_scratch
};

/// "stack" or "level1_scratch".
constexpr const char* to_string(LocalStorage storage) {
  return storage == LocalStorage::stack ? "stack" : "level1_scratch";
}

}  // namespace bufreg
