#include <bufreg/detail/planned_layout.hpp>

#include <algorithm>

namespace bufreg::detail {
namespace {

/// The end of every declared interval: buffers without one live over [0, horizon).
std::size_t horizon_of(const std::vector<CUDABuffer>& entries) {
  std::size_t horizon = 1;
  for (const CUDABuffer& buffer : entries) {
    if (buffer.live()) horizon = std::max(horizon, buffer.live()->last);
  }
  return horizon;
}

}  // namespace

Families families_in(Region region, const std::vector<CUDABuffer>& entries,
                     const std::vector<LayoutItem>& items, const std::vector<Placement>& placements,
                     std::size_t alignment) {
  const std::size_t horizon = horizon_of(entries);
  const auto interval = [&](std::size_t i) {
    return entries[i].live() ? *entries[i].live() : LiveInterval{0, horizon};
  };
  Families families;
  std::vector<std::size_t> family_of(entries.size(), static_cast<std::size_t>(-1));
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (placements[i].region != region || placements[i].inside_parent) continue;
    family_of[i] = families.buffers.size();
    const LiveInterval live = interval(i);
    families.buffers.push_back({live.first, live.last, placements[i].slice.size(),
                                slice_alignment(items[i].precision, alignment)});
    families.owners.push_back(i);
  }
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (placements[i].region != region || !placements[i].inside_parent) continue;
    LiveBuffer& family = families.buffers[family_of[items[i].parent]];
    const LiveInterval live = interval(i);
    family.lower = std::min(family.lower, live.first);
    family.upper = std::max(family.upper, live.last);
    family.alignment = std::max(family.alignment, slice_alignment(items[i].precision, alignment));
  }
  for (std::size_t k = 0; k < families.buffers.size(); ++k) {
    const Slice& parent = placements[families.owners[k]].slice;
    const std::size_t base = parent.start & ~(families.buffers[k].alignment - 1);
    families.bases.push_back(base);
    families.buffers[k].size = parent.stop - base;
  }
  return families;
}

PlannedLayout planned_layout(const std::vector<CUDABuffer>& entries,
                             const std::vector<LayoutItem>& items, std::size_t alignment,
                             double budget_ms) {
  PlannedLayout planned{registration_order_layout(items, alignment), {}};
  Layout& layout = planned.layout;
  for (const Region region : {Region::shared, Region::persistent, Region::local}) {
    const Families families = families_in(region, entries, items, layout.placements, alignment);
    if (families.buffers.empty()) continue;
    const Plan plan = plan_offsets(families.buffers, PlanOptions{budget_ms});
    const auto r = static_cast<std::size_t>(region);
    ArenaPlan& arena = planned.arenas[r];
    arena.buffers = families.buffers.size();
    arena.planned_bytes = plan.peak;
    arena.method = plan.method;
    arena.note = plan.note;
    arena.outcome = ArenaPlan::Outcome::fell_back;
    if (plan.peak >= layout.arena_sizes[r]) continue;  // registration order is as good
    arena.outcome = ArenaPlan::Outcome::planned;
    // Move each family whole: its members keep their places relative to its base, which moves
    // by a multiple of the family's alignment.
    std::vector<std::size_t> family_of(entries.size(), 0);
    for (std::size_t k = 0; k < families.owners.size(); ++k) family_of[families.owners[k]] = k;
    const auto move = [&](Slice& slice, std::size_t k) {
      const std::size_t size = slice.size();
      slice.start = plan.offsets[k] + (slice.start - families.bases[k]);
      slice.stop = slice.start + size;
    };
    for (std::size_t i = 0; i < entries.size(); ++i) {
      Placement& placement = layout.placements[i];
      if (placement.region != region) continue;
      move(placement.slice, family_of[placement.inside_parent ? items[i].parent : i]);
    }
    layout.arena_sizes[r] = plan.peak;
  }
  return planned;
}

std::array<std::size_t, 3> arena_loads(const std::vector<CUDABuffer>& entries,
                                       const std::vector<LayoutItem>& items,
                                       const std::vector<Placement>& placements,
                                       std::size_t alignment) {
  std::array<std::size_t, 3> loads{0, 0, 0};
  for (const Region region : {Region::shared, Region::persistent, Region::local}) {
    loads[static_cast<std::size_t>(region)] =
        load_of(families_in(region, entries, items, placements, alignment).buffers);
  }
  return loads;
}

}  // namespace bufreg::detail
