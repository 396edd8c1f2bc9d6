#pragma once
/// \file
/// The registration-order layout of a BufferGroup, as a pure function. Private to bufreg.

#include <array>
#include <cstddef>
#include <vector>

#include <bufreg/cuda_buffer.hpp>
#include <bufreg/layout.hpp>

namespace bufreg::detail {

struct Layout {
  std::vector<Placement> placements;       // one per entry, in entry order
  std::array<std::size_t, 3> arena_sizes;  // bytes, indexed by Region
};

/// `parents[i]` is the index of the buffer entry i aliases, or a value >= entries.size().
/// Parents must not be aliases themselves (BufferGroup guarantees it).
Layout registration_order_layout(const std::vector<CUDABuffer>& entries,
                                 const std::vector<std::size_t>& parents, std::size_t alignment);

/// max(alignment, element size of the buffer): where its slices may start.
std::size_t slice_alignment(const CUDABuffer& buffer, std::size_t alignment);

/// `value` rounded up to a multiple of the power of two `alignment`.
constexpr std::size_t round_up(std::size_t value, std::size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

}  // namespace bufreg::detail
