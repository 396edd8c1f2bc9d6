#include <bufreg/detail/registration_order_layout.hpp>

#include <algorithm>

namespace bufreg::detail {
namespace {

std::size_t index_of(Region region) { return static_cast<std::size_t>(region); }

/// An alias may live inside its parent when the parent is shared (any alias), or when both are
/// persistent-local; a non-persistent buffer never lands in persistent storage.
bool may_share_storage(const CUDABuffer& alias, const CUDABuffer& parent) {
  return parent.is_shared() || (parent.is_persistent_local() && alias.is_persistent_local());
}

}  // namespace

std::size_t slice_alignment(const CUDABuffer& buffer, std::size_t alignment) {
  return std::max(alignment, element_size(buffer.precision()));
}

Layout registration_order_layout(const std::vector<CUDABuffer>& entries,
                                 const std::vector<std::size_t>& parents, std::size_t alignment) {
  Layout layout{std::vector<Placement>(entries.size()), {0, 0, 0}};
  auto append = [&](std::size_t i, Region region) {
    const CUDABuffer& buffer = entries[i];
    std::size_t& end = layout.arena_sizes[index_of(region)];
    const std::size_t start = round_up(end, slice_alignment(buffer, alignment));
    end = start + buffer.bytes_in(region);
    layout.placements[i] = Placement{region, Slice{start, end}, false};
  };
  const auto is_alias = [&](std::size_t i) { return parents[i] < entries.size(); };

  for (const Region region : {Region::shared, Region::persistent, Region::local}) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (!is_alias(i) && entries[i].home_region() == region) append(i, region);
    }
  }
  // One cursor per parent, as an absolute offset in the parent's arena: first come, first served.
  std::vector<std::size_t> cursor(entries.size());
  for (std::size_t i = 0; i < entries.size(); ++i) cursor[i] = layout.placements[i].slice.start;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!is_alias(i)) continue;
    const std::size_t p = parents[i];
    const Placement& parent = layout.placements[p];
    if (may_share_storage(entries[i], entries[p])) {
      const std::size_t start = round_up(cursor[p], slice_alignment(entries[i], alignment));
      const std::size_t bytes = entries[i].bytes_in(parent.region);
      if (start <= parent.slice.stop && bytes <= parent.slice.stop - start) {
        cursor[p] = start + bytes;
        layout.placements[i] = Placement{parent.region, Slice{start, start + bytes}, true};
        continue;
      }
    }
    append(i, entries[i].home_region());
  }
  return layout;
}

}  // namespace bufreg::detail
