// Persistent buffers outlive launches; zero allocators hand out zeroed buffers. TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <cstring>
#include <limits>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

template <class ExecSpace>
using DeviceDoubles = Kokkos::View<double**, typename ExecSpace::memory_space>;

// Launch 1 writes a pattern into the persistent buffers; later launches copy them out.
template <class ExecSpace>
struct PersistentKernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 16> arenas;
  bufreg::Allocator history, steps, scratch;
  DeviceDoubles<ExecSpace> out;
  bool write;
  int seed;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<16> local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    const auto h = mine.span<double>(history);
    const auto s = mine.span<std::int64_t>(steps);
    float* x = mine.get<float>(scratch);  // shared: must not disturb the persistent rows
    for (std::size_t e = 0; e < scratch.count; ++e) x[e] = -1.0f;
    if (write) {
      for (std::size_t e = 0; e < history.count; ++e) h[e] = pattern<double>(t + seed, 0, int(e));
      s[0] = pattern<std::int64_t>(t + seed, 1, 0);
    }
    for (std::size_t e = 0; e < history.count; ++e) out(idx(t), e) = h[e];
    out(idx(t), history.count) = static_cast<double>(s[0]);
  }
};

template <class ExecSpace>
DeviceDoubles<ExecSpace> launch_persistent(bufreg::KernelPlan<ExecSpace>& plan,
                                           const bufreg::BufferGroup& group, int league, bool write,
                                           int seed) {
  const int team = test_team_size<ExecSpace>();
  auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team));
  PersistentKernel<ExecSpace> kernel{
      plan.template kernel_arenas<16>(policy),
      group.get_allocator("history"),
      group.get_allocator("steps"),
      group.get_allocator("scratch"),
      DeviceDoubles<ExecSpace>("bufreg_test::persistent_out", idx(league * team), 4),
      write,
      seed};
  Kokkos::parallel_for("bufreg_test::persistent", policy, kernel);
  Kokkos::fence();
  return kernel.out;
}

template <class ExecSpace>
void persistent_buffers_keep_their_values(bufreg::ThreadLayout layout) {
  bufreg::BufferGroup group;
  group.register_buffer("history", 3, bufreg::Location::local, true, {},
                        bufreg::Precision::float64);
  group.register_buffer("steps", 1, bufreg::Location::local, true, {}, bufreg::Precision::int64);
  group.register_buffer("scratch", 4, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> plan(group, layout);
  const int team = test_team_size<ExecSpace>();

  launch_persistent(plan, group, 2, true, 7);
  EXPECT_EQ(plan.persistent_storage().view().label(), "bufreg::persistent");
  const auto second = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), launch_persistent(plan, group, 2, false, 0));
  // A larger launch grows the storage and keeps the rows that were there.
  const auto grown = Kokkos::create_mirror_view_and_copy(
      Kokkos::HostSpace(), launch_persistent(plan, group, 3, false, 0));
  for (int t = 0; t < 2 * team; ++t) {
    for (std::size_t e = 0; e < 3; ++e) {
      EXPECT_EQ(second(idx(t), e), pattern<double>(t + 7, 0, int(e))) << "thread " << t;
      EXPECT_EQ(grown(idx(t), e), pattern<double>(t + 7, 0, int(e))) << "thread " << t;
    }
    EXPECT_EQ(second(idx(t), 3), static_cast<double>(pattern<std::int64_t>(t + 7, 1, 0)));
  }
  for (int t = 2 * team; t < 3 * team; ++t) {  // new rows start zeroed
    for (std::size_t e = 0; e < 4; ++e) EXPECT_EQ(grown(idx(t), e), 0.0) << "thread " << t;
  }
}

TEST(TEST_CATEGORY, PersistentBuffersKeepTheirValuesAcrossLaunches) {
  persistent_buffers_keep_their_values<TEST_EXECSPACE>(bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, PersistentBuffersKeepTheirValuesAcrossLaunchesWarpShaped) {
  persistent_buffers_keep_their_values<TEST_EXECSPACE>(bufreg::ThreadLayout::warp_shaped);
}

// Every arena is poisoned first; zero allocators must read back zeros, others the poison.
template <class ExecSpace>
struct ZeroKernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 64> arenas;
  bufreg::Allocator shared_zero, persistent_zero, local_zero, half_zero, local_poisoned;
  std::size_t shared_stride;
  DeviceDoubles<ExecSpace> out;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<64> local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    const auto t = idx(member.league_rank() * member.team_size() + member.team_rank());
    poison(mine.shared_base(), shared_stride);  // persistent storage is poisoned before launch
    poison(local.bytes, 64);
    std::size_t column = 0;
    // Through the View variant: same bytes, `count` elements, zeroed all the same.
    const auto a = mine.view<float>(shared_zero);
    out(t, 22) = a.extent(0) == shared_zero.count && a.data() == mine.get<float>(shared_zero);
    for (std::size_t e = 0; e < shared_zero.count; ++e) out(t, column++) = a(e);
    const auto b = mine.span<double>(persistent_zero);
    for (std::size_t e = 0; e < persistent_zero.count; ++e) out(t, column++) = b[e];
    const std::int32_t* c = mine.get<std::int32_t>(local_zero);
    for (std::size_t e = 0; e < local_zero.count; ++e) out(t, column++) = c[e];
    const bufreg::float16* d = mine.get<bufreg::float16>(half_zero);
    for (std::size_t e = 0; e < half_zero.count; ++e) out(t, column++) = as_double(d[e]);
    const std::uint8_t* f = mine.get<std::uint8_t>(local_poisoned);
    for (std::size_t e = 0; e < local_poisoned.count; ++e) out(t, column++) = f[e];
  }
};

template <class ExecSpace>
void zero_allocators_hand_out_zeroed_buffers(bufreg::ThreadLayout layout) {
  bufreg::BufferGroup group;
  using bufreg::Location;
  using bufreg::Precision;
  group.register_buffer("a", 5, Location::shared);
  group.register_buffer("b", 3, Location::local, true, {}, Precision::float64);
  group.register_buffer("c", 7, Location::local, false, {}, Precision::int32);
  group.register_buffer("d", 3, Location::shared, false, {}, Precision::float16);
  group.register_buffer("f", 4, Location::local, false, {}, Precision::uint8);
  bufreg::KernelPlan<ExecSpace> plan(group, layout);
  const int league = 2, team = test_team_size<ExecSpace>();
  auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team));
  ZeroKernel<ExecSpace> kernel{
      plan.template kernel_arenas<64>(policy),
      group.get_allocator("a", true),
      group.get_allocator("b", true),
      group.get_allocator("c", true),
      group.get_allocator("d", true),
      group.get_allocator("f", false),
      plan.shared_bytes_per_thread(),
      DeviceDoubles<ExecSpace>("bufreg_test::zero_out", idx(league * team), 23)};
  Kokkos::deep_copy(plan.persistent_storage().view(), poison_byte);
  Kokkos::deep_copy(kernel.out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::zero", policy, kernel);
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.out);
  for (std::size_t t = 0; t < idx(league * team); ++t) {
    for (std::size_t column = 0; column < 18; ++column) {
      EXPECT_EQ(out(t, column), 0.0) << "thread " << t << " column " << column;
    }
    for (std::size_t column = 18; column < 22; ++column) {
      EXPECT_EQ(out(t, column), double(poison_byte)) << "thread " << t << " column " << column;
    }
    EXPECT_EQ(out(t, 22), 1.0) << "thread " << t << ": view<float> is not the get<float> buffer";
  }
}

TEST(TEST_CATEGORY, ZeroAllocatorsHandOutZeroedBuffers) {
  zero_allocators_hand_out_zeroed_buffers<TEST_EXECSPACE>(bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, ZeroAllocatorsHandOutZeroedBuffersWarpShaped) {
  zero_allocators_hand_out_zeroed_buffers<TEST_EXECSPACE>(bufreg::ThreadLayout::warp_shaped);
}

}  // namespace bufreg_test
