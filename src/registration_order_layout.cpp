#include <bufreg/detail/registration_order_layout.hpp>

namespace bufreg::detail {
namespace {

std::size_t index_of(Region region) { return static_cast<std::size_t>(region); }

/// An alias may live inside its parent when the parent is shared (any alias), or when both are
/// persistent-local; a non-persistent buffer never lands in persistent storage.
bool may_share_storage(const LayoutItem& alias, const LayoutItem& parent) {
  return parent.home == Region::shared ||
         (parent.home == Region::persistent && alias.home == Region::persistent);
}

}  // namespace

Layout registration_order_layout(const std::vector<LayoutItem>& items, std::size_t alignment) {
  Layout layout{std::vector<Placement>(items.size()), {0, 0, 0}};
  auto append = [&](std::size_t i, Region region) {
    std::size_t& end = layout.arena_sizes[index_of(region)];
    const std::size_t start = round_up(end, slice_alignment(items[i].precision, alignment));
    end = start + items[i].bytes_in(region);
    layout.placements[i] = Placement{region, false, Slice{start, end}};
  };
  // The arenas are independent, so one pass in registration order places every non-aliased
  // buffer as arena-by-arena passes would; aliases follow, once every arena's end is known.
  std::vector<std::size_t> aliases;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (items[i].parent != LayoutItem::no_parent) {
      aliases.push_back(i);
    } else {
      append(i, items[i].home);
    }
  }
  // Where the next alias of each parent may start, as an absolute offset in the parent's arena:
  // first come, first served. Zero stands for the parent's own start (which may be zero too).
  std::vector<std::size_t> cursor(items.size(), 0);
  for (const std::size_t i : aliases) {
    const std::size_t p = items[i].parent;
    const Placement& parent = layout.placements[p];
    if (may_share_storage(items[i], items[p])) {
      const std::size_t from = std::max(cursor[p], parent.slice.start);
      const std::size_t start = round_up(from, slice_alignment(items[i].precision, alignment));
      const std::size_t bytes = items[i].bytes_in(parent.region);
      if (start <= parent.slice.stop && bytes <= parent.slice.stop - start) {
        cursor[p] = start + bytes;
        layout.placements[i] = Placement{parent.region, true, Slice{start, start + bytes}};
        continue;
      }
    }
    append(i, items[i].home);
  }
  return layout;
}

}  // namespace bufreg::detail
