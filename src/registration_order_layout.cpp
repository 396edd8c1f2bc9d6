#include <bufreg/detail/registration_order_layout.hpp>

#include <memory>

namespace bufreg::detail {
namespace {

std::size_t index_of(Region region) { return static_cast<std::size_t>(region); }

/// An alias may live inside its parent when both select the same arena (shared, persistent-local
/// or local), or when the parent is shared and the alias local. Persistence is never lost nor
/// gained: a persistent buffer lands only in persistent storage (never in a shared parent, which
/// does not survive the launch), a non-persistent one never in persistent storage.
bool may_share_storage(const LayoutItem& alias, const LayoutItem& parent) {
  return alias.home == parent.home ||
         (parent.home == Region::shared && alias.home == Region::local);
}

}  // namespace

Layout registration_order_layout(const std::vector<LayoutItem>& items, std::size_t alignment) {
  const std::size_t n = items.size();
  Layout layout{{}, {0, 0, 0}};
  layout.placements.reserve(n);
  // Where the next alias of each parent may start, as an absolute offset in the parent's arena
  // (first come, first served); only parents' entries are ever read or written.
  std::unique_ptr<std::size_t[]> cursor(new std::size_t[n]);
  const auto place = [&](std::size_t i, Region region) {
    std::size_t& end = layout.arena_sizes[index_of(region)];
    const std::size_t start = round_up(end, slice_alignment(items[i].precision, alignment));
    end = start + items[i].bytes_in(region);
    return Placement{region, false, Slice{start, end}};
  };
  // The arenas are independent, so one pass in registration order places every non-aliased
  // buffer as arena-by-arena passes would; aliases follow, once every arena's end is known.
  std::vector<std::size_t> aliases;
  for (std::size_t i = 0; i < n; ++i) {
    if (items[i].parent != LayoutItem::no_parent) {
      aliases.push_back(i);
      layout.placements.push_back(Placement{});  // decided below
    } else {
      layout.placements.push_back(place(i, items[i].home));
      if (items[i].aliased_by > 0) cursor[i] = layout.placements.back().slice.start;
    }
  }
  for (const std::size_t i : aliases) {
    const std::size_t p = items[i].parent;
    const Placement& parent = layout.placements[p];
    if (may_share_storage(items[i], items[p])) {
      const std::size_t start = round_up(cursor[p], slice_alignment(items[i].precision, alignment));
      const std::size_t bytes = items[i].bytes_in(parent.region);
      if (start <= parent.slice.stop && bytes <= parent.slice.stop - start) {
        cursor[p] = start + bytes;
        layout.placements[i] = Placement{parent.region, true, Slice{start, start + bytes}};
        continue;
      }
    }
    layout.placements[i] = place(i, items[i].home);
  }
  return layout;
}

}  // namespace bufreg::detail
