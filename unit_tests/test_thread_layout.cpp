// Thread layouts: the addressing device code uses, evaluated on the host for the 32 lanes of a
// warp and priced by the warp-access model. Every shared buffer of a warp-shaped plan must cost
// the ideal wavefronts (at most twice that when narrower than its arena's widest element), every
// interleaved persistent buffer the ideal sectors, and no two threads may ever touch one byte.
#include <bufreg/buffer_group.hpp>
#include <bufreg/buffer_registry.hpp>
#include <bufreg/thread_layout.hpp>
#include <bufreg/warp_access.hpp>
#include <bufreg/warp_report.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "../perf_tests/ode/components.hpp"
#include "expect_error.hpp"

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

/// Prices every warp access of every buffer of `parent`'s warp-shaped plan, and checks that
/// threads never share a byte. Returns the number of failed checks (the first few reported).
int check_plan(bufreg::BufferRegistry& registry, const void* parent, const std::string& what) {
  const BufferGroup& top = *registry.group(parent);
  const std::size_t widest = top.element_width(Region::shared);
  const std::size_t team_base = top.arena_alignment(Region::shared) * 5;  // any aligned start
  const bufreg::KernelAddressing addressing =
      bufreg::kernel_addressing(registry, parent, ThreadLayout::warp_shaped);
  const bool interleaved = addressing.persistent.tile_threads > 1;
  int failures = 0;
  const auto fail = [&](const std::string& buffer, const std::string& problem) {
    if (++failures <= 5) ADD_FAILURE() << what << ": buffer '" << buffer << "' " << problem;
  };
  for (const bufreg::BufferWarpCost& cost :
       bufreg::warp_costs(registry, parent, ThreadLayout::warp_shaped, team_base)) {
    const bufreg::KernelBuffer& buffer = cost.buffer;
    if (buffer.region == Region::shared) {
      const std::size_t bound = buffer.element_width == widest || widest <= 4 ? 1 : 2;
      if (cost.shared.wavefronts > bound * cost.shared.ideal_wavefronts) {
        fail(buffer.name, "costs " + std::to_string(cost.shared.wavefronts) +
                              " wavefronts, ideal " + std::to_string(cost.shared.ideal_wavefronts));
      }
    } else if (interleaved && cost.persistent.sectors > cost.persistent.ideal_sectors) {
      fail(buffer.name, "costs " + std::to_string(cost.persistent.sectors) + " sectors, ideal " +
                            std::to_string(cost.persistent.ideal_sectors));
    }
  }
  // No byte belongs to two threads: 64 threads (two tiles, two warps of a team).
  const std::vector<bufreg::KernelBuffer> buffers = bufreg::kernel_buffers(registry, parent);
  for (const Region region : {Region::shared, Region::persistent}) {
    const ArenaAddressing& arena =
        region == Region::shared ? addressing.shared : addressing.persistent;
    std::map<std::uint64_t, std::size_t> owner;
    for (std::size_t thread = 0; thread < 2 * bufreg::warp_lanes; ++thread) {
      for (const bufreg::KernelBuffer& buffer : buffers) {
        if (buffer.region != region) continue;
        for (std::size_t k = 0; k < buffer.count; ++k) {
          const std::uint64_t first =
              arena.offset(thread, buffer.offset + k * buffer.element_width, buffer.element_width);
          for (std::uint64_t byte = first; byte < first + buffer.element_width; ++byte) {
            const auto [it, inserted] = owner.emplace(byte, thread);
            if (!inserted && it->second != thread) {
              fail(buffer.name, "element " + std::to_string(k) + " of thread " +
                                    std::to_string(thread) + " touches thread " +
                                    std::to_string(it->second) + "'s byte " + std::to_string(byte));
              break;
            }
          }
        }
      }
    }
  }
  return failures;
}

TEST(KernelBuffers, ChildBuffersAreReachedInsideTheirRegions) {
  bufreg::BufferRegistry registry;
  int parent = 0, child = 0;
  registry.register_buffer("x", &parent, 2, Location::shared, false, {}, Precision::float64);
  registry.register_buffer("k", &child, 3, Location::shared, false, {}, Precision::float64);
  registry.register_buffer("e", &child, 1, Location::local, true, {}, Precision::float32);
  registry.register_buffer("t", &child, 4, Location::local);  // stays in the child's LocalArena
  registry.register_child(&parent, &child, "step");
  const auto [shared, persistent] = registry.get_child_allocators(&parent, &child, "step");
  const std::vector<bufreg::KernelBuffer> buffers = bufreg::kernel_buffers(registry, &parent);
  ASSERT_EQ(buffers.size(), 3u);
  EXPECT_EQ(buffers[0].name, "step/k");
  EXPECT_EQ(buffers[0].region, Region::shared);
  EXPECT_EQ(buffers[0].offset, shared.offset);
  EXPECT_EQ(buffers[0].count, 3u);
  EXPECT_EQ(buffers[1].name, "step/e");
  EXPECT_EQ(buffers[1].region, Region::persistent);
  EXPECT_EQ(buffers[1].element_width, 4u);
  EXPECT_EQ(buffers[1].offset, persistent.offset);
  EXPECT_EQ(buffers[2].name, "x");
  EXPECT_EQ(buffers[2].offset, 0u);
  int nobody = 0;
  for (const auto& call : std::vector<std::function<void()>>{
           [&] { bufreg::kernel_buffers(registry, &nobody); },
           [&] { bufreg::kernel_addressing(registry, &nobody, ThreadLayout::warp_shaped); },
           [&] { bufreg::warp_costs(registry, &nobody, ThreadLayout::warp_shaped); }}) {
    EXPECT_TRUE(bufreg::test::throws_with<std::out_of_range>(
        call, {"bufreg: the component has no buffers registered"}));
  }
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

/// Prices, for the warps of two tiles, the first, middle and last element of every local buffer of
/// `group` as level-1 scratch lays them out under warp_shaped, from a team block at
/// `block_base`. Returns the failures.
int check_level1_locals(const BufferGroup& group, std::uint64_t block_base,
                        const std::string& what) {
  const ArenaAddressing arena =
      bufreg::global_memory_addressing(group, Region::local, ThreadLayout::warp_shaped);
  int failures = 0;
  const auto fail = [&](const std::string& problem) {
    if (++failures <= 5) ADD_FAILURE() << what << ": " << problem;
  };
  if ((arena.tile_threads > 1) == bufreg::interleave_conflict(group, Region::local).has_value()) {
    fail("interleaved exactly when no buffers of different widths share bytes");
  }
  if (arena.tile_threads == 1) return failures;
  const auto& placements = group.placements();
  for (std::size_t i = 0; i < placements.size(); ++i) {
    if (placements[i].region != Region::local) continue;
    const std::size_t width = bufreg::element_size(group.entries()[i].precision());
    const std::size_t count = placements[i].slice.size() / width;
    if (count == 0) continue;
    for (const std::size_t k : {std::size_t{0}, count / 2, count - 1}) {
      for (const std::size_t warp : {std::size_t{0}, std::size_t{1}}) {
        std::vector<std::uint64_t> lanes;
        for (std::size_t lane = 0; lane < bufreg::warp_lanes; ++lane) {
          lanes.push_back(block_base + arena.offset(warp * bufreg::warp_lanes + lane,
                                                    placements[i].slice.start + k * width, width));
        }
        const bufreg::WarpAccessCost cost = bufreg::warp_access_cost(lanes, width);
        if (cost.sectors > cost.ideal_sectors) {
          fail("'" + group.entries()[i].name() + "' element " + std::to_string(k) + " costs " +
               std::to_string(cost.sectors) + " sectors, ideal " +
               std::to_string(cost.ideal_sectors));
        }
      }
    }
  }
  return failures;
}

TEST(WarpShapedLayout, LocalBuffersInLevel1ScratchAreCoalesced) {
  // KernelPlan aligns a team's level-1 block to a 32-byte sector; 96 is such a start that is
  // not also 64- or 128-byte aligned.
  constexpr std::uint64_t block_base = 96;
  std::mt19937_64 random(20261126);
  int failed_groups = 0;
  for (int i = 0; i < 1000; ++i) {
    RandomComponents components(random);
    const BufferGroup& group = *components.registry.group(&components.parent);
    if (check_level1_locals(group, block_base, "group " + std::to_string(i)) > 0) ++failed_groups;
  }
  EXPECT_EQ(failed_groups, 0);
  // A 16-byte start would not do: one byte per lane then straddles two sectors.
  BufferGroup bytes;
  bytes.register_buffer("flags", 4, Location::local, false, std::nullopt, Precision::uint8);
  EXPECT_EQ(check_level1_locals(bytes, block_base, "flags"), 0);
  const ArenaAddressing arena =
      bufreg::global_memory_addressing(bytes, Region::local, ThreadLayout::warp_shaped);
  std::vector<std::uint64_t> lanes;
  for (std::size_t lane = 0; lane < bufreg::warp_lanes; ++lane) {
    lanes.push_back(16 + arena.offset(lane, 0, 1));
  }
  EXPECT_EQ(bufreg::warp_access_cost(lanes, 1).sectors, 2u);
}

TEST(TeamLayout, TeamThreadRangeLoopsOverPerTeamBuffersCostTheIdeal) {
  // A team's arena is contiguous: lane j of a TeamThreadRange loop takes element e + j. In
  // shared memory that is conflict-free; in level 1 it is coalesced but for the sector its
  // slice starts in (slices are aligned to 16 bytes and their element size, not to 32).
  std::mt19937_64 random(20261127);
  int failures = 0;
  for (int i = 0; i < 200; ++i) {
    bufreg::LayoutOptions options;
    options.scope = bufreg::Scope::team;
    BufferGroup team(options);
    for (int b = 0; b < 6; ++b) {
      team.register_buffer("b" + std::to_string(b), 1 + random() % 300,
                           random() % 2 ? Location::shared : Location::local, false, std::nullopt,
                           static_cast<Precision>(random() % 6));
    }
    const auto& placements = team.placements();
    for (std::size_t p = 0; p < placements.size(); ++p) {
      const std::size_t width = bufreg::element_size(team.entries()[p].precision());
      const std::size_t count = placements[p].slice.size() / width;
      for (std::size_t first = 0; first + bufreg::warp_lanes <= count; first += 37) {
        std::vector<std::uint64_t> lanes;
        for (std::size_t lane = 0; lane < bufreg::warp_lanes; ++lane) {
          lanes.push_back(128 + placements[p].slice.start + (first + lane) * width);
        }
        const bufreg::WarpAccessCost cost = bufreg::warp_access_cost(lanes, width);
        const bool level0 = placements[p].region == Region::shared;
        if (level0 ? cost.wavefronts > cost.ideal_wavefronts
                   : cost.sectors > cost.ideal_sectors + 1) {
          if (++failures <= 5) ADD_FAILURE() << "group " << i << " buffer " << p;
        }
      }
    }
  }
  EXPECT_EQ(failures, 0);
}

}  // namespace
