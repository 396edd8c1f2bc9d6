// The layout rules of BufferGroup, one test (or a few) per rule, named after the rule.
#include <bufreg/buffer_group.hpp>

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <tuple>

#include "printers.hpp"

namespace {

using bufreg::BufferGroup;
using bufreg::LayoutOptions;
using bufreg::Location;
using bufreg::Precision;
using bufreg::Region;
using bufreg::Slice;
using Layout = std::map<std::string, Slice>;

constexpr auto shared = Location::shared;
constexpr auto local = Location::local;

// ---- Rule 1: sizes in elements, slices and arena sizes in bytes ----------------------------

TEST(Rule1, SlicesAreBytesCoveringExactlyTheBuffer) {
  BufferGroup group;
  group.register_buffer("a", 10, shared);                                          // 40 bytes
  group.register_buffer("b", 3, shared, false, std::nullopt, Precision::float64);  // 24 bytes
  EXPECT_EQ(group.shared_layout(), (Layout{{"a", {0, 40}}, {"b", {48, 72}}}));
  EXPECT_EQ(group.shared_buffer_size(), 72u);
  const auto b = group.get_allocator("b");
  EXPECT_EQ(b.bytes(), 24u);
  EXPECT_EQ(b.count, 3u);
}

TEST(Rule1, LocalBufferReservesAtLeastOneElement) {
  BufferGroup group;
  group.register_buffer("empty", 0, local, false, std::nullopt, Precision::float64);
  group.register_buffer("next", 2, local);
  EXPECT_EQ(group.local_layout(), (Layout{{"empty", {0, 8}}, {"next", {16, 24}}}));
  EXPECT_EQ(group.local_sizes(), (std::map<std::string, std::size_t>{{"empty", 8}, {"next", 8}}));
  EXPECT_EQ(group.local_buffer_size(), 24u);
  EXPECT_EQ(group.get_allocator("empty").count, 0u);
}

TEST(Rule1, EmptyArenasHaveSizeZero) {
  BufferGroup group;
  EXPECT_EQ(group.shared_buffer_size(), 0u);
  EXPECT_EQ(group.persistent_local_buffer_size(), 0u);
  EXPECT_EQ(group.local_buffer_size(), 0u);
  group.register_buffer("s", 4, shared);
  EXPECT_EQ(group.persistent_local_buffer_size(), 0u);
  EXPECT_EQ(group.local_buffer_size(), 0u);
}

// ---- Rule 2: slices start at a multiple of max(alignment, element size) --------------------

TEST(Rule2, SmallAlignmentStillAlignsToTheElementSize) {
  BufferGroup group(LayoutOptions{4});
  group.register_buffer("h", 3, shared, false, std::nullopt, Precision::float16);  // [0, 6)
  group.register_buffer("d", 1, shared, false, std::nullopt, Precision::float64);  // 8-aligned
  group.register_buffer("u", 1, shared, false, std::nullopt, Precision::uint8);    // 4-aligned
  group.register_buffer("f", 1, shared);
  EXPECT_EQ(group.shared_layout(),
            (Layout{{"h", {0, 6}}, {"d", {8, 16}}, {"u", {16, 17}}, {"f", {20, 24}}}));
}

TEST(Rule2, AlignmentOfOnePacksBytes) {
  BufferGroup group(LayoutOptions{1});
  group.register_buffer("u", 3, shared, false, std::nullopt, Precision::uint8);
  group.register_buffer("h", 1, shared, false, std::nullopt, Precision::float16);
  group.register_buffer("v", 1, shared, false, std::nullopt, Precision::uint8);
  EXPECT_EQ(group.shared_layout(), (Layout{{"u", {0, 3}}, {"h", {4, 6}}, {"v", {6, 7}}}));
}

TEST(Rule2, LargeAlignmentAppliesToEveryArena) {
  BufferGroup group(LayoutOptions{64});
  for (const char* name : {"s1", "s2"}) group.register_buffer(name, 1, shared);
  for (const char* name : {"p1", "p2"}) group.register_buffer(name, 1, local, true);
  for (const char* name : {"l1", "l2"}) group.register_buffer(name, 1, local);
  group.register_buffer("fallback", 100, shared, false, "s1");
  EXPECT_EQ(group.shared_layout(),
            (Layout{{"s1", {0, 4}}, {"s2", {64, 68}}, {"fallback", {128, 528}}}));
  EXPECT_EQ(group.persistent_layout(), (Layout{{"p1", {0, 4}}, {"p2", {64, 68}}}));
  EXPECT_EQ(group.local_layout(), (Layout{{"l1", {0, 4}}, {"l2", {64, 68}}}));
}

TEST(Rule2, DefaultAlignmentIsSixteenBytes) {
  EXPECT_EQ(LayoutOptions{}.alignment, 16u);
  BufferGroup group;
  group.register_buffer("a", 1, shared, false, std::nullopt, Precision::uint8);
  group.register_buffer("b", 1, shared, false, std::nullopt, Precision::uint8);
  EXPECT_EQ(group.shared_layout().at("b"), (Slice{16, 17}));
}

// ---- Rule 3: deterministic build order -------------------------------------------------------

TEST(Rule3, NonAliasedByArenaThenAliasesInRegistrationOrder) {
  BufferGroup group;
  group.register_buffer("L1", 4, local);
  group.register_buffer("S1", 4, shared);
  group.register_buffer("big_alias", 8, shared, false, "S1");  // does not fit: after S2
  group.register_buffer("P1", 4, local, true);
  group.register_buffer("small_alias", 2, shared, false, "S1");
  group.register_buffer("S2", 4, shared);
  group.register_buffer("L2", 4, local);
  EXPECT_EQ(
      group.shared_layout(),
      (Layout{
          {"S1", {0, 16}}, {"S2", {16, 32}}, {"big_alias", {32, 64}}, {"small_alias", {0, 8}}}));
  EXPECT_EQ(group.persistent_layout(), (Layout{{"P1", {0, 16}}}));
  EXPECT_EQ(group.local_layout(), (Layout{{"L1", {0, 16}}, {"L2", {16, 32}}}));
}

TEST(Rule3, LayoutDoesNotDependOnWhichQueryRunsFirst) {
  const auto fill = [](BufferGroup& group) {
    group.register_buffer("a", 5, shared);
    group.register_buffer("b", 7, local, true);
    group.register_buffer("c", 3, local, false, "a");
    group.register_buffer("d", 9, local);
  };
  BufferGroup first, second;
  fill(first);
  fill(second);
  const auto local_first = first.local_layout();
  const auto allocator_first = first.get_allocator("c");
  const auto size_second = second.shared_buffer_size();
  const auto allocator_second = second.get_allocator("c");
  EXPECT_EQ(local_first, second.local_layout());
  EXPECT_EQ(first.shared_buffer_size(), size_second);
  EXPECT_EQ(first.shared_layout(), second.shared_layout());
  EXPECT_EQ(first.persistent_layout(), second.persistent_layout());
  EXPECT_EQ(allocator_first.offset, allocator_second.offset);
  EXPECT_EQ(allocator_first.region, allocator_second.region);
}

// ---- Rule 4: aliases inside their parent, first come first served, else fallback ----------

TEST(Rule4, SharedParentHostsSharedAndLocalAliasesButNotPersistentOnes) {
  BufferGroup group;
  group.register_buffer("parent", 16, shared);  // [0, 64)
  group.register_buffer("local_alias", 4, local, false, "parent");
  group.register_buffer("persistent_alias", 4, local, true, "parent");  // must survive the launch
  group.register_buffer("shared_alias", 4, shared, false, "parent");
  EXPECT_EQ(group.shared_layout(),
            (Layout{{"parent", {0, 64}}, {"local_alias", {0, 16}}, {"shared_alias", {16, 32}}}));
  EXPECT_EQ(group.persistent_layout(), (Layout{{"persistent_alias", {0, 16}}}));
  EXPECT_EQ(group.shared_buffer_size(), 64u);
  EXPECT_EQ(group.local_buffer_size(), 0u);
  EXPECT_EQ(group.persistent_local_buffer_size(), 16u);
  EXPECT_FALSE(group.placements()[2].inside_parent);
  EXPECT_EQ(group.get_allocator("persistent_alias").region, Region::persistent);
  const auto placements = group.placements();
  EXPECT_FALSE(placements[0].inside_parent);
  EXPECT_TRUE(placements[1].inside_parent);
  EXPECT_EQ(group.get_allocator("local_alias").region, Region::shared);
}

TEST(Rule4, AliasesTakeTheParentFirstComeFirstServed) {
  BufferGroup group(LayoutOptions{4});
  group.register_buffer("parent", 8, shared);                   // [0, 32)
  group.register_buffer("first", 6, shared, false, "parent");   // [0, 24)
  group.register_buffer("second", 6, shared, false, "parent");  // no room left: falls back
  group.register_buffer("third", 2, shared, false, "parent");   // cursor 24 -> 32 fits exactly
  EXPECT_EQ(
      group.shared_layout(),
      (Layout{{"parent", {0, 32}}, {"first", {0, 24}}, {"second", {32, 56}}, {"third", {24, 32}}}));
  EXPECT_FALSE(group.placements()[2].inside_parent);
  EXPECT_TRUE(group.placements()[3].inside_parent);
}

TEST(Rule4, CursorInsideTheParentIsAlignedForEachAlias) {
  BufferGroup group(LayoutOptions{1});
  group.register_buffer("parent", 40, shared, false, std::nullopt, Precision::uint8);
  group.register_buffer("bytes", 3, shared, false, "parent", Precision::uint8);      // [0, 3)
  group.register_buffer("doubles", 2, shared, false, "parent", Precision::float64);  // [8, 24)
  group.register_buffer("floats", 4, shared, false, "parent", Precision::float32);   // [24, 40)
  group.register_buffer("one_more", 1, shared, false, "parent", Precision::uint8);   // full
  EXPECT_EQ(group.shared_layout(), (Layout{{"parent", {0, 40}},
                                           {"bytes", {0, 3}},
                                           {"doubles", {8, 24}},
                                           {"floats", {24, 40}},
                                           {"one_more", {40, 41}}}));
}

TEST(Rule4, AliasThatDoesNotFitIsAllocatedByItsOwnSettings) {
  BufferGroup group;
  group.register_buffer("parent", 2, shared);
  group.register_buffer("to_local", 4, local, false, "parent");
  group.register_buffer("to_persistent", 4, local, true, "parent");
  group.register_buffer("to_shared", 4, shared, false, "parent");
  EXPECT_EQ(group.local_layout(), (Layout{{"to_local", {0, 16}}}));
  EXPECT_EQ(group.persistent_layout(), (Layout{{"to_persistent", {0, 16}}}));
  EXPECT_EQ(group.shared_layout(), (Layout{{"parent", {0, 8}}, {"to_shared", {16, 32}}}));
}

TEST(Rule4, PersistentParentHostsOnlyPersistentAliases) {
  BufferGroup group;
  group.register_buffer("parent", 8, local, true);                      // persistent [0, 32)
  group.register_buffer("persistent_alias", 4, local, true, "parent");  // inside
  group.register_buffer("local_alias", 2, local, false, "parent");      // never in persistent
  group.register_buffer("shared_alias", 2, shared, false, "parent");    // its own arena
  EXPECT_EQ(group.persistent_layout(),
            (Layout{{"parent", {0, 32}}, {"persistent_alias", {0, 16}}}));
  EXPECT_EQ(group.local_layout(), (Layout{{"local_alias", {0, 8}}}));
  EXPECT_EQ(group.shared_layout(), (Layout{{"shared_alias", {0, 8}}}));
}

TEST(Rule4, LocalParentHostsOnlyLocalAliases) {
  BufferGroup group;
  group.register_buffer("parent", 8, local);                            // local [0, 32)
  group.register_buffer("local_alias", 2, local, false, "parent");      // inside
  group.register_buffer("persistent_alias", 2, local, true, "parent");  // never in local memory
  group.register_buffer("shared_alias", 2, shared, false, "parent");    // its own arena
  EXPECT_EQ(group.local_layout(), (Layout{{"parent", {0, 32}}, {"local_alias", {0, 8}}}));
  EXPECT_EQ(group.persistent_layout(), (Layout{{"persistent_alias", {0, 8}}}));
  EXPECT_EQ(group.shared_layout(), (Layout{{"shared_alias", {0, 8}}}));
  EXPECT_TRUE(group.placements()[1].inside_parent);
  EXPECT_EQ(group.local_buffer_size(), 32u);
}

TEST(Rule4, LocalAliasOfALocalParentCostsNothing) {
  BufferGroup group;
  group.register_buffer("parent", 128, local);                    // 512 bytes
  group.register_buffer("scratch", 128, local, false, "parent");  // 512 bytes, inside
  group.register_buffer("spill", 1, local, false, "parent");      // no room left: after it
  EXPECT_EQ(group.local_layout(),
            (Layout{{"parent", {0, 512}}, {"scratch", {0, 512}}, {"spill", {512, 516}}}));
  EXPECT_EQ(group.local_buffer_size(), 516u);  // not 1028
  EXPECT_TRUE(group.placements()[1].inside_parent);
  EXPECT_FALSE(group.placements()[2].inside_parent);
}

TEST(Rule4, ZeroSizedAliasOfAFullParentStillFits) {
  BufferGroup group;
  group.register_buffer("parent", 4, shared);
  group.register_buffer("fill", 4, shared, false, "parent");
  group.register_buffer("nothing", 0, shared, false, "parent");
  EXPECT_EQ(group.shared_layout().at("nothing"), (Slice{16, 16}));
  EXPECT_EQ(group.shared_buffer_size(), 16u);
}

TEST(Rule4, PersistentBuffersNeverLandInNonPersistentStorage) {
  BufferGroup group;
  EXPECT_THROW(group.register_buffer("kept", 4, shared, /*persistent=*/true),
               std::invalid_argument);  // shared memory does not survive the launch
  EXPECT_TRUE(group.entries().empty());
  group.register_buffer("shared_parent", 64, shared);
  group.register_buffer("local_parent", 64, local);
  group.register_buffer("in_shared", 1, local, true, "shared_parent");
  group.register_buffer("in_local", 1, local, true, "local_parent");
  for (const auto& placement : group.placements()) {
    EXPECT_EQ(placement.region == Region::persistent, &placement >= &group.placements()[2]);
  }
  EXPECT_EQ(group.persistent_layout(), (Layout{{"in_shared", {0, 4}}, {"in_local", {16, 20}}}));
}

// ---- Rule 5: arena sizes come from the layout ------------------------------------------------

TEST(Rule5, FallbackAliasGrowsTheArena) {
  BufferGroup packed(LayoutOptions{4});
  packed.register_buffer("parent", 50, shared);
  packed.register_buffer("alias", 80, shared, false, "parent");
  EXPECT_EQ(packed.shared_buffer_size(), 520u);  // 130 floats, not 50

  BufferGroup padded;  // 16-byte alignment: the alias starts at 208, not 200
  padded.register_buffer("parent", 50, shared);
  padded.register_buffer("alias", 80, shared, false, "parent");
  EXPECT_EQ(padded.shared_buffer_size(), 528u);
}

TEST(Rule5, ArenaSizeIsTheEndOfTheLastSlice) {
  BufferGroup group;
  group.register_buffer("p", 3, local, true, std::nullopt, Precision::float64);  // [0, 24)
  group.register_buffer("q", 1, local, true, std::nullopt, Precision::uint8);    // [32, 33)
  EXPECT_EQ(group.persistent_local_buffer_size(), 33u);
  EXPECT_EQ(group.arena_size(Region::persistent), 33u);
}

// ---- Rule 6: the layout is cached --------------------------------------------------------------

TEST(Rule6, QueriesNeverRebuildAValidLayout) {
  BufferGroup group;
  group.register_buffer("a", 4, shared);
  group.register_buffer("b", 4, local, true);
  EXPECT_EQ(group.layout_builds(), 0u);  // lazy: nothing computed until asked
  group.shared_buffer_size();
  EXPECT_EQ(group.layout_builds(), 1u);
  for (int i = 0; i < 3; ++i) {
    group.shared_buffer_size();
    group.persistent_local_buffer_size();
    group.local_buffer_size();
    group.shared_layout();
    group.persistent_layout();
    group.local_layout();
    group.local_sizes();
    group.get_allocator("a");
    group.placements();
  }
  EXPECT_EQ(group.layout_builds(), 1u);
}

TEST(Rule6, RegistrationUpdateAndInvalidateEachInvalidate) {
  BufferGroup group;
  group.register_buffer("a", 4, shared);
  EXPECT_EQ(group.shared_buffer_size(), 16u);
  group.register_buffer("b", 4, shared);
  EXPECT_EQ(group.shared_buffer_size(), 32u);
  EXPECT_EQ(group.layout_builds(), 2u);
  bufreg::BufferUpdate grow;
  grow.size = 8;
  group.update_buffer("b", grow);
  EXPECT_EQ(group.shared_buffer_size(), 48u);
  EXPECT_EQ(group.layout_builds(), 3u);
  group.invalidate_layouts();
  EXPECT_EQ(group.shared_buffer_size(), 48u);
  EXPECT_EQ(group.layout_builds(), 4u);
}

// ---- Rule 7: re-registering a name replaces that entry -----------------------------------------

TEST(Rule7, ReRegistrationReplacesTheEntryInPlace) {
  BufferGroup group;
  group.register_buffer("a", 4, shared);
  group.register_buffer("b", 4, shared);
  group.register_buffer("a", 8, shared);
  ASSERT_EQ(group.entries().size(), 2u);
  EXPECT_EQ(group.entries()[0].name(), "a");
  EXPECT_EQ(group.entries()[0].size(), 8u);
  EXPECT_EQ(group.shared_layout(), (Layout{{"a", {0, 32}}, {"b", {32, 48}}}));
}

TEST(Rule7, ReRegistrationCanMoveAndReAliasAnEntry) {
  BufferGroup group;
  group.register_buffer("parent", 8, shared);
  group.register_buffer("x", 4, shared, false, "parent");
  group.register_buffer("x", 4, local);  // no longer an alias
  EXPECT_EQ(group.shared_layout(), (Layout{{"parent", {0, 32}}}));
  EXPECT_EQ(group.local_layout(), (Layout{{"x", {0, 16}}}));
  group.register_buffer("parent", 8, local, true);  // parent may become persistent
  group.register_buffer("x", 4, local, true, "parent");
  EXPECT_EQ(group.persistent_layout(), (Layout{{"parent", {0, 32}}, {"x", {0, 16}}}));
  EXPECT_EQ(group.local_buffer_size(), 0u);
}

}  // namespace

// ---- Element width: what GPU thread layouts are shaped for ----------------------------------

namespace {

TEST(ElementWidth, IsTheWidestElementPlacedInTheArena) {
  BufferGroup group(LayoutOptions{64});
  group.register_buffer("h", 8, shared, false, std::nullopt, Precision::float16);
  group.register_buffer("u", 9, local, true, std::nullopt, Precision::uint8);
  group.register_buffer("f", 2, local, true, std::nullopt, Precision::float32);
  EXPECT_EQ(group.element_width(Region::shared), 2u);  // not the 64-byte alignment
  EXPECT_EQ(group.element_width(Region::persistent), 4u);
  EXPECT_EQ(group.element_width(Region::local), 0u);  // holds nothing
  // A local alias that lands inside a shared parent widens the shared arena.
  group.register_buffer("d", 1, local, false, "h", Precision::float64);
  EXPECT_EQ(group.element_width(Region::shared), 8u);
  EXPECT_EQ(group.element_width(Region::local), 0u);
}

TEST(Scope, ATeamGroupHandsOutTeamAllocatorsLaidOutAsAnyGroup) {
  bufreg::LayoutOptions team_options;
  team_options.scope = bufreg::Scope::team;
  bufreg::BufferGroup team(team_options);
  bufreg::BufferGroup thread;
  for (bufreg::BufferGroup* group : {&team, &thread}) {
    group->register_buffer("stage", 128, Location::shared, false, {}, Precision::float64);
    group->register_buffer("residual", 128, Location::local, false, {}, Precision::float64);
    group->register_buffer("flags", 8, Location::shared, false, "stage", Precision::uint8);
  }
  EXPECT_EQ(team.options().scope, bufreg::Scope::team);
  ASSERT_EQ(team.placements().size(), thread.placements().size());
  for (std::size_t i = 0; i < team.placements().size(); ++i) {  // the same rules, aliases too
    const bufreg::Placement& a = team.placements()[i];
    const bufreg::Placement& b = thread.placements()[i];
    EXPECT_EQ(std::tie(a.region, a.slice, a.inside_parent),
              std::tie(b.region, b.slice, b.inside_parent));
  }
  EXPECT_TRUE(team.placements()[2].inside_parent);
  for (const char* name : {"stage", "residual", "flags"}) {
    const bufreg::Allocator a = team.get_allocator(name);
    const bufreg::Allocator b = thread.get_allocator(name);
    EXPECT_EQ(a.scope, bufreg::Scope::team) << name;
    EXPECT_EQ(b.scope, bufreg::Scope::thread) << name;
    EXPECT_EQ(std::tie(a.region, a.offset, a.count), std::tie(b.region, b.offset, b.count));
  }
  EXPECT_NE(team.describe().find("; bytes per team: shared 1024"), std::string::npos)
      << team.describe();
  EXPECT_NE(team.to_json().find("\"scope\": \"team\""), std::string::npos);
}

}  // namespace
