#pragma once
/// \file
/// When a buffer holds data it needs.

#include <cstddef>

namespace bufreg {

/// The phases [first, last) of a kernel (stages of a step, say) during which a buffer holds data
/// it still needs. With Planner::best, buffers whose intervals do not overlap may share memory.
/// A buffer without one lives for the whole kernel.
struct LiveInterval {
  std::size_t first;
  std::size_t last;
  friend constexpr bool operator==(const LiveInterval& a, const LiveInterval& b) {
    return a.first == b.first && a.last == b.last;
  }
  friend constexpr bool operator!=(const LiveInterval& a, const LiveInterval& b) {
    return !(a == b);
  }
};

}  // namespace bufreg
