// Thread layouts: the addressing device code uses, evaluated on the host for the 32 lanes of a
// warp and priced by the warp-access model. Every shared buffer of a warp-shaped plan must cost
// the ideal wavefronts (at most twice that when narrower than its arena's widest element), every
// interleaved persistent buffer the ideal sectors, and no two threads may ever touch one byte.
#include <bufreg/buffer_group.hpp>
#include <bufreg/buffer_registry.hpp>
#include <bufreg/thread_layout.hpp>
#include <bufreg/warp_access.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../perf_tests/ode/components.hpp"

namespace {

using bufreg::ArenaAddressing;
using bufreg::BufferGroup;
using bufreg::Location;
using bufreg::Precision;
using bufreg::Region;
using bufreg::ThreadLayout;

TEST(ArenaAddressing, RowsAndTilesPlaceEveryThreadsBytes) {
  const ArenaAddressing rows{1, 48};
  EXPECT_EQ(rows.offset(0, 0, 8), 0u);
  EXPECT_EQ(rows.offset(3, 16, 8), 3u * 48u + 16u);
  EXPECT_EQ(rows.element_stride(), 1u);
  EXPECT_EQ(rows.bytes_for(5), 240u);
  const ArenaAddressing tiles{32, 32 * 24};  // 24 bytes per thread
  EXPECT_EQ(tiles.offset(0, 0, 8), 0u);
  EXPECT_EQ(tiles.offset(1, 0, 8), 8u);           // thread index fastest
  EXPECT_EQ(tiles.offset(1, 8, 8), 8u * 32 + 8);  // element 1: one element of 32 threads on
  EXPECT_EQ(tiles.offset(33, 8, 4), 768u + 256 + 4);
  EXPECT_EQ(tiles.element_stride(), 32u);
  EXPECT_EQ(tiles.bytes_for(33), 2u * 768u);
}

TEST(ArenaAddressing, WarpShapedLevel0StridesAreOddMultiplesOfTheBankUnit) {
  BufferGroup doubles;
  doubles.register_buffer("x", 56, Location::shared, false, {}, Precision::float64);  // 448 B
  EXPECT_EQ(bufreg::arena_addressing(doubles, Region::shared, ThreadLayout::warp_shaped).tile_bytes,
            456u);
  EXPECT_EQ(
      bufreg::arena_addressing(doubles, Region::shared, ThreadLayout::thread_contiguous).tile_bytes,
      448u);
  BufferGroup halves;
  halves.register_buffer("h", 3, Location::shared, false, {}, Precision::float16);  // 6 B
  EXPECT_EQ(bufreg::arena_addressing(halves, Region::shared, ThreadLayout::warp_shaped).tile_bytes,
            12u);  // 4-byte banks: 3 words
  BufferGroup none;
  EXPECT_EQ(bufreg::arena_addressing(none, Region::shared, ThreadLayout::warp_shaped).tile_bytes,
            0u);
}

TEST(ArenaAddressing, InterleaveConflictNamesBothBuffers) {
  BufferGroup group;
  group.register_buffer("a", 4, Location::local, true, {}, Precision::float64);
  group.register_buffer("b", 2, Location::local, true, {}, Precision::int64);
  EXPECT_FALSE(bufreg::interleave_conflict(group, Region::persistent));
  group.register_buffer("c", 1, Location::local, true, "b", Precision::float64);  // same width
  EXPECT_FALSE(bufreg::interleave_conflict(group, Region::persistent));
  group.register_buffer("d", 1, Location::local, true, "a", Precision::uint8);
  EXPECT_EQ(bufreg::interleave_conflict(group, Region::persistent),
            "'a' (8-byte elements) and 'd' (1-byte elements) share bytes");
  EXPECT_EQ(
      bufreg::arena_addressing(group, Region::persistent, ThreadLayout::warp_shaped).tile_threads,
      1u);
}

/// One buffer as a kernel reaches it: its arena, element width, byte offset from the start of
/// the plan's (parent's) arena, and element count.
struct Reached {
  std::string name;
  Region region;
  std::size_t width;
  std::size_t offset;
  std::size_t count;
};

/// Every buffer of `parent`'s kernel that lives in shared or persistent storage, children's
/// included at their region's offset, as ThreadArenas::child() reaches them.
void reach(bufreg::BufferRegistry& registry, const void* parent, std::size_t shared_base,
           std::size_t persistent_base, std::vector<Reached>& reached) {
  const BufferGroup& group = *registry.group(parent);
  std::map<std::string, std::string> regions;  // entries that hold a child's arenas
  for (const auto& [name, child] : registry.children(parent)) {
    const auto [shared, persistent] = registry.get_child_allocators(parent, child, name);
    regions[name + "_shared"] = regions[name + "_persistent"] = name;
    if (registry.group(child)) {
      reach(registry, child, shared_base + shared.offset, persistent_base + persistent.offset,
            reached);
    }
  }
  for (std::size_t i = 0; i < group.entries().size(); ++i) {
    const auto& placement = group.placements()[i];
    const bufreg::CUDABuffer& buffer = group.entries()[i];
    if (placement.region == Region::local || regions.count(buffer.name())) continue;
    const std::size_t base = placement.region == Region::shared ? shared_base : persistent_base;
    reached.push_back({buffer.name(), placement.region, bufreg::element_size(buffer.precision()),
                       base + placement.slice.start, buffer.size()});
  }
}

/// Prices every warp access of every reached buffer of `parent`'s warp-shaped plan, and checks
/// that threads never share a byte. Returns the number of failed checks (each also reported).
int check_plan(bufreg::BufferRegistry& registry, const void* parent, const std::string& what) {
  const BufferGroup& top = *registry.group(parent);
  std::vector<Reached> reached;
  reach(registry, parent, 0, 0, reached);
  const ArenaAddressing shared =
      bufreg::arena_addressing(top, Region::shared, ThreadLayout::warp_shaped);
  // As KernelPlan(registry, parent) decides: contiguous rows where the tree cannot interleave.
  const bool conflict =
      bufreg::interleave_conflict(registry, parent, Region::persistent).has_value();
  const ArenaAddressing persistent = bufreg::arena_addressing(
      top, Region::persistent,
      conflict ? ThreadLayout::thread_contiguous : ThreadLayout::warp_shaped);
  const bool interleaved = persistent.tile_threads > 1;
  const std::size_t widest = top.element_width(Region::shared);
  const std::size_t team_base = top.arena_alignment(Region::shared) * 5;  // any aligned start
  int failures = 0;
  const auto fail = [&](const Reached& buffer, const std::string& problem) {
    if (++failures <= 5) ADD_FAILURE() << what << ": buffer '" << buffer.name << "' " << problem;
  };
  for (const Reached& buffer : reached) {
    if (buffer.count == 0) continue;
    const bool in_shared = buffer.region == Region::shared;
    const ArenaAddressing& addressing = in_shared ? shared : persistent;
    for (const std::size_t k : {std::size_t{0}, buffer.count / 2, buffer.count - 1}) {
      for (const std::size_t warp : {0u, 1u, 3u}) {
        std::vector<std::uint64_t> lanes(bufreg::warp_lanes);
        for (std::size_t lane = 0; lane < lanes.size(); ++lane) {
          const std::size_t thread = warp * bufreg::warp_lanes + lane;
          lanes[lane] = (in_shared ? team_base : 0) +
                        addressing.offset(thread, buffer.offset + k * buffer.width, buffer.width);
        }
        const bufreg::WarpAccessCost cost = bufreg::warp_access_cost(lanes, buffer.width);
        if (in_shared) {
          const std::size_t bound = buffer.width == widest || widest <= 4 ? 1 : 2;
          if (cost.wavefronts > bound * cost.ideal_wavefronts) {
            fail(buffer, "element " + std::to_string(k) + " costs " +
                             std::to_string(cost.wavefronts) + " wavefronts, ideal " +
                             std::to_string(cost.ideal_wavefronts));
          }
        } else if (interleaved && cost.sectors > cost.ideal_sectors) {
          fail(buffer, "element " + std::to_string(k) + " costs " + std::to_string(cost.sectors) +
                           " sectors, ideal " + std::to_string(cost.ideal_sectors));
        }
      }
    }
  }
  // No byte belongs to two threads: 64 threads (two tiles, two warps of a team).
  for (const Region region : {Region::shared, Region::persistent}) {
    const ArenaAddressing& addressing = region == Region::shared ? shared : persistent;
    std::map<std::uint64_t, std::size_t> owner;
    for (std::size_t thread = 0; thread < 2 * bufreg::warp_lanes; ++thread) {
      for (const Reached& buffer : reached) {
        if (buffer.region != region) continue;
        for (std::size_t k = 0; k < buffer.count; ++k) {
          const std::uint64_t first =
              addressing.offset(thread, buffer.offset + k * buffer.width, buffer.width);
          for (std::uint64_t byte = first; byte < first + buffer.width; ++byte) {
            const auto [it, inserted] = owner.emplace(byte, thread);
            if (!inserted && it->second != thread) {
              fail(buffer, "element " + std::to_string(k) + " of thread " + std::to_string(thread) +
                               " touches thread " + std::to_string(it->second) + "'s byte " +
                               std::to_string(byte));
              break;
            }
          }
        }
      }
    }
  }
  return failures;
}

TEST(WarpShapedLayout, EveryOdeBufferCostsTheIdealOrTheBound) {
  for (const int n : {8, 40, 128}) {
    for (const ode::Mix mix : {ode::Mix::components, ode::Mix::all_shared, ode::Mix::all_local}) {
      for (const bool aliasing : {true, false}) {
        bufreg::BufferRegistry registry;
        const ode::IntegratorLoop loop(registry, static_cast<std::size_t>(n), mix, aliasing);
        EXPECT_EQ(check_plan(registry, &loop,
                             "n" + std::to_string(n) + "/" + ode::to_string(mix) +
                                 (aliasing ? "/alias" : "/no_alias")),
                  0);
      }
    }
  }
}

/// A random parent with up to two children: mixed precisions, aliases, persistent buffers,
/// live intervals, any alignment, either planner.
struct RandomComponents {
  bufreg::BufferRegistry registry;
  int parent = 0;
  int children[2] = {0, 0};

  explicit RandomComponents(std::mt19937_64& random)
      : registry(bufreg::LayoutOptions{
            std::size_t{1} << (random() % 8),
            random() % 2 ? bufreg::Planner::best : bufreg::Planner::registration_order, 1.0}) {
    const std::size_t child_count = random() % 3;
    for (std::size_t c = 0; c < child_count; ++c) fill(random, &children[c]);
    fill(random, &parent);
    for (std::size_t c = 0; c < child_count; ++c) {
      registry.register_child(&parent, &children[c], "child" + std::to_string(c));
    }
  }

  void fill(std::mt19937_64& random, const void* component) {
    const std::size_t count = 1 + random() % 10;
    std::vector<std::string> parents;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string name = "b" + std::to_string(i);
      const auto precision = static_cast<Precision>(random() % 6);
      const bool persistent = random() % 4 == 0;
      const Location location = persistent || random() % 2 ? Location::local : Location::shared;
      std::optional<std::string> aliases;
      if (!parents.empty() && random() % 5 == 0) aliases = parents[random() % parents.size()];
      std::optional<bufreg::LiveInterval> live;
      if (!persistent && random() % 3 == 0) {  // persistent buffers live across launches
        const std::size_t first = random() % 6;
        live = bufreg::LiveInterval{first, first + 1 + random() % 4};
      }
      try {
        registry.register_buffer(name, component, 1 + random() % 24, location, persistent, aliases,
                                 precision, live);
      } catch (const std::invalid_argument&) {
        continue;  // a combination the engine refuses: nothing registered
      }
      if (!aliases) parents.push_back(name);
    }
  }
};

TEST(WarpShapedLayout, ThousandRandomGroupsCostTheIdealOrTheBound) {
  std::mt19937_64 random(20261125);
  int failed_groups = 0;
  for (int i = 0; i < 1000; ++i) {
    RandomComponents components(random);
    if (check_plan(components.registry, &components.parent, "group " + std::to_string(i)) > 0) {
      ++failed_groups;
    }
  }
  EXPECT_EQ(failed_groups, 0);
}

}  // namespace
