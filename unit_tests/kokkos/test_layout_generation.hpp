// Stale layouts are refused before launch: a plan or an allocator taken before a child grew.
// TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <functional>
#include <limits>
#include <stdexcept>
#include <string>

#include <bufreg/kokkos.hpp>

#include "../expect_error.hpp"
#include "test_support.hpp"

namespace bufreg_test {

using bufreg::test::throws_with;

// Writes the parent's 'state' and the child's 'k' (through the child's arenas) from poisoned
// storage, then reads both back.
template <class ExecSpace>
struct GrownChildKernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 0> arenas;
  bufreg::Allocator state, child_shared, child_persistent, k;
  Kokkos::View<double**, typename ExecSpace::memory_space> out;
  std::size_t shared_stride;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<0> local, child_local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    poison(mine.shared_base(), shared_stride);
    member.team_barrier();
    const bufreg::ThreadArenas child = mine.child(child_shared, child_persistent, child_local);
    const auto s = mine.span<double>(state);
    const auto x = child.span<float>(k);
    for (std::size_t i = 0; i < state.count; ++i) s[i] = pattern<double>(t, 0, int(i));
    for (std::size_t i = 0; i < k.count; ++i) x[i] = pattern<float>(t, 1, int(i));
    member.team_barrier();  // every thread has written before any reads back
    std::size_t column = 0;
    for (std::size_t i = 0; i < state.count; ++i) out(idx(t), column++) = s[i];
    for (std::size_t i = 0; i < k.count; ++i) out(idx(t), column++) = x[i];
  }
};

// The case: allocators and a plan are taken, then the child grows and 'state' moves
// from offset 16 to 416 in the parent. The old plan sized scratch for 80 bytes per thread.
TEST(TEST_CATEGORY, AChildThatGrowsMakesOldPlansAndAllocatorsStale) {
  using ExecSpace = TEST_EXECSPACE;
  using bufreg::Location;
  using Policy = Kokkos::TeamPolicy<ExecSpace>;
  bufreg::BufferRegistry registry;
  int loop = 0, step = 0;
  registry.register_buffer("k", &step, 4, Location::shared);
  registry.get_child_allocators(&loop, &step, "step");
  registry.register_buffer("state", &loop, 8, Location::shared, false, {},
                           bufreg::Precision::float64);
  const bufreg::Allocator state = registry.get_allocator("state", &loop);
  const bufreg::Allocator k = registry.get_allocator("k", &step);
  EXPECT_EQ(state.offset, 16u);
  const int league = 6, team = test_team_size<ExecSpace>();
  bufreg::KernelPlan<ExecSpace> plan(registry, &loop, bufreg::ThreadLayout::thread_contiguous);
  const Policy policy = plan.configure(Policy(league, team));
  EXPECT_NO_THROW(plan.check(state, k));

  // Refreshes that change nothing refuse nothing.
  registry.get_child_allocators(&loop, &step, "step");
  registry.clear_layout(&step);
  registry.clear_layout(&loop);
  registry.register_buffer("k", &step, 4, Location::shared);
  EXPECT_NO_THROW(plan.check(state, k));
  EXPECT_NO_THROW(plan.configure(Policy(league, team)));
  EXPECT_NO_THROW(plan.template kernel_arenas<0>(policy));

  registry.register_buffer("k", &step, 104, Location::shared);  // 416 bytes
  const std::string loop_was = std::to_string(plan.generations().at(""));
  const std::string loop_now = std::to_string(registry.group(&loop)->generation());
  for (const auto& refused :
       {std::function<void()>([&] { plan.configure(Policy(league, team)); }),
        std::function<void()>([&] { plan.template kernel_arenas<0>(policy); }),
        std::function<void()>([&] { plan.check(); })}) {
    EXPECT_TRUE(throws_with<std::logic_error>(
        refused, {"bufreg: the plan was made for layout generation " + loop_was +
                  " of the planned component, which is now generation " + loop_now +
                  ": make a new KernelPlan"}));
  }

  bufreg::KernelPlan<ExecSpace> fresh(registry, &loop, bufreg::ThreadLayout::thread_contiguous);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { fresh.check(state); },
      {"bufreg: buffer 'state': its allocator is from layout generation " +
           std::to_string(state.generation) + ", but the plan is for generation " + loop_now +
           " (the planned component), ",
       " (component 'step'): take allocators again"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { fresh.check(k); }, {"buffer 'k'"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { fresh.check(bufreg::Allocator{}); },
                                                 {"from layout generation 0"}));

  const auto [child_shared, child_persistent] = registry.get_child_allocators(&loop, &step, "step");
  GrownChildKernel<ExecSpace> kernel{{},
                                     registry.get_allocator("state", &loop),
                                     child_shared,
                                     child_persistent,
                                     registry.get_allocator("k", &step),
                                     Kokkos::View<double**, typename ExecSpace::memory_space>(
                                         "bufreg_test::grown_out", idx(league * team), 8 + 104),
                                     fresh.shared_bytes_per_thread()};
  EXPECT_EQ(kernel.state.offset, 416u);
  EXPECT_NO_THROW(
      fresh.check(kernel.state, kernel.child_shared, kernel.child_persistent, kernel.k));
  const Policy fresh_policy = fresh.configure(Policy(league, team));
  kernel.arenas = fresh.template kernel_arenas<0>(fresh_policy);
  Kokkos::deep_copy(kernel.out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::grown_child", fresh_policy, kernel);
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.out);
  for (int t = 0; t < league * team; ++t) {
    for (int i = 0; i < 8; ++i) {
      EXPECT_EQ(out(idx(t), idx(i)), pattern<double>(t, 0, i)) << "thread " << t << " state " << i;
    }
    for (int i = 0; i < 104; ++i) {
      EXPECT_EQ(out(idx(t), idx(8 + i)), pattern<float>(t, 1, i)) << "thread " << t << " k " << i;
    }
  }
}

// A plan of a group (not a registry's component) refuses the same way.
TEST(TEST_CATEGORY, AGroupsPlanRefusesAfterTheGroupMoved) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("a", 4, bufreg::Location::shared);
  group.register_buffer("b", 4, bufreg::Location::shared);
  const bufreg::Allocator b = group.get_allocator("b");
  bufreg::KernelPlan<ExecSpace> plan(group);
  group.register_buffer("a", 4, bufreg::Location::shared);  // the same again: still current
  EXPECT_NO_THROW(plan.check(b));
  group.register_buffer("a", 8, bufreg::Location::shared);
  EXPECT_TRUE(throws_with<std::logic_error>(
      [&] { plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1)); }, {"of its group"}));
  bufreg::KernelPlan<ExecSpace> fresh(group);
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { fresh.check(b); }, {"buffer 'b'"}));
  EXPECT_NO_THROW(fresh.check(group.get_allocator("b")));
}

}  // namespace bufreg_test
