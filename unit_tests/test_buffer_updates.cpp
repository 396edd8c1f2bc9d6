// BufferGroup::update_buffer, and registrations the group must refuse without changing.
#include <bufreg/buffer_group.hpp>
#include <bufreg/verify.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "expect_error.hpp"
#include "group_snapshot.hpp"

namespace {

using bufreg::BufferGroup;
using bufreg::BufferUpdate;
using bufreg::CUDABuffer;
using bufreg::LiveInterval;
using bufreg::Location;
using bufreg::Precision;
using bufreg::Region;
using bufreg::Slice;
using bufreg::test::GroupSnapshot;
using bufreg::test::throws_with;

BufferGroup parent_and_alias() {
  BufferGroup group;
  group.register_buffer("parent", 8, Location::shared);
  group.register_buffer("alias", 4, Location::shared, false, "parent");
  group.register_buffer("other", 2, Location::local);
  return group;
}

TEST(UpdateBuffer, UnknownNameIsNotRecognized) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  BufferUpdate update;
  update.size = 3;
  EXPECT_EQ(group.update_buffer("missing", update), std::make_pair(false, false));
  EXPECT_EQ(GroupSnapshot(group), before);
}

TEST(UpdateBuffer, SameValuesAreRecognizedButNotChangedAndKeepTheLayout) {
  BufferGroup group = parent_and_alias();
  group.shared_buffer_size();
  BufferUpdate update;
  update.size = 8;
  update.location = Location::shared;
  EXPECT_EQ(group.update_buffer("parent", update), std::make_pair(true, false));
  EXPECT_EQ(group.update_buffer("parent", BufferUpdate{}), std::make_pair(true, false));
  group.shared_buffer_size();
  EXPECT_EQ(group.layout_builds(), 1u);
}

TEST(UpdateBuffer, EachFieldChangesTheLayout) {
  BufferGroup group = parent_and_alias();
  BufferUpdate size;
  size.size = 2;  // the alias no longer fits inside the parent
  EXPECT_EQ(group.update_buffer("parent", size), std::make_pair(true, true));
  EXPECT_EQ(group.shared_layout().at("alias"), (Slice{16, 32}));

  BufferUpdate location;
  location.location = Location::local;
  group.update_buffer("other", location);
  BufferUpdate persistent;
  persistent.persistent = true;
  EXPECT_EQ(group.update_buffer("other", persistent), std::make_pair(true, true));
  EXPECT_EQ(group.persistent_layout().at("other"), (Slice{0, 8}));

  BufferUpdate precision;
  precision.precision = Precision::float64;
  group.update_buffer("other", precision);
  EXPECT_EQ(group.persistent_layout().at("other"), (Slice{0, 16}));

  BufferUpdate unalias;
  unalias.aliases = std::optional<std::string>{};
  group.update_buffer("alias", unalias);
  EXPECT_FALSE(group.entries()[1].aliases().has_value());
  EXPECT_FALSE(group.placements()[1].inside_parent);

  BufferUpdate realias;
  realias.aliases = std::optional<std::string>{"parent"};
  realias.size = 1;
  group.update_buffer("alias", realias);
  EXPECT_TRUE(group.placements()[1].inside_parent);
  EXPECT_EQ(group.get_allocator("alias").region, Region::shared);
}

TEST(UpdateBuffer, AppliesTheLiveIntervalItIsGiven) {
  BufferGroup group = parent_and_alias();
  BufferUpdate live;
  live.live = LiveInterval{1, 2};
  EXPECT_EQ(group.update_buffer("other", live), std::make_pair(true, true));
  EXPECT_EQ(group.entries()[2].live(), (LiveInterval{1, 2}));
  EXPECT_EQ(group.update_buffer("other", live), std::make_pair(true, false));

  BufferUpdate whole_kernel;
  whole_kernel.live = std::optional<LiveInterval>{};
  EXPECT_EQ(group.update_buffer("other", whole_kernel), std::make_pair(true, true));
  EXPECT_FALSE(group.entries()[2].live().has_value());
}

TEST(UpdateBuffer, KeepsTheLiveIntervalItIsNotGivenAndTheLayoutOfANoOp) {
  BufferGroup group(bufreg::LayoutOptions{16, bufreg::Planner::best});
  group.register_buffer("early", 4, Location::shared, false, std::nullopt, Precision::float32,
                        LiveInterval{0, 1});
  group.register_buffer("late", 4, Location::shared, false, std::nullopt, Precision::float32,
                        LiveInterval{1, 2});
  EXPECT_EQ(group.shared_buffer_size(), 16u);  // the two share their bytes
  const GroupSnapshot before(group);
  BufferUpdate same_size;
  same_size.size = 4;
  EXPECT_EQ(group.update_buffer("late", same_size), std::make_pair(true, false));
  EXPECT_EQ(GroupSnapshot(group), before);  // layout_builds() included

  BufferUpdate bigger;
  bigger.size = 8;
  EXPECT_EQ(group.update_buffer("late", bigger), std::make_pair(true, true));
  EXPECT_EQ(group.entries()[1].live(), (LiveInterval{1, 2}));
  EXPECT_EQ(group.shared_buffer_size(), 32u);  // still shared: max(16, 32), not 16 + 32
}

TEST(UpdateBuffer, RefusesAnEmptyLiveIntervalAsRegisterBufferDoes) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  BufferUpdate empty;
  empty.live = LiveInterval{3, 3};
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.update_buffer("other", empty); },
      {"bufreg: buffer 'other': live interval [3, 3) is empty"}));
  EXPECT_EQ(GroupSnapshot(group), before);
}

TEST(UpdateBuffer, RefusesToMakeAPersistentBufferSharedOrASharedBufferPersistent) {
  BufferGroup group = parent_and_alias();
  group.register_buffer("carry", 2, Location::local, true);
  const GroupSnapshot before(group);
  BufferUpdate to_shared;
  to_shared.location = Location::shared;
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.update_buffer("carry", to_shared); },
      {"bufreg: buffer 'carry': is persistent, but shared memory does not survive the launch"}));
  BufferUpdate persistent;
  persistent.persistent = true;
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.update_buffer("parent", persistent); },
      {"bufreg: buffer 'parent': is persistent, but shared memory does not survive the launch"}));
  EXPECT_EQ(GroupSnapshot(group), before);
  // Both at once is a move to persistent-local memory, which keeps the data.
  BufferUpdate both;
  both.location = Location::local;
  both.persistent = true;
  EXPECT_EQ(group.update_buffer("parent", both), std::make_pair(true, true));
  EXPECT_EQ(group.persistent_layout().at("parent"), (Slice{0, 32}));
}

TEST(UpdateBuffer, AnAliasMadePersistentLeavesItsSharedParent) {
  BufferGroup group = parent_and_alias();
  ASSERT_TRUE(group.placements()[1].inside_parent);
  BufferUpdate persistent;
  persistent.location = Location::local;
  persistent.persistent = true;
  EXPECT_EQ(group.update_buffer("alias", persistent), std::make_pair(true, true));
  EXPECT_FALSE(group.placements()[1].inside_parent);
  EXPECT_EQ(group.get_allocator("alias").region, Region::persistent);
  EXPECT_EQ(group.persistent_layout().at("alias"), (Slice{0, 16}));
  EXPECT_TRUE(bufreg::verify(group).empty());
}

TEST(UpdateBuffer, RefusesALiveIntervalOnAPersistentLocalBuffer) {
  BufferGroup group = parent_and_alias();
  BufferUpdate live;
  live.live = LiveInterval{0, 2};
  group.update_buffer("other", live);
  const GroupSnapshot before(group);
  BufferUpdate persistent;  // keeps the live interval, which a persistent buffer cannot have
  persistent.persistent = true;
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.update_buffer("other", persistent); },
      {"bufreg: buffer 'other': is persistent, so it lives across launches and cannot have a "
       "live interval"}));
  EXPECT_EQ(GroupSnapshot(group), before);
}

// Every combination of the six fields of BufferUpdate, on buffers of every kind, against an
// expectation worked out here from the rules: fields set take the update's value, fields left
// empty keep theirs, and the result is refused exactly when register_buffer would refuse it.

/// A buffer's settings as this test sees them, independent of how CUDABuffer stores them.
struct Settings {
  std::size_t size;
  Location location;
  bool persistent;
  std::optional<std::string> aliases;
  Precision precision;
  std::optional<LiveInterval> live;

  friend bool operator==(const Settings& a, const Settings& b) {
    return a.size == b.size && a.location == b.location && a.persistent == b.persistent &&
           a.aliases == b.aliases && a.precision == b.precision && a.live == b.live;
  }
};

struct Start {
  std::string name;
  Settings settings;
};

/// Two possible alias targets, then the buffers the table updates.
const std::vector<Start>& starts() {
  static const std::vector<Start> all = {
      {"plain", {4, Location::shared, false, std::nullopt, Precision::float32, std::nullopt}},
      {"carry", {2, Location::local, true, std::nullopt, Precision::float64, std::nullopt}},
      {"shared_live",
       {3, Location::shared, false, std::nullopt, Precision::float64, LiveInterval{0, 2}}},
      {"alias", {4, Location::shared, false, "parent", Precision::float32, LiveInterval{1, 3}}},
  };
  return all;
}

BufferGroup group_of_starts() {
  BufferGroup group;
  group.register_buffer("parent", 8, Location::shared);
  group.register_buffer("other_parent", 8, Location::local, true);
  for (const Start& start : starts()) {
    const Settings& s = start.settings;
    group.register_buffer(start.name, s.size, s.location, s.persistent, s.aliases, s.precision,
                          s.live);
  }
  return group;
}

/// Values an update may set: other than the buffer's, its own, or cleared / re-aliased.
std::vector<std::pair<std::string, Settings>> update_values(const Settings& old) {
  return {
      {"different",
       {old.size + 3, old.location == Location::shared ? Location::local : Location::shared,
        !old.persistent, old.aliases ? std::nullopt : std::optional<std::string>("other_parent"),
        old.precision == Precision::float32 ? Precision::float64 : Precision::float32,
        LiveInterval{2, 5}}},
      {"same", old},
      {"cleared", {0, Location::shared, false, "other_parent", Precision::uint8, std::nullopt}},
  };
}

TEST(UpdateBuffer, EveryCombinationOfFieldsStoresExactlyWhatWasAsked) {
  const char* const field_names[] = {"size",    "location",  "persistent",
                                     "aliases", "precision", "live"};
  std::size_t refused = 0, changed = 0, unchanged = 0;
  for (const Start& start : starts()) {
    for (const auto& [label, values] : update_values(start.settings)) {
      for (unsigned mask = 0; mask < 64; ++mask) {
        std::string fields;
        for (unsigned f = 0; f < 6; ++f) fields += mask & (1u << f) ? field_names[f] : "";
        SCOPED_TRACE(start.name + ", " + label + " values, fields {" + fields + "}");
        const Settings& old = start.settings;
        Settings want = old;
        BufferUpdate update;
        if (mask & 1u) update.size = want.size = values.size;
        if (mask & 2u) update.location = want.location = values.location;
        if (mask & 4u) update.persistent = want.persistent = values.persistent;
        if (mask & 8u) update.aliases = want.aliases = values.aliases;
        if (mask & 16u) update.precision = want.precision = values.precision;
        if (mask & 32u) update.live = want.live = values.live;

        BufferGroup group = group_of_starts();
        group.shared_buffer_size();  // a cached layout, which a no-op must keep
        const GroupSnapshot before(group);
        // The only rules these values can break: persistent buffers live across launches, so
        // they cannot be shared (shared memory does not survive the launch) nor have a live
        // interval.
        const bool persistent_shared = want.persistent && want.location == Location::shared;
        if (persistent_shared || (want.persistent && want.live)) {
          ++refused;
          EXPECT_TRUE(throws_with<std::invalid_argument>(
              [&] { group.update_buffer(start.name, update); },
              {"bufreg: buffer '" + start.name + "': is persistent, " +
               (persistent_shared ? "but shared memory does not survive the launch"
                                  : "so it lives across launches and cannot have a live "
                                    "interval")}));
          EXPECT_EQ(GroupSnapshot(group), before);
          continue;
        }
        const bool changes = !(want == old);
        changes ? ++changed : ++unchanged;
        EXPECT_EQ(group.update_buffer(start.name, update), std::make_pair(true, changes));
        for (std::size_t i = 0; i < group.entries().size(); ++i) {
          const CUDABuffer& entry = group.entries()[i];
          if (entry.name() != start.name) {
            EXPECT_EQ(entry, before.entries[i]);
            continue;
          }
          EXPECT_EQ(entry.size(), want.size);
          EXPECT_EQ(entry.location(), want.location);
          EXPECT_EQ(entry.persistent(), want.persistent);
          EXPECT_EQ(entry.aliases(), want.aliases);
          EXPECT_EQ(entry.precision(), want.precision);
          EXPECT_EQ(entry.live(), want.live);
          EXPECT_EQ(entry, CUDABuffer(start.name, want.size, want.location, want.persistent,
                                      want.aliases, want.precision, want.live));
        }
        if (changes) {
          EXPECT_TRUE(bufreg::verify(group).empty());
        } else {
          EXPECT_EQ(GroupSnapshot(group), before);  // the layout was not even rebuilt
        }
      }
    }
  }
  // Each outcome is exercised: refusals, changes and no-ops.
  EXPECT_GT(refused, 0u);
  EXPECT_GT(changed, 0u);
  EXPECT_GT(unchanged, 64u);
}

TEST(UpdateBuffer, RefusesToMakeAnAliasedBufferAnAlias) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  BufferUpdate update;
  update.aliases = std::optional<std::string>{"other"};
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { group.update_buffer("parent", update); },
                                                 {"'parent'", "alias chains are not supported"}));
  EXPECT_EQ(GroupSnapshot(group), before);
}

TEST(UpdateBuffer, RefusesToAliasAnAlias) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  BufferUpdate update;
  update.aliases = std::optional<std::string>{"alias"};
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.update_buffer("other", update); },
      {"'other'", "'alias'", "itself aliases 'parent'", "alias chains are not supported"}));
  EXPECT_EQ(GroupSnapshot(group), before);
}

TEST(UpdateBuffer, RefusesSelfAliasUnknownTargetAndOverflow) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  BufferUpdate self;
  self.aliases = std::optional<std::string>{"other"};
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { group.update_buffer("other", self); },
                                                 {"'other'", "cannot alias itself"}));
  BufferUpdate unknown;
  unknown.aliases = std::optional<std::string>{"nowhere"};
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.update_buffer("other", unknown); },
      {"'other'", "'nowhere'", "register 'nowhere' before 'other'"}));
  BufferUpdate huge;
  huge.size = std::numeric_limits<std::size_t>::max() / 2;
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { group.update_buffer("other", huge); },
                                                 {"'other'", "overflow"}));
  EXPECT_EQ(GroupSnapshot(group), before);
}

TEST(RegisterBuffer, RefusesAliasOfUnregisteredBufferNamingBoth) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.register_buffer("y", 1, Location::shared, false, "x"); },
      {"'y'", "register 'x' before 'y'"}));
  EXPECT_EQ(GroupSnapshot(group), before);
  EXPECT_FALSE(group.contains("y"));
}

TEST(RegisterBuffer, RefusesChainsInBothDirections) {
  BufferGroup group = parent_and_alias();
  const GroupSnapshot before(group);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.register_buffer("z", 1, Location::shared, false, "alias"); },
      {"'z'", "alias chains are not supported"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { group.register_buffer("parent", 8, Location::shared, false, "other"); },
      {"'parent'", "is aliased by 1 buffer(s)", "alias chains are not supported"}));
  EXPECT_EQ(GroupSnapshot(group), before);
}

TEST(RegisterBuffer, RefusesAGroupWhoseArenasWouldOverflow) {
  BufferGroup group;
  const std::size_t half = std::numeric_limits<std::size_t>::max() / 2;
  group.register_buffer("big", half - 64, Location::shared, false, std::nullopt, Precision::uint8);
  const GroupSnapshot before(group);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        group.register_buffer("bigger", half + 100, Location::local, false, std::nullopt,
                              Precision::uint8);
      },
      {"'bigger'", "overflow"}));
  EXPECT_EQ(GroupSnapshot(group), before);
  // Replacing the big entry frees its share of the bound.
  group.register_buffer("big", 1, Location::shared);
  group.register_buffer("bigger", half + 100, Location::local, false, std::nullopt,
                        Precision::uint8);
  EXPECT_EQ(group.local_buffer_size(), half + 100);
}

TEST(RegisterBuffer, RefusesInvalidAlignment) {
  for (const std::size_t alignment : {0u, 3u, 12u, 24u}) {
    EXPECT_TRUE(throws_with<std::invalid_argument>(
        [&] { BufferGroup group(bufreg::LayoutOptions{alignment}); },
        {"alignment " + std::to_string(alignment), "power of two"}));
  }
}

TEST(GetAllocator, UnknownNameIsOutOfRangeNamingIt) {
  BufferGroup group = parent_and_alias();
  EXPECT_TRUE(throws_with<std::out_of_range>([&] { group.get_allocator("ghost"); },
                                             {"'ghost'", "not registered"}));
  EXPECT_FALSE(group.contains("ghost"));
  EXPECT_TRUE(group.contains("alias"));
}

}  // namespace
