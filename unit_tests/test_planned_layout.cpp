// Planner::best in a BufferGroup: live intervals let buffers share memory; the explicit aliases
// keep their meaning; every layout passes bufreg::verify and is never larger than registration
// order's.
#include <bufreg/core.hpp>

#include <gtest/gtest.h>

#include <array>
#include <limits>
#include <random>
#include <stdexcept>

#include "expect_error.hpp"
#include "group_snapshot.hpp"

namespace {

using bufreg::BufferGroup;
using bufreg::LayoutOptions;
using bufreg::LiveInterval;
using bufreg::Location;
using bufreg::Planner;
using bufreg::Precision;
using bufreg::test::throws_with;

const LayoutOptions best{16, Planner::best};

TEST(PlannedLayout, BuffersThatNeverMeetShareMemory) {
  BufferGroup group(best);
  for (std::size_t stage = 0; stage < 6; ++stage) {
    group.register_buffer("k" + std::to_string(stage), 10, Location::shared, false, {},
                          Precision::float64, LiveInterval{stage, stage + 2});
  }
  // At most two stages are live at once: two vectors of 80 bytes.
  EXPECT_EQ(group.shared_buffer_size(), 160u);
  EXPECT_TRUE(bufreg::verify(group).empty());
  BufferGroup ordered;
  for (const auto& entry : group.entries()) {
    ordered.register_buffer(entry.name(), entry.size(), entry.location(), false, {},
                            entry.precision(), entry.live());
  }
  EXPECT_EQ(ordered.shared_buffer_size(), 480u);  // registration order ignores intervals
}

TEST(PlannedLayout, DormandPrinceStagesPackToLoadWithoutAnyAlias) {
  // The DP5(4) step of the perf tests: phase p evaluates stage p + 1; the accumulator lives while
  // stages 2..6 are built, k7 from the proposal on; k2 is dead once stage 6 is built.
  BufferGroup group(best);
  const std::size_t n = 40;
  const auto reg = [&](const char* name, LiveInterval live) {
    group.register_buffer(name, n, Location::shared, false, {}, Precision::float64, live);
  };
  reg("k1", {0, 9});
  reg("k2", {1, 6});
  reg("k3", {2, 8});
  reg("k4", {3, 8});
  reg("k5", {4, 8});
  reg("k6", {5, 8});
  reg("k7", {6, 9});
  reg("stage", {1, 6});
  EXPECT_EQ(group.shared_buffer_size(), 7 * n * 8);  // LOAD: seven vectors live in phase 5
  EXPECT_TRUE(bufreg::verify(group).empty());
}

TEST(PlannedLayout, AliasesStillLandInsideTheirParents) {
  BufferGroup group(best);
  group.register_buffer("parent", 8, Location::shared, false, {}, Precision::float32,
                        LiveInterval{0, 2});
  group.register_buffer("alias", 4, Location::local, false, "parent", Precision::float32,
                        LiveInterval{3, 5});
  group.register_buffer("other", 8, Location::shared, false, {}, Precision::float32,
                        LiveInterval{0, 4});
  const auto& placements = group.placements();
  EXPECT_TRUE(placements[1].inside_parent);
  EXPECT_GE(placements[1].slice.start, placements[0].slice.start);
  EXPECT_LE(placements[1].slice.stop, placements[0].slice.stop);
  // The family (parent + alias) lives over [0, 5) and meets `other`: no sharing with it.
  EXPECT_EQ(group.shared_buffer_size(), 64u);
  EXPECT_TRUE(bufreg::verify(group).empty());
}

TEST(PlannedLayout, LocalAliasesStayInsideLocalParentsAndPersistentOnesPersistent) {
  BufferGroup group(best);
  group.register_buffer("parent", 128, Location::local, false, {}, Precision::float32,
                        LiveInterval{0, 2});
  group.register_buffer("scratch", 128, Location::local, false, "parent", Precision::float32,
                        LiveInterval{2, 4});
  group.register_buffer("other", 16, Location::local, false, {}, Precision::float32,
                        LiveInterval{4, 6});  // never meets the family: shares its bytes
  group.register_buffer("shared_parent", 4, Location::shared);
  group.register_buffer("kept", 4, Location::local, true, "shared_parent");
  const auto& placements = group.placements();
  EXPECT_TRUE(placements[1].inside_parent);
  EXPECT_EQ(placements[1].slice, placements[0].slice);
  EXPECT_EQ(group.local_buffer_size(), 512u);
  EXPECT_FALSE(placements[4].inside_parent);
  EXPECT_EQ(placements[4].region, bufreg::Region::persistent);
  EXPECT_TRUE(bufreg::verify(group).empty());
}

TEST(PlannedLayout, PersistentBuffersCannotHaveLiveIntervals) {
  BufferGroup group(best);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        group.register_buffer("carry", 2, Location::local, true, {}, Precision::float64,
                              LiveInterval{0, 1});
      },
      {"'carry'", "persistent", "live interval"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        group.register_buffer("x", 2, Location::shared, false, {}, Precision::float64,
                              LiveInterval{3, 3});
      },
      {"'x'", "[3, 3) is empty"}));
  EXPECT_TRUE(group.entries().empty());
}

TEST(PlannedLayout, UpdatingAnIntervalReplans) {
  BufferGroup group(best);
  group.register_buffer("a", 4, Location::shared, false, {}, Precision::float32,
                        LiveInterval{0, 1});
  group.register_buffer("b", 4, Location::shared, false, {}, Precision::float32,
                        LiveInterval{1, 2});
  EXPECT_EQ(group.shared_buffer_size(), 16u);
  bufreg::BufferUpdate update;
  update.live = std::optional<LiveInterval>{};  // b now lives for the whole kernel
  EXPECT_EQ(group.update_buffer("b", update), std::make_pair(true, true));
  EXPECT_EQ(group.shared_buffer_size(), 32u);
}

TEST(PlannedLayout, ABufferOfTheLargestSize) {
  const std::size_t most = std::numeric_limits<std::size_t>::max();
  BufferGroup group(LayoutOptions{1, Planner::best});
  group.register_buffer("everything", most, Location::shared, false, {}, Precision::uint8);
  EXPECT_EQ(group.shared_buffer_size(), most);
  const bufreg::Allocator allocator = group.get_allocator("everything");
  EXPECT_EQ(allocator.offset, 0u);
  EXPECT_EQ(allocator.bytes(), most);
  EXPECT_TRUE(bufreg::verify(group).empty());
}

TEST(PlannedLayout, RefusesABadPlannerOrBudget) {
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] {
        BufferGroup g(LayoutOptions{16, static_cast<Planner>(5)});
      },
      {"planner 5"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] {
        BufferGroup g(LayoutOptions{16, Planner::best, -1.0});
      },
      {"budget", "negative"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] {
        BufferGroup g(LayoutOptions{16, Planner::best, std::numeric_limits<double>::quiet_NaN()});
      },
      {"bufreg: plan budget nan ms is not a number"}));
}

TEST(PlannedLayout, AnInfiniteBudgetMeansNoLimit) {
  // Families the heuristics pack into 16 slots of 16 bytes, and only the search into 15; with
  // no budget only the sweep by start runs, which needs 17.
  const std::vector<std::array<std::size_t, 3>> families = {
      {3, 6, 6}, {2, 4, 1}, {1, 4, 5}, {1, 2, 5}, {0, 3, 5}};
  for (const double budget : {0.0, 1.9e13, std::numeric_limits<double>::infinity()}) {
    BufferGroup group(LayoutOptions{16, Planner::best, budget});
    EXPECT_EQ(group.options().plan_budget_ms, budget);
    for (std::size_t k = 0; k < families.size(); ++k) {
      const auto [first, last, slots] = families[k];
      group.register_buffer("b" + std::to_string(k), 4 * slots, Location::shared, false, {},
                            Precision::float32, LiveInterval{first, last});
    }
    EXPECT_EQ(group.shared_buffer_size(), budget == 0.0 ? 17u * 16u : 15u * 16u);
    EXPECT_TRUE(bufreg::verify(group).empty());
  }
}

TEST(PlannedLayout, FourThousandAndOneBuffersArePlanned) {
  // Groups of more than 4,000 buffers once kept registration order silently: 541,864 bytes
  // where LOAD is about 61,000.
  std::mt19937_64 random(2024);
  BufferGroup group(best);
  std::vector<bufreg::LiveBuffer> live;
  for (std::size_t i = 0; i < 4001; ++i) {
    const std::size_t elements = 4 * (1 + random() % 16);  // 16 to 256 bytes
    const std::size_t first = random() % 1000;
    const LiveInterval interval{first, first + 1 + random() % 200};
    group.register_buffer("b" + std::to_string(i), elements, Location::shared, false, {},
                          Precision::float32, interval);
    live.push_back({interval.first, interval.last, 4 * elements, 16});
  }
  const std::size_t load = bufreg::load_of(live);
  EXPECT_LE(static_cast<double>(group.shared_buffer_size()), 1.2 * static_cast<double>(load));
  const auto& plan = group.arena_plan(bufreg::Region::shared);
  EXPECT_EQ(plan.outcome, bufreg::ArenaPlan::Outcome::planned);
  EXPECT_EQ(plan.buffers, 4001u);
  EXPECT_EQ(plan.planned_bytes, group.shared_buffer_size());
  EXPECT_NE(group.describe().find("shared arena planned: 4001 buffers by "), std::string::npos);
  EXPECT_TRUE(bufreg::verify(group).empty());
}

TEST(PlannedLayout, RandomGroupsAreValidAndNeverLargerThanRegistrationOrder) {
  const unsigned seed = std::random_device{}();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937 random(seed);
  const auto pick = [&](unsigned n) { return static_cast<unsigned>(random() % n); };
  for (int trial = 0; trial < 300; ++trial) {
    const std::size_t alignment = std::size_t{1} << pick(6);
    BufferGroup planned(LayoutOptions{alignment, Planner::best, 1});
    BufferGroup ordered(LayoutOptions{alignment});
    const unsigned count = 1 + pick(30);
    for (unsigned i = 0; i < count; ++i) {
      const std::string name = "b" + std::to_string(pick(20));
      const bool persistent = pick(4) == 0;
      const Location location = pick(2) ? Location::shared : Location::local;
      std::optional<LiveInterval> live;
      if (pick(3) != 0 && !(persistent && location == Location::local)) {
        const std::size_t first = pick(10);
        live = LiveInterval{first, first + 1 + pick(5)};
      }
      std::optional<std::string> alias;
      if (pick(4) == 0) alias = "b" + std::to_string(pick(20));
      const auto size = static_cast<std::size_t>(pick(50));
      const auto precision = static_cast<Precision>(pick(6));
      for (BufferGroup* group : {&planned, &ordered}) {
        try {
          group->register_buffer(name, size, location, persistent, alias, precision, live);
        } catch (const std::invalid_argument&) {
        }
      }
    }
    ASSERT_EQ(planned.entries(), ordered.entries());
    const auto violations = bufreg::verify(planned);
    ASSERT_TRUE(violations.empty()) << "trial " << trial << ": '" << violations[0].buffer
                                    << "': " << violations[0].problem << "\n"
                                    << planned.describe();
    for (const auto region :
         {bufreg::Region::shared, bufreg::Region::persistent, bufreg::Region::local}) {
      EXPECT_LE(planned.arena_size(region), ordered.arena_size(region)) << "trial " << trial;
    }
  }
}

}  // namespace
