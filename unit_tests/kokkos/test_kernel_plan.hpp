// KernelPlan on the host: scratch sizing, limits checked before launch, team sizes. TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <stdexcept>
#include <string>

#include <bufreg/kokkos.hpp>

#include "../expect_error.hpp"
#include "test_support.hpp"

namespace bufreg_test {

using bufreg::test::throws_with;

template <class ExecSpace>
struct EmptyKernel {
  KOKKOS_INLINE_FUNCTION void operator()(
      const typename Kokkos::TeamPolicy<ExecSpace>::member_type&) const {}
};

template <class ExecSpace>
std::size_t level0_limit() {
  return static_cast<std::size_t>(Kokkos::TeamPolicy<ExecSpace>::scratch_size_max(0));
}

TEST(TEST_CATEGORY, ConfigureSizesLevel0ScratchPerThreadPlusAlignmentSlack) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 10, bufreg::Location::shared);  // 40 bytes
  group.register_buffer("y", 1, bufreg::Location::local, true, {}, bufreg::Precision::float64);
  group.register_buffer("z", 3, bufreg::Location::local);
  bufreg::KernelPlan<ExecSpace> plan(group, bufreg::ThreadLayout::thread_contiguous);
  EXPECT_EQ(plan.shared_bytes_per_thread(), 48u);      // rounded up to the 16-byte alignment
  EXPECT_EQ(plan.persistent_bytes_per_thread(), 64u);  // a cache line: no false sharing
  EXPECT_EQ(plan.local_bytes_per_thread(), 12u);
  const int team = test_team_size<ExecSpace>();
  EXPECT_EQ(plan.level0_bytes_per_team(team), 16u + 48u * idx(team));
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(2, team));
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(0, team)),
            plan.level0_bytes_per_team(team));
  // Configuring again sets, never adds.
  const auto again = plan.configure(policy);
  EXPECT_EQ(static_cast<std::size_t>(again.scratch_size(0, team)),
            plan.level0_bytes_per_team(team));
}

TEST(TEST_CATEGORY, ExtraLevel0ScratchIsAddedToBufregs) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 4, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> plan(group);
  plan.add_level0_scratch(100, 8);
  const int team = test_team_size<ExecSpace>();
  EXPECT_EQ(plan.level0_bytes_per_team(team), 100u + 16u + (8u + 16u) * idx(team));
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, team));
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(0, team)),
            plan.level0_bytes_per_team(team));
}

TEST(TEST_CATEGORY, GroupWithoutSharedBuffersNeedsNoScratch) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("z", 3, bufreg::Location::local);
  bufreg::KernelPlan<ExecSpace> plan(group);
  EXPECT_EQ(plan.level0_bytes_per_team(4), 0u);
}

TEST(TEST_CATEGORY, SharedBuffersTooLargeForOneThreadThrowBeforeLaunch) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("small", 4, bufreg::Location::shared);
  group.register_buffer("huge", level0_limit<ExecSpace>(), bufreg::Location::shared, false, {},
                        bufreg::Precision::uint8);
  group.register_buffer("medium", 64, bufreg::Location::shared);
  group.register_buffer("inside", 64, bufreg::Location::shared, false, "huge");  // no space
  bufreg::KernelPlan<ExecSpace> plan(group);
  EXPECT_TRUE(throws_with<std::runtime_error>(
      [&] { plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1)); },
      {"a team of 1 needs", "level-0 scratch", ExecSpace::name(),
       "largest shared buffers: 'huge' (" + std::to_string(level0_limit<ExecSpace>()) +
           " B), 'medium' (256 B), 'small' (16 B)",
       "not even one thread fits"}));
  EXPECT_TRUE(throws_with<std::runtime_error>(
      [&] {
        plan.largest_team_size(Kokkos::TeamPolicy<ExecSpace>(1, 1), EmptyKernel<ExecSpace>{});
      },
      {"not even one thread fits"}));
}

TEST(TEST_CATEGORY, TeamTooLargeForScratchNamesTheTeamSizeThatFits) {
  using ExecSpace = TEST_EXECSPACE;
  const int team = test_team_size<ExecSpace>();
  bufreg::BufferGroup group;
  // One thread's arena is just over half of the limit: one thread fits, two do not.
  group.register_buffer("state", level0_limit<ExecSpace>() / 2, bufreg::Location::shared, false, {},
                        bufreg::Precision::uint8);
  bufreg::KernelPlan<ExecSpace> plan(group);
  EXPECT_EQ(plan.largest_team_size(Kokkos::TeamPolicy<ExecSpace>(1, 1), EmptyKernel<ExecSpace>{}),
            1);
  EXPECT_NO_THROW(plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1)));
  if (team >= 2) {
    EXPECT_TRUE(throws_with<std::runtime_error>(
        [&] { plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 2)); },
        {"a team of 2 needs", "'state'", "a team size of 1 fits"}));
  }
}

TEST(TEST_CATEGORY, LargestTeamSizeIsTheSmallerOfScratchAndKokkosLimits) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("state", 1000, bufreg::Location::shared, false, {},
                        bufreg::Precision::uint8);  // 1008-byte stride
  bufreg::KernelPlan<ExecSpace> plan(group);
  Kokkos::TeamPolicy<ExecSpace> policy(1, 1);
  policy.set_scratch_size(0, Kokkos::PerTeam(16), Kokkos::PerThread(1008));
  const int kokkos_max = policy.team_size_max(EmptyKernel<ExecSpace>{}, Kokkos::ParallelForTag());
  const int scratch_max = static_cast<int>((level0_limit<ExecSpace>() - 16) / 1008);
  EXPECT_EQ(plan.largest_team_size(Kokkos::TeamPolicy<ExecSpace>(1, 1), EmptyKernel<ExecSpace>{}),
            std::min(kokkos_max, scratch_max));
}

TEST(TEST_CATEGORY, AutoTeamSizeIsResolvedToOneThatFits) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("state", 2000, bufreg::Location::shared, false, {},
                        bufreg::Precision::uint8);
  bufreg::KernelPlan<ExecSpace> plan(group);
  const Kokkos::TeamPolicy<ExecSpace> automatic(3, Kokkos::AUTO);
  const auto policy = plan.configure(automatic, EmptyKernel<ExecSpace>{});
  EXPECT_FALSE(policy.impl_auto_team_size());
  EXPECT_GE(policy.team_size(), 1);
  EXPECT_LE(policy.team_size(), plan.largest_team_size(automatic, EmptyKernel<ExecSpace>{}));
  EXPECT_EQ(policy.league_size(), 3);
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(0, policy.team_size())),
            plan.level0_bytes_per_team(policy.team_size()));
  EXPECT_NO_THROW(plan.template kernel_arenas<0>(policy));
  if (automatic.impl_auto_team_size()) {
    EXPECT_TRUE(throws_with<std::invalid_argument>([&] { plan.configure(automatic); },
                                                   {"AUTO", "pass the functor"}));
  }
}

TEST(TEST_CATEGORY, KernelArenasRefuseAPolicyWithoutBufregsScratch) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("state", 8, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> plan(group, bufreg::ThreadLayout::thread_contiguous);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { plan.template kernel_arenas<0>(Kokkos::TeamPolicy<ExecSpace>(1, 1)); },
      {"the policy configure() returned", "bufreg needs 48"}));
}

TEST(TEST_CATEGORY, LocalArenaTooSmallOrUnderAlignedIsRefusedBeforeLaunch) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group(bufreg::LayoutOptions{32});
  group.register_buffer("a", 8, bufreg::Location::local);   // [0, 32)
  group.register_buffer("b", 10, bufreg::Location::local);  // [32, 72)
  bufreg::KernelPlan<ExecSpace> plan(group);
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { plan.template kernel_arenas<64, 32>(policy); },
      {"local buffers need 72 B", "LocalArena holds 64 B", "LocalArena<72, 32> or larger"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { plan.template kernel_arenas<72>(policy); },
      {"32-byte alignment", "16-byte aligned", "LocalArena<72, 32>"}));
  EXPECT_NO_THROW((plan.template kernel_arenas<72, 32>(policy)));
}

TEST(TEST_CATEGORY, PlanFromARegistryParent) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferRegistry registry;
  int component = 0, nobody = 0;
  registry.register_buffer("x", &component, 6, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> plan(registry, &component, bufreg::ThreadLayout::thread_contiguous);
  EXPECT_EQ(plan.shared_bytes_per_thread(), 32u);
  EXPECT_TRUE(throws_with<std::out_of_range>(
      [&] { bufreg::KernelPlan<ExecSpace> none(registry, &nobody); }, {"no buffers registered"}));
}

TEST(TEST_CATEGORY, DefaultThreadLayoutFollowsTheMemorySpace) {
  using ExecSpace = TEST_EXECSPACE;
  constexpr bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecSpace::memory_space>::accessible;
  bufreg::BufferGroup group;
  group.register_buffer("x", 1, bufreg::Location::shared);
  EXPECT_EQ(bufreg::KernelPlan<ExecSpace>(group).thread_layout(),
            host ? bufreg::ThreadLayout::thread_contiguous : bufreg::ThreadLayout::warp_shaped);
}

TEST(TEST_CATEGORY, WarpShapedPlanSkewsLevel0AndInterleavesPersistentStorage) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 56, bufreg::Location::shared, false, {}, bufreg::Precision::float64);
  group.register_buffer("f", 3, bufreg::Location::local, true);  // 12 B, float32
  bufreg::KernelPlan<ExecSpace> plan(group, bufreg::ThreadLayout::warp_shaped);
  // 448 B = 56 doubles, an even count: the next odd one, 57 doubles apart.
  EXPECT_EQ(plan.shared_bytes_per_thread(), 456u);
  EXPECT_EQ(plan.shared_addressing().tile_threads, 1u);
  EXPECT_EQ(plan.persistent_addressing().tile_threads, 32u);
  EXPECT_EQ(plan.persistent_addressing().tile_bytes, 32u * 12u);
  EXPECT_EQ(plan.persistent_bytes_per_thread(), 12u);
  const int team = test_team_size<ExecSpace>();
  EXPECT_EQ(plan.level0_bytes_per_team(team), 16u + 456u * idx(team));
  EXPECT_EQ(plan.describe(),
            "thread layout: warp_shaped\n"
            "level 0: 448 B per thread, threads 456 B apart (an odd multiple of 8 B: even across "
            "the banks)\n"
            "persistent: 12 B per thread, interleaved in tiles of 32 threads (coalesced)\n"
            "local: 0 B per thread, on the stack (LocalArena)\n");
  // 41 threads take two tiles; the storage is laid out and labelled as planned.
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(41, 1));
  plan.template kernel_arenas<0>(policy);
  EXPECT_EQ(plan.persistent_storage().view().extent(0), 2u * 32u * 12u);
  EXPECT_EQ(plan.persistent_storage().view().label(), "bufreg::persistent");
}

TEST(TEST_CATEGORY, PersistentBuffersOfDifferentWidthsSharingBytesStayContiguous) {
  using ExecSpace = TEST_EXECSPACE;
  // A float32 alias inside a float64 persistent parent: interleaving the two element by element
  // would give one thread's bytes to another.
  bufreg::BufferGroup group;
  group.register_buffer("history", 4, bufreg::Location::local, true, {},
                        bufreg::Precision::float64);
  group.register_buffer("flags", 2, bufreg::Location::local, true, "history");
  ASSERT_TRUE(group.placements()[1].inside_parent);
  bufreg::KernelPlan<ExecSpace> plan(group, bufreg::ThreadLayout::warp_shaped);
  EXPECT_EQ(plan.persistent_addressing().tile_threads, 1u);
  EXPECT_EQ(plan.persistent_bytes_per_thread(), 64u);
  EXPECT_EQ(plan.describe().substr(plan.describe().find("persistent:")),
            "persistent: 32 B per thread, contiguous rows 64 B apart because 'history' (8-byte "
            "elements) and 'flags' (4-byte elements) share bytes\n"
            "local: 0 B per thread, on the stack (LocalArena)\n");

  // The same in a child component: the parent's plan sees it.
  bufreg::BufferRegistry registry;
  int parent = 0, child = 0;
  registry.register_buffer("state", &parent, 2, bufreg::Location::local, true, {},
                           bufreg::Precision::float64);
  registry.register_buffer("history", &child, 4, bufreg::Location::local, true, {},
                           bufreg::Precision::float64);
  registry.register_buffer("flags", &child, 2, bufreg::Location::local, true, "history");
  registry.register_child(&parent, &child, "step");
  EXPECT_EQ(bufreg::KernelPlan<ExecSpace>(registry, &parent, bufreg::ThreadLayout::warp_shaped)
                .persistent_addressing()
                .tile_threads,
            1u);
  EXPECT_EQ(
      bufreg::KernelPlan<ExecSpace>(*registry.group(&parent), bufreg::ThreadLayout::warp_shaped)
          .persistent_addressing()
          .tile_threads,
      32u);  // the group alone cannot see its child's buffers
}

TEST(TEST_CATEGORY, ArenasBeyondWhatAKernelAddressesAreRefusedBeforeAllocating) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("history", std::size_t{5} << 30, bufreg::Location::local, true, {},
                        bufreg::Precision::uint8);  // 5 GiB per thread
  bufreg::KernelPlan<ExecSpace> plan(group);
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1));
  EXPECT_TRUE(throws_with<std::runtime_error>(
      [&] { plan.template kernel_arenas<0>(policy); },
      {"bufreg: 5368709120 persistent bytes per thread do not fit the 32 bits a kernel captures"}));
  EXPECT_EQ(plan.persistent_storage().view().extent(0), 0u);  // nothing was allocated
}

struct SizingTag {};

template <class ExecSpace>
struct TaggedKernel {
  KOKKOS_INLINE_FUNCTION void operator()(
      SizingTag, const typename Kokkos::TeamPolicy<ExecSpace>::member_type&) const {}
};

TEST(TEST_CATEGORY, ConfigureKeepsWhatThePolicyCarries) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 10, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> plan(group);
  Kokkos::TeamPolicy<ExecSpace, SizingTag> automatic(5, Kokkos::AUTO);
  automatic.set_chunk_size(3);
  automatic.set_scratch_size(1, Kokkos::PerTeam(100), Kokkos::PerThread(24));
  const Kokkos::TeamPolicy<ExecSpace, SizingTag> policy =
      plan.configure(automatic, TaggedKernel<ExecSpace>{});
  const int team = policy.team_size();
  EXPECT_EQ(policy.league_size(), 5);
  EXPECT_EQ(policy.chunk_size(), 3);
  const std::size_t level1 = static_cast<std::size_t>(policy.scratch_size(1, team));
  const std::size_t asked = static_cast<std::size_t>(automatic.scratch_size(1, team));
  EXPECT_EQ(level1, asked);  // 100 + 24 * team where teams have more than one thread
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(0, team)),
            plan.level0_bytes_per_team(team));
  if (bufreg::default_thread_layout<ExecSpace>() == bufreg::ThreadLayout::warp_shaped &&
      team >= 32) {
    EXPECT_EQ(team % 32, 0) << "GPU teams are whole warps";
  }
}

TEST(TEST_CATEGORY, VectorLanesAreRefusedBeforeLaunch) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 10, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> plan(group);
  const Kokkos::TeamPolicy<ExecSpace> lanes(2, 1, 4);
  if (lanes.impl_vector_length() == 1) return;  // host backends of Kokkos 3 drop vector lanes
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { plan.configure(lanes); },
                                                 {"vector length is 4", "vector length of 1"}));
}

TEST(TEST_CATEGORY, LocalBuffersInLevel1ScratchAreSizedFromTheLayout) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 4, bufreg::Location::shared);
  group.register_buffer("work", 100, bufreg::Location::local, false, {},
                        bufreg::Precision::float64);
  group.register_buffer("flags", 3, bufreg::Location::local, false, {}, bufreg::Precision::uint8);
  const int team = test_team_size<ExecSpace>();
  const auto level1_of = [&](const Kokkos::TeamPolicy<ExecSpace>& policy) {
    return static_cast<std::size_t>(policy.scratch_size(1, team));
  };

  // Warp-shaped: tiles of 32 threads, each thread's 803 B rounded up to whole doubles.
  bufreg::KernelPlan<ExecSpace> warp(group, bufreg::ThreadLayout::warp_shaped);
  EXPECT_EQ(warp.local_storage(), bufreg::LocalStorage::stack);
  EXPECT_EQ(warp.level1_bytes_per_team(team), 0u);
  warp.set_local_storage(bufreg::LocalStorage::level1_scratch);
  EXPECT_EQ(warp.local_addressing().tile_threads, 32u);
  EXPECT_EQ(warp.local_addressing().tile_bytes, 32u * 808u);
  // Per team one tile for the partial one and 32 B of alignment slack (a sector); per thread a
  // tile's share.
  EXPECT_EQ(warp.level1_bytes_per_team(team), 32u * 808u + 32u + 808u * idx(team));
  EXPECT_EQ(warp.describe().substr(warp.describe().find("local:")),
            "local: 803 B per thread, in level-1 scratch, interleaved in tiles of 32 threads "
            "(coalesced)\n");
  auto policy = warp.configure(Kokkos::TeamPolicy<ExecSpace>(3, team));
  EXPECT_EQ(level1_of(policy), warp.level1_bytes_per_team(team));
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(0, team)),
            warp.level0_bytes_per_team(team));
  warp.add_level1_scratch(64, 8);
  EXPECT_EQ(warp.level1_bytes_per_team(team), 32u * 808u + 32u + 64u + (808u + 8u) * idx(team));
  policy = warp.configure(Kokkos::TeamPolicy<ExecSpace>(3, team));
  EXPECT_EQ(level1_of(policy), warp.level1_bytes_per_team(team));
  warp.kernel_arenas(policy);  // no LocalArena capacity

  // Contiguous rows, each rounded up to a 64-byte cache line.
  bufreg::KernelPlan<ExecSpace> rows(group, bufreg::ThreadLayout::thread_contiguous);
  rows.set_local_storage(bufreg::LocalStorage::level1_scratch);
  EXPECT_EQ(rows.local_addressing().tile_threads, 1u);
  EXPECT_EQ(rows.local_addressing().tile_bytes, 832u);
  EXPECT_EQ(rows.level1_bytes_per_team(team), 32u + 832u * idx(team));
  EXPECT_EQ(level1_of(rows.configure(Kokkos::TeamPolicy<ExecSpace>(3, team))),
            rows.level1_bytes_per_team(team));

  // Without local buffers the plan leaves level 1 to the policy.
  bufreg::BufferGroup shared_only;
  shared_only.register_buffer("x", 4, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> none(shared_only);
  none.set_local_storage(bufreg::LocalStorage::level1_scratch);
  EXPECT_EQ(none.level1_bytes_per_team(team), 0u);
  Kokkos::TeamPolicy<ExecSpace> own(3, team);
  own.set_scratch_size(1, Kokkos::PerTeam(64));
  EXPECT_EQ(level1_of(none.configure(own)), 64u);
}

}  // namespace bufreg_test
