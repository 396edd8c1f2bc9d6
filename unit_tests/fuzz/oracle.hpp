#pragma once
// Checks the engine's observable state against the reference model: the entries stored (every
// field), the placements, arena sizes, layout maps, allocators and arena widths, and that queries
// of a valid layout do not rebuild it. Registration order must match the model byte for byte;
// Planner::best must keep every buffer's arena, slice size and alias placement, keep
// registration order's offsets in each arena it did not plan, and never make an arena larger.
// bufreg::verify (the engine's own independent checker) must find nothing wrong either.

#include <bufreg/core.hpp>

#include "fuzz_input.hpp"
#include "reference_model.hpp"

#include <algorithm>
#include <string>

namespace fuzz {

inline std::string text_of(const bufreg::BufferGroup& group) { return "\n" + group.describe(); }

/// Everything observable about `group` agrees with `model`; else aborts naming what differs.
inline void check_group(const char* target, const reference::Group& model,
                        const bufreg::BufferGroup& group) {
  const auto fail = [&](const std::string& what) {
    broken(target, "the engine disagrees with the reference model: " + what + text_of(group));
  };
  const std::vector<reference::Buffer>& want = model.buffers();
  const std::vector<bufreg::CUDABuffer>& have = group.entries();
  if (have.size() != want.size()) {
    fail(std::to_string(have.size()) + " entries, expected " + std::to_string(want.size()));
  }
  for (std::size_t i = 0; i < want.size(); ++i) {
    const reference::Buffer& w = want[i];
    const bufreg::CUDABuffer& h = have[i];
    const reference::Buffer stored{h.name(),    h.size(),      h.location(), h.persistent(),
                                   h.aliases(), h.precision(), h.live()};
    if (!(stored == w)) {
      fail("entry " + std::to_string(i) + " is not what was asked (the model has " + w.name + ": " +
           std::to_string(w.size) + " of " + std::string(bufreg::to_string(w.precision)) + ")");
    }
    if (!group.contains(w.name)) fail("contains() misses an entry");
  }
  if (group.contains(std::string("\x01never registered"))) fail("contains() an unknown name");

  const std::size_t builds = group.layout_builds();
  const reference::Layout expected = model.layout();
  const std::vector<bufreg::Placement>& placements = group.placements();
  const bool best = group.options().planner == bufreg::Planner::best;
  if (placements.size() != want.size()) fail("placements and entries differ in number");
  for (const bufreg::Region region :
       {bufreg::Region::shared, bufreg::Region::persistent, bufreg::Region::local}) {
    const auto r = static_cast<std::size_t>(region);
    const std::string arena(bufreg::to_string(region));
    const bool planned = group.arena_plan(region).outcome == bufreg::ArenaPlan::Outcome::planned;
    if (!best && group.arena_plan(region).outcome != bufreg::ArenaPlan::Outcome::not_planned) {
      fail("registration order planned the " + arena + " arena");
    }
    if (planned ? group.arena_size(region) >= expected.arenas[r]
                : group.arena_size(region) != expected.arenas[r]) {
      fail("the " + arena + " arena is " + std::to_string(group.arena_size(region)) +
           " bytes; registration order's is " + std::to_string(expected.arenas[r]) +
           (planned ? ", which a plan must beat" : ""));
    }
    std::size_t width = 0;
    std::size_t alignment = model.alignment();
    std::map<std::string, bufreg::Slice> slices;
    for (std::size_t i = 0; i < want.size(); ++i) {
      const reference::Place& p = expected.places[i];
      if (p.region != region) continue;
      const bufreg::Placement& h = placements[i];
      const std::string which = "'" + want[i].name + "' (entry " + std::to_string(i) + ")";
      if (h.region != p.region || h.inside_parent != p.inside_parent) {
        fail(which + " is in the wrong arena, or inside its parent or not wrongly");
      }
      if (h.slice.size() != p.stop - p.start) fail(which + " has a slice of the wrong size");
      if (!planned && (h.slice.start != p.start || h.slice.stop != p.stop)) {
        fail(which + " is at [" + std::to_string(h.slice.start) + ", " +
             std::to_string(h.slice.stop) + "); registration order puts it at [" +
             std::to_string(p.start) + ", " + std::to_string(p.stop) + ")");
      }
      const std::size_t element = reference::bytes_per_element(want[i].precision);
      width = std::max(width, element);
      alignment = std::max(alignment, element);
      slices.emplace(want[i].name, h.slice);
      const bool zero = i % 2 == 1;
      const bufreg::Allocator a = group.get_allocator(want[i].name, zero);
      if (a.region != region || a.precision != want[i].precision || a.zero != zero ||
          a.offset != h.slice.start || a.bytes() != h.slice.size() || a.count != want[i].size ||
          bufreg::buffer_name(a.name_id) != want[i].name) {
        fail("the allocator of " + which + " does not describe its slice");
      }
    }
    if (group.element_width(region) != width) fail("element_width of the " + arena + " arena");
    if (group.arena_alignment(region) != alignment) {
      fail("arena_alignment of the " + arena + " arena");
    }
    const std::map<std::string, bufreg::Slice>& map =
        region == bufreg::Region::shared       ? group.shared_layout()
        : region == bufreg::Region::persistent ? group.persistent_layout()
                                               : group.local_layout();
    if (map != slices) fail("the " + arena + " layout map differs from the placements");
    if (region == bufreg::Region::local) {
      std::map<std::string, std::size_t> sizes;
      for (const auto& [name, slice] : slices) sizes.emplace(name, slice.size());
      if (group.local_sizes() != sizes) fail("local_sizes differs from the local slices");
    }
  }
  if (const auto violations = bufreg::verify(group, 1); !violations.empty()) {
    fail("verify: '" + violations[0].buffer + "': " + violations[0].problem);
  }
  if (group.layout_builds() > builds + 1) fail("queries rebuilt the layout more than once");
  const std::size_t after = group.layout_builds();
  (void)group.placements();
  (void)group.shared_layout();
  (void)group.arena_size(bufreg::Region::local);
  if (group.layout_builds() != after) fail("queries of a valid layout rebuilt it");
}

/// What a refused call threw must be what the API documents, and say what went wrong:
/// "bufreg: ", naming `name` when that is plain printable text.
inline void check_message(const char* target, const std::exception& e, const std::string& name) {
  const std::string message = e.what();
  if (message.rfind("bufreg: ", 0) != 0) broken(target, "a message without 'bufreg: ': " + message);
  bool plain = !name.empty();
  for (const char c : name) plain = plain && c >= 0x20 && c < 0x7f;
  if (plain && message.find("'" + name) == std::string::npos) {
    broken(target, "a message that does not name '" + name + "': " + message);
  }
}

}  // namespace fuzz
