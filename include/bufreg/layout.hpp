#pragma once
/// \file
/// Layout settings and where a layout put each buffer.

#include <cstddef>
#include <cstdint>
#include <string>

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
  /// Scope::team: the group holds per-team buffers, one copy per team (KernelPlan's team
  /// group): its shared buffers live in level-0 scratch, its local ones in level-1 scratch.
  Scope scope = Scope::thread;
};

/// What Planner::best did with one arena (BufferGroup::arena_plan), so that a group that kept
/// registration order's offsets says why.
struct ArenaPlan {
  enum class Outcome : std::uint8_t {
    not_planned,  ///< Planner::registration_order, or no buffer takes room of its own there
    planned,      ///< the planner's offsets, smaller than registration order's
    fell_back     ///< registration order's offsets: no plan found within the budget was smaller
  };
  Outcome outcome = Outcome::not_planned;
  std::size_t buffers = 0;        ///< buffers planned (an alias inside its parent moves with it)
  std::size_t planned_bytes = 0;  ///< the best plan's arena, kept or not
  std::string method;             ///< how that plan was found (Plan::method)
  std::string note;               ///< what the budget or the size left out (Plan::note)
};

/// Where the layout put one buffer.
struct Placement {
  Region region;       ///< arena holding the buffer
  bool inside_parent;  ///< an alias that landed inside the buffer it aliases
  Slice slice;         ///< its bytes inside that arena
};

}  // namespace bufreg
