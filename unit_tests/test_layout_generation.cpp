// Layout generations: a layout that moves gets a new one, and only then; a child that changes
// re-lays out its parents in the same call, so no getter changes a layout.
#include <bufreg/core.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>

#include "expect_error.hpp"

namespace {

using bufreg::BufferGroup;
using bufreg::BufferRegistry;
using bufreg::BufferUpdate;
using bufreg::LiveInterval;
using bufreg::Location;
using bufreg::Precision;
using bufreg::test::throws_with;

TEST(LayoutGeneration, ChangesWhenTheLayoutMovesAndOnlyThen) {
  BufferGroup group;
  group.register_buffer("a", 4, Location::shared);
  group.register_buffer("b", 4, Location::shared);
  const std::uint32_t first = group.generation();
  EXPECT_NE(first, 0u);
  EXPECT_EQ(group.get_allocator("b").generation, first);

  // Rebuilding the same layout keeps the generation.
  group.register_buffer("a", 4, Location::shared);  // the same entry again
  group.invalidate_layouts();
  BufferUpdate live;
  live.live = LiveInterval{1, 3};  // registration order does not read live intervals
  EXPECT_EQ(group.update_buffer("a", live), std::make_pair(true, true));
  const std::size_t builds = group.layout_builds();
  EXPECT_EQ(group.generation(), first);
  EXPECT_GT(group.layout_builds(), builds);  // it was rebuilt, and came out the same

  // A buffer that grows moves the one after it.
  BufferUpdate grow;
  grow.size = 104;
  group.update_buffer("a", grow);
  const bufreg::Allocator b = group.get_allocator("b");
  EXPECT_EQ(b.offset, 416u);
  EXPECT_NE(b.generation, first);
  const std::uint32_t second = group.generation();
  EXPECT_EQ(b.generation, second);

  // Allocators carry the precision and count: a change of either is a new layout even where
  // every slice stays.
  BufferUpdate retype;
  retype.precision = Precision::int32;
  group.update_buffer("b", retype);
  EXPECT_NE(group.generation(), second);
}

TEST(LayoutGeneration, IsUniqueAcrossGroups) {
  BufferGroup one, other;
  one.register_buffer("a", 4, Location::shared);
  other.register_buffer("a", 4, Location::shared);
  EXPECT_NE(one.generation(), other.generation());  // same layout, but not the same group's
  const BufferGroup copy = one;
  EXPECT_EQ(copy.generation(), one.generation());
}

// The case: a child that grew was only noticed by get_child_allocators(), which then
// re-laid out the parent; 'state' moved from offset 16 to 416 under allocators already taken.
TEST(LayoutGeneration, AChildThatGrowsReLaysOutItsParentsAtOnce) {
  BufferRegistry registry;
  int outer = 0, loop = 0, step = 0;
  registry.register_buffer("k", &step, 4, Location::shared);  // 16 bytes
  registry.get_child_allocators(&loop, &step, "step");
  registry.register_buffer("state", &loop, 8, Location::shared, false, std::nullopt,
                           Precision::float64);
  registry.get_child_allocators(&outer, &loop, "loop");
  const bufreg::Allocator state = registry.get_allocator("state", &loop);
  EXPECT_EQ(state.offset, 16u);
  EXPECT_EQ(registry.shared_buffer_size(&outer), 80u);
  const std::uint32_t loop_before = registry.group(&loop)->generation();
  const std::uint32_t outer_before = registry.group(&outer)->generation();

  registry.register_buffer("k", &step, 104, Location::shared);  // 416 bytes
  // Every component it is inside knows already, with a new generation.
  EXPECT_EQ(registry.shared_buffer_size(&loop), 480u);
  EXPECT_EQ(registry.shared_buffer_size(&outer), 480u);
  EXPECT_NE(registry.group(&loop)->generation(), loop_before);
  EXPECT_NE(registry.group(&outer)->generation(), outer_before);
  const bufreg::Allocator moved = registry.get_allocator("state", &loop);
  EXPECT_EQ(moved.offset, 416u);
  EXPECT_NE(moved.generation, state.generation);

  // Getters change nothing: the child is current already.
  const std::size_t builds = registry.group(&loop)->layout_builds();
  const std::uint32_t generation = registry.group(&loop)->generation();
  EXPECT_EQ(registry.get_child_allocators(&loop, &step, "step").first.bytes(), 416u);
  EXPECT_EQ(registry.group(&loop)->layout_builds(), builds);
  EXPECT_EQ(registry.group(&loop)->generation(), generation);
}

TEST(LayoutGeneration, EveryKindOfChangeReachesTheParents) {
  BufferRegistry registry;
  int loop = 0, step = 0;
  registry.register_buffer("k", &step, 4, Location::shared);
  registry.register_buffer("e", &step, 2, Location::local, true);
  registry.get_child_allocators(&loop, &step, "step");
  const auto shared_size = [&] { return registry.shared_buffer_size(&loop); };
  const auto persistent_size = [&] { return registry.persistent_local_buffer_size(&loop); };
  EXPECT_EQ(shared_size(), 16u);
  EXPECT_EQ(persistent_size(), 8u);

  BufferUpdate grow;
  grow.size = 6;
  registry.update_buffer("e", &step, grow);
  EXPECT_EQ(persistent_size(), 24u);

  registry.update(&step, {{"k_location", "local"}});  // 'k' leaves shared memory
  EXPECT_EQ(shared_size(), 0u);

  int inner = 0;  // a grandchild makes the child's arena grow, and so the parent's
  registry.register_buffer("x", &inner, 5, Location::shared);
  registry.register_child(&step, &inner, "inner");
  EXPECT_EQ(shared_size(), 20u);
  EXPECT_EQ(
      registry.generations(&loop),
      (std::map<std::string, std::uint32_t>{{"", registry.group(&loop)->generation()},
                                            {"step", registry.group(&step)->generation()},
                                            {"step/inner", registry.group(&inner)->generation()}}));
}

TEST(LayoutGeneration, ANoOpRefreshKeepsEveryGeneration) {
  BufferRegistry registry;
  int loop = 0, step = 0;
  registry.register_buffer("k", &step, 4, Location::shared);
  registry.register_buffer("state", &loop, 8, Location::shared);
  registry.get_child_allocators(&loop, &step, "step");
  const auto before = registry.generations(&loop);

  registry.get_child_allocators(&loop, &step, "step");
  registry.register_child(&loop, &step, "step");
  registry.clear_layout(&step);
  registry.clear_layout(&loop);
  BufferUpdate same;
  same.size = 4;
  EXPECT_EQ(registry.update_buffer("k", &step, same), std::make_pair(true, false));
  registry.register_buffer("k", &step, 4, Location::shared);
  EXPECT_EQ(registry.generations(&loop), before);

  // A change inside the child that leaves its arenas' sizes alone is the child's alone.
  registry.register_buffer("t", &step, 3, Location::local);
  const auto after = registry.generations(&loop);
  EXPECT_EQ(after.at(""), before.at(""));
  EXPECT_NE(after.at("step"), before.at("step"));
}

// Rolling a change up can fail in a parent; then the change is refused everywhere, not kept
// in the child with the parent left behind.
TEST(LayoutGeneration, AChangeAParentRefusesChangesNothing) {
  BufferRegistry registry;
  int loop = 0, step = 0;
  const std::size_t most = std::numeric_limits<std::size_t>::max();
  registry.register_buffer("huge", &loop, most - 1000, Location::shared, false, std::nullopt,
                           Precision::uint8);
  registry.register_buffer("k", &step, 4, Location::shared, false, std::nullopt, Precision::uint8);
  registry.get_child_allocators(&loop, &step, "step");
  const auto entries = registry.group(&step)->entries();
  const auto before = registry.generations(&loop);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        registry.register_buffer("k", &step, 2000, Location::shared, false, std::nullopt,
                                 Precision::uint8);
      },
      {"'step_shared'", "overflow"}));
  EXPECT_EQ(registry.group(&step)->entries(), entries);
  EXPECT_EQ(registry.generations(&loop), before);
  EXPECT_EQ(registry.group(&loop)->entries()[1].size(), 4u);
}

}  // namespace
