#include <bufreg/thread_layout.hpp>

#include <bufreg/buffer_group.hpp>
#include <bufreg/buffer_registry.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/registration_order_layout.hpp>

#include <algorithm>
#include <set>
#include <vector>

namespace bufreg {
namespace {

constexpr std::size_t cache_line_bytes = 64;

/// The smallest odd multiple of `unit` that holds `bytes` (0 for none).
std::size_t odd_multiple(std::size_t bytes, std::size_t unit) {
  const std::size_t units = (bytes + unit - 1) / unit;
  return (units % 2 == 1 ? units : units + 1) * unit * (bytes > 0 ? 1 : 0);
}

}  // namespace

const char* to_string(ThreadLayout layout) {
  return layout == ThreadLayout::warp_shaped ? "warp_shaped" : "thread_contiguous";
}

std::optional<std::string> interleave_conflict(const BufferGroup& group, Region region) {
  struct Span {
    Slice slice;
    std::size_t width;
    std::size_t entry;
  };
  std::vector<Span> spans;
  const auto& placements = group.placements();
  for (std::size_t i = 0; i < placements.size(); ++i) {
    if (placements[i].region == region && placements[i].slice.size() > 0) {
      spans.push_back({placements[i].slice, element_size(group.entries()[i].precision()), i});
    }
  }
  std::sort(spans.begin(), spans.end(),
            [](const Span& a, const Span& b) { return a.slice.start < b.slice.start; });
  // Sweep by start: a span overlaps an earlier one when it starts before the furthest end seen;
  // keep, per width, the span reaching furthest so far.
  std::vector<const Span*> furthest(9, nullptr);
  for (const Span& span : spans) {
    for (std::size_t width = 1; width <= 8; width *= 2) {
      const Span* other = furthest[width];
      if (width != span.width && other && other->slice.stop > span.slice.start) {
        return detail::quoted(group.entries()[other->entry].name()) + " (" +
               std::to_string(other->width) + "-byte elements) and " +
               detail::quoted(group.entries()[span.entry].name()) + " (" +
               std::to_string(span.width) + "-byte elements) share bytes";
      }
    }
    const Span*& kept = furthest[span.width];
    if (!kept || kept->slice.stop < span.slice.stop) kept = &span;
  }
  return std::nullopt;
}

std::optional<std::string> interleave_conflict(BufferRegistry& registry, const void* parent,
                                               Region region) {
  std::vector<const void*> pending{parent};
  std::set<const void*> seen{parent};
  for (std::size_t next = 0; next < pending.size(); ++next) {
    const BufferGroup* group = registry.group(pending[next]);
    if (!group) continue;
    if (auto conflict = interleave_conflict(*group, region)) return conflict;
    for (const auto& child : registry.children(pending[next])) {
      if (seen.insert(child.second).second) pending.push_back(child.second);
    }
  }
  return std::nullopt;
}

ArenaAddressing global_memory_addressing(const BufferGroup& group, Region region,
                                         ThreadLayout layout) {
  const std::size_t bytes = group.arena_size(region);
  const std::size_t width = std::max<std::size_t>(group.element_width(region), 1);
  if (layout == ThreadLayout::warp_shaped && !interleave_conflict(group, region)) {
    return {warp_tile_threads, warp_tile_threads * detail::round_up(bytes, width)};
  }
  return {1, detail::round_up(bytes, std::max(group.arena_alignment(region), cache_line_bytes))};
}

ArenaAddressing arena_addressing(const BufferGroup& group, Region region, ThreadLayout layout) {
  if (region == Region::persistent) return global_memory_addressing(group, region, layout);
  const std::size_t bytes = group.arena_size(region);
  const std::size_t width = std::max<std::size_t>(group.element_width(region), 1);
  if (layout == ThreadLayout::warp_shaped) {
    return {1, odd_multiple(bytes, std::max<std::size_t>(width, 4))};
  }
  return {1, detail::round_up(bytes, group.arena_alignment(region))};
}

}  // namespace bufreg
