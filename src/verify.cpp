// bufreg::verify: checks a layout against the rules, from the registrations alone. It shares no
// code with the layout builder on purpose; it is slower and simpler.
#include <bufreg/verify.hpp>

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace bufreg {
namespace {

class Report {
 public:
  explicit Report(std::size_t limit) : m_limit(limit) {}
  void add(const std::string& buffer, std::string problem) {
    if (m_violations.size() < m_limit) m_violations.push_back({buffer, std::move(problem)});
  }
  bool full() const { return m_violations.size() >= m_limit; }
  std::vector<Violation> take() { return std::move(m_violations); }

 private:
  std::size_t m_limit;
  std::vector<Violation> m_violations;
};

std::string range(const Slice& slice) {
  return "[" + std::to_string(slice.start) + ", " + std::to_string(slice.stop) + ")";
}

/// The bytes a buffer must occupy in `region`, from its registration.
std::size_t expected_bytes(const CUDABuffer& buffer, Region region) {
  const std::size_t elements = region == Region::local && buffer.size() == 0 ? 1 : buffer.size();
  return elements * element_size(buffer.precision());
}

/// The arena a buffer's own settings select.
Region own_region(const CUDABuffer& buffer) {
  if (buffer.location() == Location::shared) return Region::shared;
  return buffer.persistent() ? Region::persistent : Region::local;
}

bool overlap(const Slice& a, const Slice& b) {
  return a.size() > 0 && b.size() > 0 && a.start < b.stop && b.start < a.stop;
}

/// Whether two buffers hold data at the same time (no live interval: the whole kernel).
bool live_together(const CUDABuffer& a, const CUDABuffer& b) {
  if (!a.live() || !b.live()) return true;
  return a.live()->first < b.live()->last && b.live()->first < a.live()->last;
}

void check_each(const std::vector<CUDABuffer>& entries, const std::vector<Placement>& placements,
                std::size_t alignment, const std::unordered_map<std::string, std::size_t>& index,
                Report& report) {
  for (std::size_t i = 0; i < entries.size() && !report.full(); ++i) {
    const CUDABuffer& buffer = entries[i];
    const Placement& placement = placements[i];
    const std::string& name = buffer.name();
    if (placement.slice.stop < placement.slice.start ||
        placement.slice.size() != expected_bytes(buffer, placement.region)) {
      report.add(name, "slice " + range(placement.slice) + " does not cover its " +
                           std::to_string(expected_bytes(buffer, placement.region)) + " bytes");
    }
    const std::size_t needed = std::max(alignment, element_size(buffer.precision()));
    if (placement.slice.start % needed != 0) {
      report.add(name, "slice " + range(placement.slice) + " is not " + std::to_string(needed) +
                           "-byte aligned");
    }
    if (placement.region == Region::persistent && !buffer.persistent()) {
      report.add(name, "is not persistent but lies in persistent storage");
    }
    if (placement.region != Region::persistent && buffer.persistent()) {
      report.add(name, "is persistent but lies in the " + std::string(to_string(placement.region)) +
                           " arena, which does not survive the launch");
    }
    if (!placement.inside_parent) {
      if (placement.region != own_region(buffer)) {
        report.add(name, "lies in the " + std::string(to_string(placement.region)) +
                             " arena, not the one its settings select");
      }
      continue;
    }
    if (!buffer.aliases()) {
      report.add(name, "is marked inside a parent but aliases nothing");
      continue;
    }
    const auto parent_at = index.find(*buffer.aliases());
    if (parent_at == index.end()) {
      report.add(name, "aliases an unregistered buffer");
      continue;
    }
    const CUDABuffer& parent = entries[parent_at->second];
    const Placement& home = placements[parent_at->second];
    const bool allowed =
        own_region(parent) == own_region(buffer) ||
        (own_region(parent) == Region::shared && own_region(buffer) == Region::local);
    if (!allowed) report.add(name, "lies inside " + parent.name() + ", which may not host it");
    if (home.region != placement.region || placement.slice.start < home.slice.start ||
        placement.slice.stop > home.slice.stop) {
      report.add(name, "slice " + range(placement.slice) + " is not inside its parent's " +
                           range(home.slice));
    }
  }
}

/// Buffers overlapping in memory must be an alias inside its own parent, or never live together.
void check_overlaps(const std::vector<CUDABuffer>& entries,
                    const std::vector<Placement>& placements, Report& report) {
  for (const Region region : {Region::shared, Region::persistent, Region::local}) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < entries.size(); ++i) {
      if (placements[i].region == region && placements[i].slice.size() > 0) order.push_back(i);
    }
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return placements[a].slice.start < placements[b].slice.start;
    });
    std::vector<std::size_t> active;  // slices that may still overlap the next ones
    for (const std::size_t i : order) {
      const Slice& slice = placements[i].slice;
      active.erase(
          std::remove_if(active.begin(), active.end(),
                         [&](std::size_t j) { return placements[j].slice.stop <= slice.start; }),
          active.end());
      for (const std::size_t j : active) {
        if (!overlap(placements[j].slice, slice)) continue;
        const auto parent_of = [&](std::size_t alias, std::size_t parent) {
          return placements[alias].inside_parent && entries[alias].aliases() &&
                 *entries[alias].aliases() == entries[parent].name();
        };
        if (!parent_of(i, j) && !parent_of(j, i) && live_together(entries[i], entries[j])) {
          report.add(entries[i].name(),
                     "overlaps " + entries[j].name() + " in the " + std::string(to_string(region)) +
                         " arena: " + range(slice) + " and " + range(placements[j].slice));
          if (report.full()) return;
        }
      }
      active.push_back(i);
    }
  }
}

void check_arena_sizes(const std::vector<Placement>& placements,
                       const std::array<std::size_t, 3>& arena_sizes, Report& report) {
  std::array<std::size_t, 3> ends{0, 0, 0};
  for (const Placement& placement : placements) {
    std::size_t& end = ends[static_cast<std::size_t>(placement.region)];
    end = std::max(end, placement.slice.stop);
  }
  for (const Region region : {Region::shared, Region::persistent, Region::local}) {
    const auto r = static_cast<std::size_t>(region);
    if (arena_sizes[r] != ends[r]) {
      report.add("", "the " + std::string(to_string(region)) + " arena size is " +
                         std::to_string(arena_sizes[r]) + " bytes, but its last slice ends at " +
                         std::to_string(ends[r]));
    }
  }
}

/// The group's other views of its layout: maps, local sizes, allocators.
void check_views(const BufferGroup& group, Report& report) {
  const auto& entries = group.entries();
  const auto& placements = group.placements();
  const std::map<Region, const std::map<std::string, Slice>*> maps = {
      {Region::shared, &group.shared_layout()},
      {Region::persistent, &group.persistent_layout()},
      {Region::local, &group.local_layout()}};
  std::size_t mapped = 0;
  for (const auto& entry : maps) mapped += entry.second->size();
  if (mapped != entries.size()) {
    report.add("", std::to_string(entries.size()) + " buffers but " + std::to_string(mapped) +
                       " slices in the layout maps");
  }
  for (std::size_t i = 0; i < entries.size() && !report.full(); ++i) {
    const Placement& placement = placements[i];
    const std::string& name = entries[i].name();
    const auto& map = *maps.at(placement.region);
    const auto found = map.find(name);
    if (found == map.end() || found->second != placement.slice) {
      report.add(name, "the " + std::string(to_string(placement.region)) +
                           " layout map does not hold its slice");
    }
    const bool sized = group.local_sizes().count(name) == 1;
    if (sized != (placement.region == Region::local)) {
      report.add(name, sized ? "has a local_sizes() entry outside the local arena"
                             : "has no local_sizes() entry");
    }
    const Allocator allocator = group.get_allocator(name);
    if (allocator.region != placement.region || allocator.offset != placement.slice.start ||
        allocator.bytes() != placement.slice.size() || allocator.count != entries[i].size() ||
        allocator.precision != entries[i].precision() ||
        allocator.generation != group.generation()) {
      report.add(name, "its allocator disagrees with its placement");
    }
  }
}

}  // namespace

std::vector<Violation> verify(const std::vector<CUDABuffer>& entries,
                              const std::vector<Placement>& placements,
                              const std::array<std::size_t, 3>& arena_sizes,
                              const LayoutOptions& options, std::size_t limit) {
  Report report(limit);
  if (placements.size() != entries.size()) {
    report.add("", std::to_string(entries.size()) + " buffers but " +
                       std::to_string(placements.size()) + " placements");
    return report.take();
  }
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (!index.emplace(entries[i].name(), i).second) {
      report.add(entries[i].name(), "is registered twice");
    }
  }
  check_each(entries, placements, options.alignment, index, report);
  check_overlaps(entries, placements, report);
  check_arena_sizes(placements, arena_sizes, report);
  return report.take();
}

std::vector<Violation> verify(const BufferGroup& group, std::size_t limit) {
  const std::array<std::size_t, 3> sizes = {group.arena_size(Region::shared),
                                            group.arena_size(Region::persistent),
                                            group.arena_size(Region::local)};
  std::vector<Violation> violations =
      verify(group.entries(), group.placements(), sizes, group.options(), limit);
  Report report(limit > violations.size() ? limit - violations.size() : 0);
  check_views(group, report);
  for (Violation& violation : report.take()) violations.push_back(std::move(violation));
  return violations;
}

}  // namespace bufreg
