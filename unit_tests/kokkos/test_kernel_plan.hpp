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
  bufreg::KernelPlan<ExecSpace> plan(group);
  EXPECT_EQ(plan.shared_bytes_per_thread(), 48u);  // rounded up to the 16-byte alignment
  EXPECT_EQ(plan.persistent_bytes_per_thread(), 16u);
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
  bufreg::KernelPlan<ExecSpace> plan(group);
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
  bufreg::KernelPlan<ExecSpace> plan(registry, &component);
  EXPECT_EQ(plan.shared_bytes_per_thread(), 32u);
  EXPECT_TRUE(throws_with<std::out_of_range>(
      [&] { bufreg::KernelPlan<ExecSpace> none(registry, &nobody); }, {"no buffers registered"}));
}

}  // namespace bufreg_test
