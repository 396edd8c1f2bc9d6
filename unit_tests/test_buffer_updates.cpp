// BufferGroup::update_buffer, and registrations the group must refuse without changing.
#include <bufreg/buffer_group.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

#include "expect_error.hpp"
#include "group_snapshot.hpp"

namespace {

using bufreg::BufferGroup;
using bufreg::BufferUpdate;
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
