#pragma once
/// \file
/// Layout settings and where a layout put each buffer.

#include <cstddef>

#include <bufreg/allocator.hpp>

namespace bufreg {

/// Settings of a BufferGroup's layout.
struct LayoutOptions {
  /// Every slice starts at a multiple of max(alignment, element size). A power of two.
  std::size_t alignment = 16;
};

/// Where the layout put one buffer.
struct Placement {
  Region region;       ///< arena holding the buffer
  bool inside_parent;  ///< an alias that landed inside the buffer it aliases
  Slice slice;         ///< its bytes inside that arena
};

}  // namespace bufreg
