#pragma once
/// \file
/// Layout settings and where a layout put each buffer.

#include <cstddef>
#include <cstdint>

#include <bufreg/allocator.hpp>

namespace bufreg {

/// How a BufferGroup assigns offsets.
enum class Planner : std::uint8_t {
  /// Arena by arena in registration order, aliases first come first served inside their
  /// parents: predictable offsets, the documented default.
  registration_order,
  /// The same arenas and explicit aliases, then offsets from bufreg::plan_offsets so that
  /// buffers whose live intervals do not overlap may share memory: the smallest arenas found
  /// within the budget, never larger than registration order's.
  best
};

/// Settings of a BufferGroup's layout.
struct LayoutOptions {
  /// Every slice starts at a multiple of max(alignment, element size). A power of two.
  std::size_t alignment = 16;
  Planner planner = Planner::registration_order;
  /// Search budget of Planner::best per arena and layout build (PlanOptions::budget_ms): +inf
  /// means no limit; NaN and negative budgets are refused.
  double plan_budget_ms = 50;
};

/// Where the layout put one buffer.
struct Placement {
  Region region;       ///< arena holding the buffer
  bool inside_parent;  ///< an alias that landed inside the buffer it aliases
  Slice slice;         ///< its bytes inside that arena
};

}  // namespace bufreg
