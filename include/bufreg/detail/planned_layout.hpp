#pragma once
/// \file
/// Planner::best: the registration-order arenas and explicit aliases, offsets from
/// bufreg::plan_offsets over live intervals. Private to bufreg.

#include <array>
#include <cstddef>
#include <vector>

#include <bufreg/cuda_buffer.hpp>
#include <bufreg/detail/registration_order_layout.hpp>
#include <bufreg/planner.hpp>

namespace bufreg::detail {

/// The buffers `placements` put in `region` that take room of their own (an alias inside its
/// parent does not), with their inside aliases: one LiveBuffer each, live over the union of
/// their intervals and aligned for all of them. The LiveBuffer starts at `bases[k]`, the
/// parent's start rounded down to that alignment, so that moving it by a multiple of the
/// alignment keeps every alias aligned. `owners[k]` is the parent's entry.
struct Families {
  std::vector<LiveBuffer> buffers;
  std::vector<std::size_t> owners;
  std::vector<std::size_t> bases;
};
Families families_in(Region region, const std::vector<CUDABuffer>& entries,
                     const std::vector<LayoutItem>& items, const std::vector<Placement>& placements,
                     std::size_t alignment);

/// Planner::best's layout, each arena never larger than registration order's, and what the
/// planner did with each arena (indexed by Region).
struct PlannedLayout {
  Layout layout;
  std::array<ArenaPlan, 3> arenas;
};
PlannedLayout planned_layout(const std::vector<CUDABuffer>& entries,
                             const std::vector<LayoutItem>& items, std::size_t alignment,
                             double budget_ms);

/// LOAD of each arena (indexed by Region) for `placements`: the most bytes that must be live at
/// once, a lower bound on any plan's arena with the same aliases inside their parents.
std::array<std::size_t, 3> arena_loads(const std::vector<CUDABuffer>& entries,
                                       const std::vector<LayoutItem>& items,
                                       const std::vector<Placement>& placements,
                                       std::size_t alignment);

}  // namespace bufreg::detail
