// BufferRegistry: groups by owning component, children rolled up into parents, thread safety.
#include <bufreg/buffer_registry.hpp>

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "expect_error.hpp"

namespace {

using bufreg::BufferRegistry;
using bufreg::LayoutOptions;
using bufreg::Location;
using bufreg::Precision;
using bufreg::Region;
using bufreg::test::throws_with;

struct Component {
  int id = 0;
};

TEST(Registry, DelegatesToTheParentsGroup) {
  BufferRegistry registry;
  Component loop, step;
  registry.register_buffer("state", &loop, 4, Location::shared);
  registry.register_buffer("stage", &step, 2, Location::local, false, std::nullopt,
                           Precision::float64);
  EXPECT_EQ(registry.shared_buffer_size(&loop), 16u);
  EXPECT_EQ(registry.local_buffer_size(&step), 16u);
  EXPECT_EQ(registry.shared_buffer_size(&step), 0u);
  EXPECT_EQ(registry.get_allocator("state", &loop).region, Region::shared);
  ASSERT_NE(registry.group(&loop), nullptr);
  EXPECT_TRUE(registry.group(&loop)->contains("state"));
  EXPECT_FALSE(registry.group(&loop)->contains("stage"));
  bufreg::BufferUpdate update;
  update.persistent = true;
  EXPECT_EQ(registry.update_buffer("stage", &step, update), std::make_pair(true, true));
  EXPECT_EQ(registry.persistent_local_buffer_size(&step), 16u);
}

TEST(Registry, UnknownParentsAreEmptyOrOutOfRange) {
  BufferRegistry registry;
  Component nobody;
  EXPECT_EQ(registry.shared_buffer_size(&nobody), 0u);
  EXPECT_EQ(registry.local_buffer_size(&nobody), 0u);
  EXPECT_EQ(registry.persistent_local_buffer_size(&nobody), 0u);
  EXPECT_EQ(registry.group(&nobody), nullptr);
  EXPECT_EQ(registry.update_buffer("x", &nobody, {}), std::make_pair(false, false));
  EXPECT_TRUE(registry.update(&nobody, {{"x_location", "shared"}}).empty());
  registry.clear_layout(&nobody);
  registry.clear_parent(&nobody);
  EXPECT_TRUE(throws_with<std::out_of_range>([&] { registry.get_allocator("x", &nobody); },
                                             {"'x'", "no buffers registered"}));
  EXPECT_EQ(registry.group(&nobody), nullptr);  // queries create nothing
}

TEST(Registry, RejectedFirstRegistrationLeavesNoGroup) {
  BufferRegistry registry;
  Component component;
  EXPECT_THROW(registry.register_buffer("a", &component, 1, Location::shared, false, "b"),
               std::invalid_argument);
  EXPECT_EQ(registry.group(&component), nullptr);
}

TEST(Registry, ClearLayoutInvalidatesTheCache) {
  BufferRegistry registry;
  Component component;
  registry.register_buffer("a", &component, 1, Location::shared);
  registry.shared_buffer_size(&component);
  registry.shared_buffer_size(&component);
  EXPECT_EQ(registry.group(&component)->layout_builds(), 1u);
  registry.clear_layout(&component);
  registry.shared_buffer_size(&component);
  EXPECT_EQ(registry.group(&component)->layout_builds(), 2u);
}

TEST(RegisterChild, RollsTheChildsArenasUpAsBuffersOfItsWidestElement) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_buffer("state", &parent, 1, Location::shared);
  registry.register_buffer("k", &child, 3, Location::shared, false, std::nullopt,
                           Precision::float64);                       // [0, 24)
  registry.register_buffer("h", &child, 1, Location::shared);         // [32, 36)
  registry.register_buffer("err", &child, 2, Location::local, true);  // persistent [0, 8)
  registry.register_buffer("tmp", &child, 5, Location::local);        // stays with the child
  const auto names = registry.register_child(&parent, &child, "step");
  EXPECT_EQ(names, std::make_pair(std::string("step_shared"), std::string("step_persistent")));
  const auto& entries = registry.group(&parent)->entries();
  ASSERT_EQ(entries.size(), 3u);
  // 36 shared bytes holding doubles: 5 int64; 8 persistent bytes of floats: 2 int32.
  EXPECT_EQ(entries[1], bufreg::CUDABuffer("step_shared", 5, Location::shared, false, std::nullopt,
                                           Precision::int64));
  EXPECT_EQ(entries[2], bufreg::CUDABuffer("step_persistent", 2, Location::local, true,
                                           std::nullopt, Precision::int32));
  const auto [shared, persistent] = registry.get_child_allocators(&parent, &child, "step");
  EXPECT_EQ(shared.region, Region::shared);
  EXPECT_EQ(shared.offset, 16u);
  EXPECT_EQ(shared.bytes(), 40u);
  EXPECT_EQ(persistent.region, Region::persistent);
  EXPECT_EQ(persistent.bytes(), 8u);
  EXPECT_EQ(registry.shared_buffer_size(&parent), 56u);
  EXPECT_EQ(registry.local_buffer_size(&parent), 0u);
}

TEST(RegisterChild, ChildRegionIsAlignedForEveryBufferInside) {
  BufferRegistry registry(LayoutOptions{4});
  Component parent, child;
  registry.register_buffer("flag", &parent, 1, Location::shared, false, std::nullopt,
                           Precision::uint8);                  // [0, 1)
  registry.register_buffer("f", &child, 1, Location::shared);  // [0, 4)
  registry.register_buffer("d", &child, 1, Location::shared, false, std::nullopt,
                           Precision::float64);  // [8, 16): the child needs 8-byte alignment
  registry.register_child(&parent, &child, "c");
  const auto [shared, persistent] = registry.get_child_allocators(&parent, &child, "c");
  EXPECT_EQ(shared.offset % 8, 0u);
  EXPECT_EQ(shared.offset, 8u);
  EXPECT_GE(shared.bytes(), 16u);
  EXPECT_EQ(persistent.bytes(), 0u);
}

TEST(RegisterChild, DefaultNamesAreDerivedFromTheChildAndUnique) {
  BufferRegistry registry;
  Component parent, first, second;
  const auto a = registry.register_child(&parent, &first);
  const auto b = registry.register_child(&parent, &second);
  EXPECT_EQ(a.first.rfind("child_", 0), 0u);
  EXPECT_NE(a.first, b.first);
  EXPECT_EQ(a.second.substr(0, a.second.size() - 11), a.first.substr(0, a.first.size() - 7));
  EXPECT_NO_THROW(registry.get_child_allocators(&parent, &first));
  EXPECT_EQ(registry.group(&parent)->entries().size(), 4u);
}

TEST(RegisterChild, ChildWithoutBuffersGetsEmptyEntries) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_child(&parent, &child, "c");
  const auto [shared, persistent] = registry.get_child_allocators(&parent, &child, "c");
  EXPECT_EQ(shared.bytes(), 0u);
  EXPECT_EQ(persistent.bytes(), 0u);
}

TEST(RegisterChild, CallingAgainWithTheSameChildRefreshesSizes) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_buffer("a", &child, 2, Location::shared);
  registry.register_child(&parent, &child, "c");
  EXPECT_EQ(registry.shared_buffer_size(&parent), 8u);
  registry.register_buffer("b", &child, 2, Location::shared);
  registry.register_child(&parent, &child, "c");
  EXPECT_EQ(registry.shared_buffer_size(&parent), 24u);
  EXPECT_EQ(registry.group(&parent)->entries().size(), 2u);
}

// Reusing a child's name for another child used to unlink the first silently: its group then
// survived clear_parent(parent).
TEST(RegisterChild, RefusesANameTakenByAnotherChild) {
  BufferRegistry registry;
  Component parent, child, other;
  registry.register_buffer("a", &child, 2, Location::shared);
  registry.register_buffer("x", &other, 1, Location::shared);
  registry.register_child(&parent, &child, "c");
  const auto entries = registry.group(&parent)->entries();
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&parent, &other, "c"); },
      {"bufreg: buffer 'c': is the name of another child component of this parent: give this "
       "child another name"}));
  EXPECT_EQ(registry.group(&parent)->entries(), entries);
  EXPECT_EQ(registry.children(&parent), (std::map<std::string, const void*>{{"c", &child}}));
  EXPECT_EQ(registry.get_child_allocators(&parent, &child, "c").first.bytes(), 8u);
  registry.register_child(&parent, &other, "d");  // under a name of its own it is welcome
  registry.clear_parent(&parent);
  EXPECT_EQ(registry.group(&child), nullptr);  // still recorded, so cleared with its parent
  EXPECT_EQ(registry.group(&other), nullptr);
}

// register_child used to overwrite a user buffer named `{name}_shared`: an 8-element float64
// local buffer, parent of an alias, became 16 uint8 shared.
TEST(RegisterChild, RefusesToOverwriteAUserBufferOfAnEntryName) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_buffer("c_shared", &parent, 8, Location::local, false, std::nullopt,
                           Precision::float64);
  registry.register_buffer("alias", &parent, 4, Location::local, false, "c_shared");
  registry.register_buffer("d_persistent", &parent, 1, Location::local, true);
  registry.register_buffer("a", &child, 16, Location::shared, false, std::nullopt,
                           Precision::uint8);
  const auto entries = registry.group(&parent)->entries();
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&parent, &child, "c"); },
      {"bufreg: buffer 'c_shared': is a buffer of this parent, so child 'c' cannot take its "
       "name: give the child another name"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&parent, &child, "d"); },
      {"bufreg: buffer 'd_persistent': is a buffer of this parent, so child 'd'"}));
  EXPECT_EQ(registry.group(&parent)->entries(), entries);
  EXPECT_TRUE(registry.children(&parent).empty());
}

TEST(RegisterChild, AChildsEntriesAreTheRegistrysUntilTheChildGoes) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_buffer("a", &child, 2, Location::shared);
  registry.register_buffer("state", &parent, 3, Location::shared);
  registry.register_child(&parent, &child, "c");
  const auto entries = registry.group(&parent)->entries();
  bufreg::BufferUpdate grow;
  grow.size = 64;
  for (const std::string name : {"c_shared", "c_persistent"}) {
    EXPECT_TRUE(throws_with<std::invalid_argument>(
        [&] { registry.register_buffer(name, &parent, 64, Location::local); },
        {"buffer '" + name + "': holds child component 'c' in this parent"}));
    EXPECT_TRUE(throws_with<std::invalid_argument>(
        [&] { registry.update_buffer(name, &parent, grow); }, {"'" + name + "'", "'c'"}));
  }
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        registry.update(&parent, {{"state_location", "local"}, {"c_shared_location", "local"}});
      },
      {"'c_shared'", "'c'"}));
  EXPECT_EQ(registry.group(&parent)->entries(), entries);  // the move of 'state' not applied

  // Names beside the entries stay the user's, and so do the entries once the child is gone.
  registry.register_buffer("c_shared_copy", &parent, 5, Location::local);
  EXPECT_EQ(registry.get_allocator("c_shared_copy", &parent).count, 5u);
  registry.clear_parent(&child);
  EXPECT_EQ(registry.update_buffer("c_shared", &parent, grow), std::make_pair(true, true));
  EXPECT_EQ(registry.get_allocator("c_shared", &parent).count, 64u);
  EXPECT_EQ(registry.get_allocator("c_shared", &parent).region, Region::shared);
}

TEST(RegisterChild, ANameWhoseChildWasClearedMayBeReused) {
  BufferRegistry registry;
  Component parent, first, second;
  registry.register_buffer("a", &first, 2, Location::shared);
  registry.register_child(&parent, &first, "c");
  registry.clear_parent(&first);  // the child died; its entries stay in the parent
  EXPECT_TRUE(registry.children(&parent).empty());
  registry.register_buffer("b", &second, 4, Location::shared);
  registry.register_child(&parent, &second, "c");  // the entries are a child's, not the user's
  EXPECT_EQ(registry.get_child_allocators(&parent, &second, "c").first.bytes(), 16u);
  EXPECT_EQ(registry.children(&parent), (std::map<std::string, const void*>{{"c", &second}}));
}

TEST(RegisterChild, GetChildAllocatorsSeesTheChildsLatestSizes) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_buffer("a", &child, 2, Location::shared);
  registry.register_child(&parent, &child, "c");
  registry.get_child_allocators(&parent, &child, "c");
  const std::size_t builds = registry.group(&parent)->layout_builds();
  registry.get_child_allocators(&parent, &child, "c");  // unchanged: the layout stays cached
  EXPECT_EQ(registry.group(&parent)->layout_builds(), builds);
  registry.register_buffer("a", &child, 10, Location::shared);
  EXPECT_EQ(registry.get_child_allocators(&parent, &child, "c").first.bytes(), 40u);
}

TEST(RegisterChild, RejectsSelfAndEmptyName) {
  BufferRegistry registry;
  Component parent, child;
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&parent, &parent, "me"); }, {"'me'", "own child"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&parent, &child, ""); }, {"child name must not be empty"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.get_child_allocators(&parent, &parent, "me"); }, {"'me'", "own child"}));
  EXPECT_EQ(registry.group(&parent), nullptr);
}

// The one call components make: a child not yet registered under the name is registered then.
TEST(GetChildAllocators, RegistersAnUnregisteredChildOnTheSpot) {
  BufferRegistry registry;
  Component parent, child;
  registry.register_buffer("state", &parent, 1, Location::shared);
  registry.register_buffer("k", &child, 3, Location::shared, false, std::nullopt,
                           Precision::float64);
  registry.register_buffer("err", &child, 2, Location::local, true);
  const auto [shared, persistent] = registry.get_child_allocators(&parent, &child, "step");
  EXPECT_EQ(registry.children(&parent), (std::map<std::string, const void*>{{"step", &child}}));
  const auto& entries = registry.group(&parent)->entries();
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[1], bufreg::CUDABuffer("step_shared", 3, Location::shared, false, std::nullopt,
                                           Precision::int64));
  EXPECT_EQ(entries[2], bufreg::CUDABuffer("step_persistent", 2, Location::local, true,
                                           std::nullopt, Precision::int32));
  EXPECT_EQ(shared.region, Region::shared);
  EXPECT_EQ(shared.offset, 16u);
  EXPECT_EQ(shared.bytes(), 24u);
  EXPECT_EQ(persistent.region, Region::persistent);
  EXPECT_EQ(persistent.bytes(), 8u);
  // Asked again, it answers the same without registering anything more.
  const auto again = registry.get_child_allocators(&parent, &child, "step");
  EXPECT_EQ(again.first.offset, shared.offset);
  EXPECT_EQ(registry.group(&parent)->entries().size(), 3u);
  registry.clear_parent(&parent);
  EXPECT_EQ(registry.group(&child), nullptr);  // recorded, so cleared with its parent
}

TEST(GetChildAllocators, CreatesAnUnknownParentAndRollsAnEmptyChildUpAsEmptyRegions) {
  BufferRegistry registry;
  Component parent, child;
  const auto [shared, persistent] = registry.get_child_allocators(&parent, &child, "c");
  EXPECT_EQ(shared.bytes(), 0u);
  EXPECT_EQ(persistent.bytes(), 0u);
  ASSERT_NE(registry.group(&parent), nullptr);
  EXPECT_EQ(registry.group(&parent)->entries().size(), 2u);
  EXPECT_EQ(registry.group(&child), nullptr);  // the child has no buffers: no group for it
}

TEST(GetChildAllocators, RefusesWhatRegisterChildRefusesAndChangesNothing) {
  BufferRegistry registry;
  Component parent, child, other;
  registry.register_child(&parent, &child, "c");
  const auto entries = registry.group(&parent)->entries();
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.get_child_allocators(&parent, &other, "c"); },
      {"'c'", "another child component"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.get_child_allocators(&child, &parent, "p"); }, {"'p'", "cycle"}));
  EXPECT_EQ(registry.group(&parent)->entries(), entries);
  EXPECT_EQ(registry.group(&child), nullptr);
  EXPECT_EQ(registry.children(&parent), (std::map<std::string, const void*>{{"c", &child}}));
}

// A component graph must be a DAG: a cycle rolled every arena of it up into itself again on
// each refresh, and both arenas grew without bound (320 B, 480 B, 640 B...).
TEST(RegisterChild, RefusesATwoCycleNamingBothComponentsAndChangesNothing) {
  BufferRegistry registry;
  Component a, b;
  registry.register_buffer("x", &a, 10, Location::shared, false, std::nullopt, Precision::float64);
  registry.register_buffer("y", &b, 10, Location::shared, false, std::nullopt, Precision::float64);
  registry.register_child(&b, &a, "a");
  const auto entries_of_a = registry.group(&a)->entries();
  const auto entries_of_b = registry.group(&b)->entries();
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&a, &b, "b"); },
      {"bufreg: buffer 'b': component 'b' cannot be a child of component 'a', which is already "
       "inside it ('b' -> 'a'): components must not form a cycle"}));
  EXPECT_EQ(registry.group(&a)->entries(), entries_of_a);
  EXPECT_EQ(registry.group(&b)->entries(), entries_of_b);
  EXPECT_TRUE(registry.children(&a).empty());
  EXPECT_EQ(registry.children(&b), (std::map<std::string, const void*>{{"a", &a}}));
  // Refreshing the one edge left keeps the sizes: nothing inflates.
  for (int refresh = 0; refresh < 3; ++refresh) {
    registry.get_child_allocators(&b, &a, "a");
    EXPECT_EQ(registry.shared_buffer_size(&a), 80u);
    EXPECT_EQ(registry.shared_buffer_size(&b), 160u);
  }
}

// Components are keyed by address, and nullptr is an address like any other: a null child under
// a new name is a new edge, checked like every new edge (found by fuzz_registry).
TEST(RegisterChild, ANullChildIsCheckedLikeAnyOtherChild) {
  BufferRegistry registry;
  Component parent;
  registry.register_buffer("x", nullptr, 10, Location::shared);
  registry.register_child(nullptr, &parent, "p");
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&parent, nullptr, "n"); },
      {"bufreg: buffer 'n': component 'n' cannot be a child of component 'p', which is already "
       "inside it ('n' -> 'p'): components must not form a cycle"}));
  EXPECT_TRUE(registry.children(&parent).empty());

  Component other;
  registry.register_buffer("c_shared", &other, 8, Location::shared);
  const auto entries = registry.group(&other)->entries();
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&other, nullptr, "c"); },
      {"bufreg: buffer 'c_shared': is a buffer of this parent, so child 'c' cannot take its "
       "name"}));
  EXPECT_EQ(registry.group(&other)->entries(), entries);
  EXPECT_TRUE(registry.children(&other).empty());
}

TEST(RegisterChild, RefusesTheEdgeThatClosesALongerCycle) {
  BufferRegistry registry;
  Component a, b, c, d;
  registry.register_child(&a, &b, "b");
  registry.register_child(&b, &c, "c");
  registry.register_child(&a, &c, "c_too");  // a diamond is not a cycle
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { registry.register_child(&c, &a, "a"); },
      {"bufreg: buffer 'a': component 'a' cannot be a child of component 'c', which is already "
       "inside it ('a' -> 'b' -> 'c'): components must not form a cycle"}));
  EXPECT_EQ(registry.group(&c), nullptr);  // not even an empty group was left behind
  registry.register_child(&c, &d, "d");    // a new leaf is fine
  EXPECT_THROW(registry.register_child(&d, &b, "b"), std::invalid_argument);
  EXPECT_EQ(registry.children(&d).size(), 0u);
}

TEST(ClearParent, CascadesToChildrenRecursively) {
  BufferRegistry registry;
  Component loop, step, solver, bystander;
  for (const Component* c : {&loop, &step, &solver, &bystander}) {
    registry.register_buffer("x", c, 1, Location::shared);
  }
  registry.register_child(&step, &solver, "solver");
  registry.register_child(&loop, &step, "step");
  registry.clear_parent(&loop);
  EXPECT_EQ(registry.group(&loop), nullptr);
  EXPECT_EQ(registry.group(&step), nullptr);
  EXPECT_EQ(registry.group(&solver), nullptr);
  EXPECT_NE(registry.group(&bystander), nullptr);
}

TEST(ClearParent, ClearsTheChainLeftByARefusedCycle) {
  BufferRegistry registry;
  Component a, b, c;
  registry.register_child(&a, &b, "b");
  registry.register_child(&b, &c, "c");
  EXPECT_THROW(registry.register_child(&c, &a, "a"), std::invalid_argument);
  registry.clear_parent(&b);
  EXPECT_NE(registry.group(&a), nullptr);  // b's parent stays, and forgets b
  EXPECT_TRUE(registry.children(&a).empty());
  EXPECT_EQ(registry.group(&b), nullptr);
  EXPECT_EQ(registry.group(&c), nullptr);
}

TEST(ClearParent, ForgetsTheRemovedComponentInOtherParents) {
  BufferRegistry registry;
  Component first_parent, second_parent, child;
  registry.register_buffer("old", &child, 1, Location::shared);
  registry.register_child(&first_parent, &child, "c");
  registry.register_child(&second_parent, &child, "c");
  registry.clear_parent(&child);  // the child dies before its parents
  EXPECT_EQ(registry.group(&child), nullptr);
  EXPECT_TRUE(registry.children(&first_parent).empty());
  EXPECT_TRUE(registry.children(&second_parent).empty());
  registry.register_buffer("new", &child, 1, Location::shared);  // a new component, same address
  registry.clear_parent(&first_parent);
  registry.clear_parent(&second_parent);
  EXPECT_NE(registry.group(&child), nullptr);
}

// A diamond: clearing one parent used to remove the child both share, and the other parent then
// threw when it asked for the child's allocators.
TEST(ClearParent, ASharedChildLivesUntilItsLastParentGoes) {
  BufferRegistry registry;
  Component first_parent, second_parent, child;
  registry.register_buffer("k", &child, 4, Location::shared);
  registry.register_child(&first_parent, &child, "c");
  registry.register_child(&second_parent, &child, "c");
  registry.clear_parent(&first_parent);
  EXPECT_EQ(registry.group(&first_parent), nullptr);
  ASSERT_NE(registry.group(&child), nullptr);
  EXPECT_TRUE(registry.group(&child)->contains("k"));
  EXPECT_EQ(registry.children(&second_parent), (std::map<std::string, const void*>{{"c", &child}}));
  EXPECT_EQ(registry.get_child_allocators(&second_parent, &child, "c").first.bytes(), 16u);
  registry.clear_parent(&second_parent);
  EXPECT_EQ(registry.group(&child), nullptr);
}

TEST(ClearParent, ASharedChildGoesWhenEveryParentIsClearedAtOnce) {
  BufferRegistry registry;
  Component root, middle, leaf, bystander, other_leaf;
  for (const Component* c : {&root, &middle, &leaf, &bystander, &other_leaf}) {
    registry.register_buffer("x", c, 1, Location::shared);
  }
  // Cleared before 'middle' ('shortcut' sorts last), while middle still holds it: kept then,
  // and removed when middle goes.
  registry.register_child(&root, &leaf, "shortcut");
  registry.register_child(&root, &middle, "middle");
  registry.register_child(&middle, &leaf, "leaf");
  registry.register_child(&middle, &other_leaf, "other_leaf");
  registry.register_child(&bystander, &other_leaf, "other_leaf");
  registry.clear_parent(&root);
  EXPECT_EQ(registry.group(&root), nullptr);
  EXPECT_EQ(registry.group(&middle), nullptr);
  EXPECT_EQ(registry.group(&leaf), nullptr);        // both its parents went
  EXPECT_NE(registry.group(&other_leaf), nullptr);  // the bystander still holds it
  EXPECT_EQ(registry.children(&bystander),
            (std::map<std::string, const void*>{{"other_leaf", &other_leaf}}));
}

TEST(ResetRemovesEverything, AllGroupsGone) {
  BufferRegistry registry;
  Component a, b;
  registry.register_buffer("x", &a, 1, Location::shared);
  registry.register_buffer("x", &b, 1, Location::shared);
  registry.reset();
  EXPECT_EQ(registry.group(&a), nullptr);
  EXPECT_EQ(registry.group(&b), nullptr);
}

TEST(UpdateSettings, MovesNamedBuffersAndReturnsRecognizedKeys) {
  BufferRegistry registry;
  Component component;
  registry.register_buffer("state", &component, 4, Location::local);
  registry.register_buffer("proposal", &component, 4, Location::shared);
  const auto recognized = registry.update(&component, {{"state_location", "shared"},
                                                       {"proposal_location", "shared"},
                                                       {"ghost_location", "local"},
                                                       {"state_size", "7"},
                                                       {"_location", "local"}});
  EXPECT_EQ(recognized, (std::set<std::string>{"proposal_location", "state_location"}));
  EXPECT_EQ(registry.group(&component)->shared_layout().size(), 2u);
  EXPECT_EQ(registry.local_buffer_size(&component), 0u);
}

TEST(UpdateSettings, InvalidValueThrowsAndChangesNothing) {
  BufferRegistry registry;
  Component component;
  registry.register_buffer("a", &component, 4, Location::local);
  registry.register_buffer("b", &component, 4, Location::local);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        registry.update(&component, {{"a_location", "shared"}, {"b_location", "texture"}});
      },
      {"'b'", "'texture'", "'b_location'"}));
  EXPECT_EQ(registry.shared_buffer_size(&component), 0u);  // 'a' did not move either
  EXPECT_NO_THROW(registry.update(&component, {{"ghost_location", "texture"}}));  // ignored
}

TEST(UpdateSettings, MovesKeepLiveIntervalsAndANoOpKeepsTheLayout) {
  BufferRegistry registry(LayoutOptions{16, bufreg::Planner::best});
  Component component;
  registry.register_buffer("a", &component, 4, Location::shared, false, std::nullopt,
                           Precision::float32, bufreg::LiveInterval{0, 1});
  registry.register_buffer("b", &component, 4, Location::shared, false, std::nullopt,
                           Precision::float32, bufreg::LiveInterval{1, 2});
  EXPECT_EQ(registry.shared_buffer_size(&component), 16u);
  const std::size_t builds = registry.group(&component)->layout_builds();
  registry.update(&component, {{"b_location", "shared"}});  // where it is already
  EXPECT_EQ(registry.shared_buffer_size(&component), 16u);
  EXPECT_EQ(registry.group(&component)->layout_builds(), builds);
  registry.update(&component, {{"b_location", "local"}});
  EXPECT_EQ(registry.group(&component)->entries()[1].live(), (bufreg::LiveInterval{1, 2}));
}

TEST(UpdateSettings, AMoveTheGroupRefusesChangesNothing) {
  BufferRegistry registry;
  Component component;
  registry.register_buffer("a", &component, 4, Location::local);
  // Persistent: shared memory does not survive the launch, so 'b' cannot move there.
  registry.register_buffer("b", &component, 4, Location::local, true);
  const auto entries = registry.group(&component)->entries();
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        registry.update(&component, {{"a_location", "shared"}, {"b_location", "shared"}});
      },
      {"bufreg: buffer 'b': is persistent, but shared memory does not survive the launch"}));
  EXPECT_EQ(registry.group(&component)->entries(), entries);  // 'a' did not move either
  EXPECT_EQ(registry.shared_buffer_size(&component), 0u);
  EXPECT_EQ(registry.persistent_local_buffer_size(&component), 16u);
}

TEST(Registry, DefaultInstanceIsOneObject) {
  EXPECT_EQ(&bufreg::buffer_registry(), &bufreg::buffer_registry());
}

// Several threads register, update, query, roll up and clear on one registry at once. Run under
// ThreadSanitizer in CI; here it checks that every thread's own component ends consistent.
TEST(RegistryConcurrency, ManyThreadsOneRegistry) {
  BufferRegistry registry;
  constexpr int threads = 4;
  constexpr int rounds = 300;
  std::vector<Component> own(threads);
  Component shared_parent;
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const void* me = &own[static_cast<std::size_t>(t)];
      for (int r = 0; r < rounds; ++r) {
        const auto n = static_cast<std::size_t>(r % 7 + 1);
        registry.register_buffer("state", me, n, Location::shared);
        registry.register_buffer("alias", me, 1, Location::local, false, "state");
        registry.register_buffer("t" + std::to_string(t), &shared_parent, n, Location::local);
        registry.register_child(&shared_parent, me, "child" + std::to_string(t));
        registry.update(me, {{"alias_location", r % 2 ? "shared" : "local"}});
        if (registry.shared_buffer_size(me) != n * 4) ++failures;
        registry.get_child_allocators(&shared_parent, me, "child" + std::to_string(t));
        registry.local_buffer_size(&shared_parent);
        if (r % 50 == 49) registry.clear_parent(me);
      }
    });
  }
  for (auto& worker : workers) worker.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(registry.group(&shared_parent)->entries().size(), 3u * threads);
}

}  // namespace
