// float16 buffers through bufreg::float16, 2 bytes on every backend. TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <limits>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

/// A float that float16 must round, unique to (thread, buffer, element).
KOKKOS_INLINE_FUNCTION float half_input(int thread, int buffer, int element) {
  return static_cast<float>(thread * 16 + element) * 0.1f + 0.01f * static_cast<float>(buffer + 1);
}

// Every thread writes float16 values into float16 buffers of all three arenas, next to float
// buffers a 4-byte element would overrun, from poisoned storage; then reads all back.
template <class ExecSpace>
struct Float16Kernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  static constexpr int columns = 7 + 5 + 6 + 3 * 2;
  bufreg::KernelArenas<ExecSpace, 64> arenas;
  bufreg::Allocator shared_half, persistent_half, local_half, shared_after, persistent_after,
      local_after;
  Kokkos::View<double**, typename ExecSpace::memory_space> out;
  std::size_t shared_stride;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<64> local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    poison(mine.shared_base(), shared_stride);  // persistent storage is poisoned before launch
    poison(local.bytes, 64);
    member.team_barrier();
    const bufreg::Allocator* halves[] = {&shared_half, &persistent_half, &local_half};
    const bufreg::Allocator* floats[] = {&shared_after, &persistent_after, &local_after};
    for (int b = 0; b < 3; ++b) {
      const auto h = mine.span<bufreg::float16>(*halves[b]);
      for (std::size_t e = 0; e < halves[b]->count; ++e) h[e] = half_input(t, b, int(e));
      const auto f = mine.span<float>(*floats[b]);
      for (std::size_t e = 0; e < floats[b]->count; ++e) f[e] = pattern<float>(t, b, int(e));
    }
    member.team_barrier();  // every thread has written before any reads back
    std::size_t column = 0;
    for (int b = 0; b < 3; ++b) {
      const auto h = mine.span<bufreg::float16>(*halves[b]);
      for (std::size_t e = 0; e < halves[b]->count; ++e) out(idx(t), column++) = h[e];
    }
    for (int b = 0; b < 3; ++b) {
      const auto f = mine.span<float>(*floats[b]);
      for (std::size_t e = 0; e < floats[b]->count; ++e) out(idx(t), column++) = f[e];
    }
  }
};

template <class ExecSpace>
void float16_buffers_hold_their_values(bufreg::ThreadLayout layout) {
  using bufreg::Location;
  using bufreg::Precision;
  bufreg::BufferGroup group;
  group.register_buffer("shared_half", 7, Location::shared, false, {}, Precision::float16);
  group.register_buffer("shared_after", 2, Location::shared);
  group.register_buffer("persistent_half", 5, Location::local, true, {}, Precision::float16);
  group.register_buffer("persistent_after", 2, Location::local, true);
  group.register_buffer("local_half", 6, Location::local, false, {}, Precision::float16);
  group.register_buffer("local_after", 2, Location::local);
  // Each float buffer starts 16 bytes in, after 14, 10 and 12 bytes of float16: elements
  // written as 4 bytes each would run into it.
  bufreg::KernelPlan<ExecSpace> plan(group, layout);
  const int league = 8, team = test_team_size<ExecSpace>();
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team));
  using Kernel = Float16Kernel<ExecSpace>;
  Kernel kernel{plan.template kernel_arenas<64>(policy),
                group.get_allocator("shared_half"),
                group.get_allocator("persistent_half"),
                group.get_allocator("local_half"),
                group.get_allocator("shared_after"),
                group.get_allocator("persistent_after"),
                group.get_allocator("local_after"),
                Kokkos::View<double**, typename ExecSpace::memory_space>(
                    "bufreg_test::float16_out", idx(league * team), Kernel::columns),
                plan.shared_bytes_per_thread()};
  Kokkos::deep_copy(plan.persistent_storage().view(), poison_byte);
  Kokkos::deep_copy(kernel.out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::float16", policy, kernel);
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.out);

  const int halves[] = {7, 5, 6};
  for (int t = 0; t < league * team; ++t) {
    std::size_t column = 0;
    for (int b = 0; b < 3; ++b) {
      for (int e = 0; e < halves[b]; ++e, ++column) {
        const float want = bufreg::float16(half_input(t, b, e));
        EXPECT_EQ(out(idx(t), column), want) << "thread " << t << " buffer " << b << " " << e;
      }
    }
    for (int b = 0; b < 3; ++b) {
      for (int e = 0; e < 2; ++e, ++column) {
        EXPECT_EQ(out(idx(t), column), pattern<float>(t, b, e))
            << "thread " << t << " float after buffer " << b << " " << e;
      }
    }
  }
}

TEST(TEST_CATEGORY, Float16BuffersHoldTheirValues) {
  float16_buffers_hold_their_values<TEST_EXECSPACE>(bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, Float16BuffersHoldTheirValuesWarpShaped) {
  float16_buffers_hold_their_values<TEST_EXECSPACE>(bufreg::ThreadLayout::warp_shaped);
}

template <class ExecSpace>
struct RoundTrip {
  Kokkos::View<float*, typename ExecSpace::memory_space> value;
  Kokkos::View<std::uint16_t*, typename ExecSpace::memory_space> back;
  KOKKOS_INLINE_FUNCTION void operator()(const int i) const {
    const float f = bufreg::float16::from_bits(static_cast<std::uint16_t>(i));
    value(idx(i)) = f;
    back(idx(i)) = bufreg::float16(f).bits();
  }
};

// The device converts exactly as the host does: every float16 to float and back.
TEST(TEST_CATEGORY, Float16ConvertsOnTheDeviceAsOnTheHost) {
  using ExecSpace = TEST_EXECSPACE;
  const RoundTrip<ExecSpace> round_trip{
      Kokkos::View<float*, typename ExecSpace::memory_space>("bufreg_test::value", 65536),
      Kokkos::View<std::uint16_t*, typename ExecSpace::memory_space>("bufreg_test::back", 65536)};
  Kokkos::parallel_for("bufreg_test::float16_round_trip", Kokkos::RangePolicy<ExecSpace>(0, 65536),
                       round_trip);
  const auto back = round_trip.back;
  const auto value = round_trip.value;
  const auto host_back = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), back);
  const auto host_value = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), value);
  int mismatches = 0;
  for (std::uint32_t i = 0; i < 65536; ++i) {
    const auto bits = static_cast<std::uint16_t>(i);
    const float f = bufreg::float16::from_bits(bits);
    const bool same_value = f == host_value(i) || (f != f && host_value(i) != host_value(i));
    if ((!same_value || host_back(i) != bufreg::float16(f).bits()) && ++mismatches <= 10) {
      ADD_FAILURE() << "bits " << std::hex << i;
    }
  }
  EXPECT_EQ(mismatches, 0);
}

}  // namespace bufreg_test
