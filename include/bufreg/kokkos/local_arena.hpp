#pragma once
/// \file
/// Thread-private storage for local buffers, on the thread's stack.

#include <cstddef>

namespace bufreg {

/// `Capacity` bytes a kernel declares per thread for the group's local buffers, aligned to
/// `Alignment`: on CUDA a local-memory array, on host backends a stack array. KernelPlan checks
/// before launch that the group's local arena fits.
///
/// \code
/// bufreg::LocalArena<256> local;  // inside the kernel body
/// \endcode
template <std::size_t Capacity, std::size_t Alignment = 16>
struct LocalArena {
  static constexpr std::size_t capacity = Capacity;
  static constexpr std::size_t alignment = Alignment;
  alignas(alignment) unsigned char bytes[Capacity];
};

/// No local buffers: no stack either.
template <std::size_t Alignment>
struct LocalArena<0, Alignment> {
  static constexpr std::size_t capacity = 0;
  static constexpr std::size_t alignment = Alignment;
  static constexpr unsigned char* bytes = nullptr;
};

}  // namespace bufreg
