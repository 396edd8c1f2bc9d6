#pragma once
/// \file
/// The registration-order layout of a BufferGroup, as a pure function over compact records of
/// the entries (the layout reads 24 bytes per buffer, not the whole CUDABuffer with its
/// strings, which keeps 100,000-buffer groups fast). Private to bufreg.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include <bufreg/cuda_buffer.hpp>
#include <bufreg/layout.hpp>

namespace bufreg::detail {

/// What the layout needs to know of one entry.
struct LayoutItem {
  static constexpr std::size_t no_parent = static_cast<std::size_t>(-1);

  std::size_t size;    ///< elements
  std::size_t parent;  ///< index of the entry it aliases, or no_parent
  Precision precision;
  Region home;                   ///< the arena its own settings select
  std::uint32_t aliased_by = 0;  ///< how many entries alias this one (kept by BufferGroup)

  static LayoutItem of(const CUDABuffer& buffer, std::size_t parent) {
    return {buffer.size(), parent, buffer.precision(), buffer.home_region(), 0};
  }
  /// As CUDABuffer::bytes_in.
  std::size_t bytes_in(Region region) const {
    return (region == Region::local ? std::max<std::size_t>(size, 1) : size) *
           element_size(precision);
  }
};

struct Layout {
  std::vector<Placement> placements;       // one per entry, in entry order
  std::array<std::size_t, 3> arena_sizes;  // bytes, indexed by Region
};

/// Parents must not be aliases themselves (BufferGroup guarantees it).
Layout registration_order_layout(const std::vector<LayoutItem>& items, std::size_t alignment);

/// max(alignment, element size): where slices of `precision` may start.
constexpr std::size_t slice_alignment(Precision precision, std::size_t alignment) {
  return std::max(alignment, element_size(precision));
}

/// `value` rounded up to a multiple of the power of two `alignment`.
constexpr std::size_t round_up(std::size_t value, std::size_t alignment) {
  return (value + alignment - 1) & ~(alignment - 1);
}

}  // namespace bufreg::detail
