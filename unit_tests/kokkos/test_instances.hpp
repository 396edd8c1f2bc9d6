// Execution-space instances: kernel_arenas(space, policy) allocates, zeroes and grows the
// persistent storage on `space`, labelled with the plan's prefix. TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cstring>
#include <limits>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

template <class ExecSpace>
using InstanceOut = Kokkos::View<double**, typename ExecSpace::memory_space>;

// Writes every element of a shared and a persistent buffer (the persistent ones only with a
// seed) and copies both out: 5 shared floats, then 3 persistent doubles, per thread.
template <class ExecSpace>
struct InstanceKernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 0> arenas;
  bufreg::Allocator state, history;
  std::size_t shared_stride;
  InstanceOut<ExecSpace> out;
  int seed;  // 0: leave the persistent buffer as it is

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<0> local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    poison(mine.shared_base(), shared_stride);
    const auto x = mine.span<float>(state);
    const auto h = mine.span<double>(history);
    for (std::size_t e = 0; e < state.count; ++e) x[e] = pattern<float>(t, 0, int(e));
    if (seed != 0) {
      for (std::size_t e = 0; e < history.count; ++e) h[e] = pattern<double>(t + seed, 1, int(e));
    }
    for (std::size_t e = 0; e < state.count; ++e) out(idx(t), e) = static_cast<double>(x[e]);
    for (std::size_t e = 0; e < history.count; ++e) out(idx(t), state.count + e) = h[e];
  }
};

template <class ExecSpace>
void persistent_storage_lives_on_the_instance(bufreg::ThreadLayout layout) {
  bufreg::BufferGroup group;
  group.register_buffer("state", 5, bufreg::Location::shared);
  group.register_buffer("history", 3, bufreg::Location::local, true, {},
                        bufreg::Precision::float64);
  const ExecSpace space = other_instance<ExecSpace>();
  bufreg::KernelPlan<ExecSpace> plan("app", group, layout);
  EXPECT_EQ(plan.label(), "app");
  const int team = test_team_size<ExecSpace>();
  // Everything on `space`, fenced only at the end, as an application keeping to one instance.
  const auto launch = [&](int league, int seed, bool poison_storage) {
    const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(space, league, team));
    const auto arenas = plan.template kernel_arenas<0>(space, policy);
    if (poison_storage) Kokkos::deep_copy(space, plan.persistent_storage().view(), poison_byte);
    InstanceOut<ExecSpace> out(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, "bufreg_test::instance_out"),
        idx(league * team), 8);
    Kokkos::deep_copy(space, out, std::numeric_limits<double>::quiet_NaN());
    Kokkos::parallel_for("bufreg_test::instance", policy,
                         InstanceKernel<ExecSpace>{arenas, group.get_allocator("state"),
                                                   group.get_allocator("history"),
                                                   plan.shared_bytes_per_thread(), out, seed});
    const auto host = Kokkos::create_mirror_view(out);
    Kokkos::deep_copy(space, host, out);
    space.fence();
    return host;
  };
  const auto shared_holds_its_pattern = [](const auto& out, int t) {
    for (std::size_t e = 0; e < 5; ++e) {
      EXPECT_EQ(out(idx(t), e), static_cast<double>(pattern<float>(t, 0, int(e))))
          << "thread " << t << " shared element " << e;
    }
  };

  // Written from poisoned storage, every element of every thread.
  const auto first = launch(2, 7, true);
  EXPECT_EQ(plan.persistent_storage().view().label(), "app::bufreg::persistent");
  for (int t = 0; t < 2 * team; ++t) {
    shared_holds_its_pattern(first, t);
    for (std::size_t e = 0; e < 3; ++e) {
      EXPECT_EQ(first(idx(t), 5 + e), pattern<double>(t + 7, 1, int(e))) << "thread " << t;
    }
  }
  // Kept for the next launch. A launch with more threads than the storage holds (it holds
  // whole tiles) grows it on the instance: the bytes that were there are kept (poison where no
  // thread wrote), the new ones zeroed.
  const auto kept = launch(2, 0, false);
  const auto& storage = plan.persistent_storage();
  const int held = static_cast<int>(storage.addressing().tile_threads * storage.view().extent(0) /
                                    storage.addressing().tile_bytes);
  const int league = held / team + 1;
  const auto grown = launch(league, 0, false);
  ASSERT_GT(storage.view().extent(0), storage.addressing().bytes_for(idx(held)));
  double poisoned;
  std::memset(&poisoned, poison_byte, sizeof poisoned);
  for (int t = 0; t < league * team; ++t) {
    if (t < 2 * team) shared_holds_its_pattern(kept, t);
    shared_holds_its_pattern(grown, t);
    for (std::size_t e = 0; e < 3; ++e) {
      const double written = pattern<double>(t + 7, 1, int(e));
      if (t < 2 * team) {
        EXPECT_EQ(kept(idx(t), 5 + e), written) << "thread " << t;
      }
      const double expected = t < 2 * team ? written : t < held ? poisoned : 0.0;
      EXPECT_EQ(grown(idx(t), 5 + e), expected) << "thread " << t;
    }
  }
}

TEST(TEST_CATEGORY, PersistentStorageLivesOnTheInstance) {
  persistent_storage_lives_on_the_instance<TEST_EXECSPACE>(bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, PersistentStorageLivesOnTheInstanceWarpShaped) {
  persistent_storage_lives_on_the_instance<TEST_EXECSPACE>(bufreg::ThreadLayout::warp_shaped);
}

TEST(TEST_CATEGORY, PersistentStorageReservesOnAnInstanceOnlyWhenItMustGrow) {
  using ExecSpace = TEST_EXECSPACE;
  const ExecSpace space = other_instance<ExecSpace>();
  bufreg::PersistentStorage<typename ExecSpace::memory_space> storage;
  const bufreg::ArenaAddressing rows{1, 64};
  EXPECT_TRUE(storage.reserve(space, 4, rows));
  EXPECT_FALSE(storage.reserve(space, 3, rows));
  EXPECT_TRUE(storage.reserve(space, 5, rows));
  EXPECT_FALSE(storage.reserve(5, rows));
  space.fence();
  EXPECT_EQ(storage.view().extent(0), rows.bytes_for(5));
  EXPECT_EQ(storage.view().label(), "bufreg::persistent");
  bufreg::PersistentStorage<typename ExecSpace::memory_space> labelled("app::bufreg::persistent");
  EXPECT_TRUE(labelled.reserve(1, rows));
  EXPECT_EQ(labelled.view().label(), "app::bufreg::persistent");
}

}  // namespace bufreg_test
