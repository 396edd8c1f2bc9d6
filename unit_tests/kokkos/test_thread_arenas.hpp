// Kernels that write and read every buffer of every thread through bufreg, for TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

// A mixed group: four precisions in shared memory, persistent and local buffers, an alias inside
// a shared parent (declared local: cross-location), an alias too big for its parent, and a
// persistent alias inside a persistent parent.
struct MixedGroup {
  bufreg::BufferGroup group;
  bufreg::Allocator s_f32, s_f64, s_i32, s_half, p_f64, p_i64, l_f32, l_u8, a_out, a_in, a_pers;

  explicit MixedGroup(std::size_t alignment = 16) : group(bufreg::LayoutOptions{alignment}) {
    using bufreg::Location;
    using bufreg::Precision;
    group.register_buffer("s_f32", 5, Location::shared);
    group.register_buffer("s_f64", 3, Location::shared, false, {}, Precision::float64);
    group.register_buffer("s_i32", 7, Location::shared, false, {}, Precision::int32);
    group.register_buffer("s_half", 9, Location::shared, false, {}, Precision::float16);
    group.register_buffer("p_f64", 4, Location::local, true, {}, Precision::float64);
    group.register_buffer("p_i64", 2, Location::local, true, {}, Precision::int64);
    group.register_buffer("l_f32", 6, Location::local);
    group.register_buffer("l_u8", 5, Location::local, false, {}, Precision::uint8);
    group.register_buffer("a_out", 8, Location::shared, false, "s_i32", Precision::float64);
    group.register_buffer("a_in", 2, Location::local, false, "s_f32");
    group.register_buffer("a_pers", 1, Location::local, true, "p_i64", Precision::int64);
    for (const auto& [allocator, name] :
         std::initializer_list<std::pair<bufreg::Allocator*, const char*>>{{&s_f32, "s_f32"},
                                                                           {&s_f64, "s_f64"},
                                                                           {&s_i32, "s_i32"},
                                                                           {&s_half, "s_half"},
                                                                           {&p_f64, "p_f64"},
                                                                           {&p_i64, "p_i64"},
                                                                           {&l_f32, "l_f32"},
                                                                           {&l_u8, "l_u8"},
                                                                           {&a_out, "a_out"},
                                                                           {&a_in, "a_in"},
                                                                           {&a_pers, "a_pers"}}) {
      *allocator = group.get_allocator(name);
    }
  }
};

// Rows of the output view: the nine buffers with storage of their own, then the two aliases
// read before they write (showing the parent's values) and the parents read after (showing the
// aliases' values).
enum Row {
  s_f32,
  s_f64,
  s_i32,
  s_half,
  p_f64,
  p_i64,
  l_f32,
  l_u8,
  a_out,
  a_in_reads,
  parent_reads_a_in,
  a_pers_reads,
  parent_reads_a_pers,
  rows
};
constexpr int max_elements = 9;
constexpr std::size_t local_capacity = 192;
constexpr std::size_t local_alignment = 64;

// Level1: the plan keeps the local buffers in level-1 scratch (LocalStorage::level1_scratch).
template <class ExecSpace, bool Level1 = false>
struct FillAndVerify {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  static constexpr std::size_t capacity = Level1 ? 0 : local_capacity;
  bufreg::KernelArenas<ExecSpace, capacity, local_alignment> arenas;
  bufreg::Allocator a[11];
  Kokkos::View<double***, typename ExecSpace::memory_space> out;
  Kokkos::View<int*, typename ExecSpace::memory_space> misaligned;
  std::size_t shared_stride, alignment;
  std::size_t local_tile_bytes;  // Level1: bytes of a tile of local arenas
  bool contiguous;  // ThreadLayout::thread_contiguous: slices keep the group's alignment

  template <class T>
  KOKKOS_INLINE_FUNCTION void fill(const bufreg::ThreadArenas& mine, const bufreg::Allocator& at,
                                   int thread, int row) const {
    const bufreg::StridedSpan<T> p = mine.span<T>(at);
    // Every element is aligned to its size; the first to the group's alignment too, except in
    // warp-shaped layouts (thread_layout.hpp says why).
    const std::size_t first = contiguous && alignment > sizeof(T) ? alignment : sizeof(T);
    for (std::size_t e = 0; e < at.count; ++e) {
      const std::size_t needed = e == 0 ? first : sizeof(T);
      if (reinterpret_cast<std::uintptr_t>(&p[e]) % needed != 0) misaligned(idx(thread)) += 1;
      p[e] = pattern<T>(thread, row, static_cast<int>(e));
    }
  }
  template <class T>
  KOKKOS_INLINE_FUNCTION void dump(bufreg::StridedSpan<T> p, std::size_t count, int thread,
                                   int row) const {
    for (std::size_t e = 0; e < count; ++e) out(idx(thread), idx(row), e) = as_double(p[e]);
  }
  template <class T>
  KOKKOS_INLINE_FUNCTION void dump(const bufreg::ThreadArenas& mine, const bufreg::Allocator& at,
                                   int thread, int row) const {
    dump(mine.span<T>(at), at.count, thread, row);
  }

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<capacity, local_alignment> local;
    bufreg::ThreadArenas mine;
    if constexpr (Level1) {
      mine = arenas.thread(member);
      // Level-1 scratch is the team's: the first thread of each tile poisons the tile.
      if (mine.local().lane == 0) poison(mine.local().tile, local_tile_bytes);
    } else {
      mine = arenas.thread(member, local);
      poison(local.bytes, local_capacity);
    }
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    poison(mine.shared_base(), shared_stride);  // persistent storage is poisoned before launch
    member.team_barrier();

    fill<float>(mine, a[0], t, s_f32);
    fill<double>(mine, a[1], t, s_f64);
    fill<std::int32_t>(mine, a[2], t, s_i32);
    fill<bufreg::float16>(mine, a[3], t, s_half);
    fill<double>(mine, a[4], t, p_f64);
    fill<std::int64_t>(mine, a[5], t, p_i64);
    fill<float>(mine, a[6], t, l_f32);
    fill<std::uint8_t>(mine, a[7], t, l_u8);
    fill<double>(mine, a[8], t, a_out);
    member.team_barrier();  // every thread has written before any reads back

    dump<float>(mine, a[0], t, s_f32);
    dump<double>(mine, a[1], t, s_f64);
    dump<std::int32_t>(mine, a[2], t, s_i32);
    dump<bufreg::float16>(mine, a[3], t, s_half);
    dump<double>(mine, a[4], t, p_f64);
    dump<std::int64_t>(mine, a[5], t, p_i64);
    dump<float>(mine, a[6], t, l_f32);
    dump<std::uint8_t>(mine, a[7], t, l_u8);
    dump<double>(mine, a[8], t, a_out);

    // An alias inside its parent sees the parent's values, and the parent sees the alias's.
    dump<float>(mine, a[9], t, a_in_reads);
    fill<float>(mine, a[9], t, a_in_reads);
    dump(mine.span<float>(a[0]), a[9].count, t, parent_reads_a_in);
    dump<std::int64_t>(mine, a[10], t, a_pers_reads);
    fill<std::int64_t>(mine, a[10], t, a_pers_reads);
    dump(mine.span<std::int64_t>(a[5]), a[10].count, t, parent_reads_a_pers);
  }
};

template <class T>
double expected(int thread, int row, std::size_t element) {
  return as_double(pattern<T>(thread, row, static_cast<int>(element)));
}

template <class ExecSpace, bool Level1 = false>
void run_fill_and_verify(std::size_t alignment, bufreg::ThreadLayout layout) {
  MixedGroup buffers(alignment);
  ASSERT_TRUE(buffers.group.placements()[9].inside_parent);   // a_in
  ASSERT_FALSE(buffers.group.placements()[8].inside_parent);  // a_out
  ASSERT_TRUE(buffers.group.placements()[10].inside_parent);  // a_pers
  bufreg::KernelPlan<ExecSpace> plan(buffers.group, layout);
  if (Level1) plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  const int team = test_team_size<ExecSpace>();
  const int league = 40;  // whole and partial tiles of 32 interleaved threads
  auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team));
  const int threads = league * team;

  FillAndVerify<ExecSpace, Level1> kernel{
      plan.template kernel_arenas<FillAndVerify<ExecSpace, Level1>::capacity, local_alignment>(
          policy),
      {buffers.s_f32, buffers.s_f64, buffers.s_i32, buffers.s_half, buffers.p_f64, buffers.p_i64,
       buffers.l_f32, buffers.l_u8, buffers.a_out, buffers.a_in, buffers.a_pers},
      Kokkos::View<double***, typename ExecSpace::memory_space>("bufreg_test::out", idx(threads),
                                                                idx(rows), idx(max_elements)),
      Kokkos::View<int*, typename ExecSpace::memory_space>("bufreg_test::misaligned", idx(threads)),
      plan.shared_bytes_per_thread(),
      alignment,
      plan.local_addressing().tile_bytes,
      layout == bufreg::ThreadLayout::thread_contiguous};
  Kokkos::deep_copy(plan.persistent_storage().view(), poison_byte);
  Kokkos::deep_copy(kernel.out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::fill_and_verify", policy, kernel);
  Kokkos::fence();
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.out);
  const auto misaligned =
      Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.misaligned);

  int mismatches = 0;
  const auto check = [&](int t, int row, std::size_t count, auto value_of) {
    for (std::size_t e = 0; e < count; ++e) {
      const double want = value_of(e);
      const double got = out(idx(t), idx(row), e);
      if (!(got == want) && ++mismatches <= 10) {
        ADD_FAILURE() << "thread " << t << " row " << row << " element " << e << ": got " << got
                      << ", want " << want;
      }
    }
  };
  for (int t = 0; t < threads; ++t) {
    check(t, s_f32, 5, [&](std::size_t e) { return expected<float>(t, s_f32, e); });
    check(t, s_f64, 3, [&](std::size_t e) { return expected<double>(t, s_f64, e); });
    check(t, s_i32, 7, [&](std::size_t e) { return expected<std::int32_t>(t, s_i32, e); });
    check(t, s_half, 9, [&](std::size_t e) { return expected<bufreg::float16>(t, s_half, e); });
    check(t, p_f64, 4, [&](std::size_t e) { return expected<double>(t, p_f64, e); });
    check(t, p_i64, 2, [&](std::size_t e) { return expected<std::int64_t>(t, p_i64, e); });
    check(t, l_f32, 6, [&](std::size_t e) { return expected<float>(t, l_f32, e); });
    check(t, l_u8, 5, [&](std::size_t e) { return expected<std::uint8_t>(t, l_u8, e); });
    check(t, a_out, 8, [&](std::size_t e) { return expected<double>(t, a_out, e); });
    // The aliases start at their parent's first byte (first come, first served).
    check(t, a_in_reads, 2, [&](std::size_t e) { return expected<float>(t, s_f32, e); });
    check(t, parent_reads_a_in, 2,
          [&](std::size_t e) { return expected<float>(t, a_in_reads, e); });
    check(t, a_pers_reads, 1, [&](std::size_t e) { return expected<std::int64_t>(t, p_i64, e); });
    check(t, parent_reads_a_pers, 1,
          [&](std::size_t e) { return expected<std::int64_t>(t, a_pers_reads, e); });
  }
  EXPECT_EQ(mismatches, 0);
  for (int t = 0; t < threads; ++t) EXPECT_EQ(misaligned(idx(t)), 0) << "thread " << t;
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPattern) {
  run_fill_and_verify<TEST_EXECSPACE>(16, bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPatternAtAlignment64) {
  run_fill_and_verify<TEST_EXECSPACE>(64, bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPatternWarpShaped) {
  run_fill_and_verify<TEST_EXECSPACE>(16, bufreg::ThreadLayout::warp_shaped);
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPatternWarpShapedAtAlignment64) {
  run_fill_and_verify<TEST_EXECSPACE>(64, bufreg::ThreadLayout::warp_shaped);
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPatternWithLocalsInLevel1) {
  run_fill_and_verify<TEST_EXECSPACE, true>(16, bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPatternWithLocalsInLevel1At64) {
  run_fill_and_verify<TEST_EXECSPACE, true>(64, bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, EveryBufferOfEveryThreadHoldsItsOwnPatternWithLocalsInLevel1WarpShaped) {
  run_fill_and_verify<TEST_EXECSPACE, true>(16, bufreg::ThreadLayout::warp_shaped);
}

// fit_level0(): shared buffers too large for level 0 at the team size move to level-1 scratch,
// and every buffer still holds what its thread wrote.
struct OversizedGroup {
  bufreg::BufferGroup group;
  OversizedGroup() {
    using bufreg::Location;
    using bufreg::Precision;
    group.register_buffer("big", 3500, Location::shared, false, {}, Precision::float64);
    group.register_buffer("head", 4, Location::shared, false, "big", Precision::float64);
    group.register_buffer("mid", 1500, Location::shared);
    group.register_buffer("small", 16, Location::shared);
    group.register_buffer("tmp", 8, Location::local, false, {}, Precision::float64);
  }
};

template <class ExecSpace>
struct FitLevel0Kernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 0> arenas;
  bufreg::Allocator big, mid, small, tmp;
  Kokkos::View<double**, typename ExecSpace::memory_space> out;  // (thread, element)
  std::size_t local_tile_bytes;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    const bufreg::ThreadArenas mine = arenas.thread(member);
    if (mine.local().lane == 0) poison(mine.local().tile, local_tile_bytes);
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    member.team_barrier();
    const bufreg::StridedSpan<double> b = mine.span<double>(big);
    const bufreg::StridedSpan<float> m = mine.span<float>(mid);
    const bufreg::StridedSpan<float> s = mine.span<float>(small);
    const bufreg::StridedSpan<double> w = mine.span<double>(tmp);
    for (std::size_t e = 0; e < big.count; ++e) b[e] = pattern<double>(t, 0, int(e));
    for (std::size_t e = 0; e < mid.count; ++e) m[e] = pattern<float>(t, 1, int(e));
    for (std::size_t e = 0; e < small.count; ++e) s[e] = pattern<float>(t, 2, int(e));
    for (std::size_t e = 0; e < tmp.count; ++e) w[e] = pattern<double>(t, 3, int(e));
    member.team_barrier();
    std::size_t k = 0;
    for (std::size_t e = 0; e < big.count; ++e) out(idx(t), k++) = b[e];
    for (std::size_t e = 0; e < mid.count; ++e) out(idx(t), k++) = m[e];
    for (std::size_t e = 0; e < small.count; ++e) out(idx(t), k++) = s[e];
    for (std::size_t e = 0; e < tmp.count; ++e) out(idx(t), k++) = w[e];
  }
};

/// Launches FitLevel0Kernel on 3 teams of `team` with `plan`'s allocators, and checks that every
/// element of every thread's buffers holds its pattern.
template <class ExecSpace>
void expect_oversized_patterns(bufreg::KernelPlan<ExecSpace>& plan, int team) {
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(3, team));
  EXPECT_LE(plan.level0_bytes_per_team(team),
            static_cast<std::size_t>(Kokkos::TeamPolicy<ExecSpace>::scratch_size_max(0)));
  const int threads = 3 * team;
  FitLevel0Kernel<ExecSpace> kernel{plan.kernel_arenas(policy),
                                    plan.allocator("big"),
                                    plan.allocator("mid"),
                                    plan.allocator("small"),
                                    plan.allocator("tmp"),
                                    Kokkos::View<double**, typename ExecSpace::memory_space>(
                                        "bufreg_test::out", idx(threads), 3500 + 1500 + 16 + 8),
                                    plan.local_addressing().tile_bytes};
  plan.check(kernel.big, kernel.mid, kernel.small, kernel.tmp);
  Kokkos::deep_copy(kernel.out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::oversized", policy, kernel);
  Kokkos::fence();
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.out);
  int mismatches = 0;
  for (int t = 0; t < threads; ++t) {
    std::size_t k = 0;
    const auto expect_row = [&](auto zero, int row, std::size_t count) {
      for (std::size_t e = 0; e < count; ++e, ++k) {
        const double want = as_double(pattern<decltype(zero)>(t, row, static_cast<int>(e)));
        if (!(out(idx(t), k) == want) && ++mismatches <= 10) {
          ADD_FAILURE() << "thread " << t << " row " << row << " element " << e;
        }
      }
    };
    expect_row(double{}, 0, 3500);
    expect_row(float{}, 1, 1500);
    expect_row(float{}, 2, 16);
    expect_row(double{}, 3, 8);
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(TEST_CATEGORY, BuffersMovedToLevel1ByFitLevel0HoldTheirPatterns) {
  using ExecSpace = TEST_EXECSPACE;
  OversizedGroup buffers;
  bufreg::KernelPlan<ExecSpace> plan(buffers.group);
  plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  const int team = test_team_size<ExecSpace>();
  EXPECT_THROW(plan.configure(Kokkos::TeamPolicy<ExecSpace>(3, team)), std::runtime_error);
  const std::vector<std::string> moved = plan.fit_level0(team);
  ASSERT_FALSE(moved.empty());
  ASSERT_GE(moved.size(), 2u);
  EXPECT_EQ(moved[0], "big");   // largest first,
  EXPECT_EQ(moved[1], "head");  // and its alias with it
  for (const char* name : {"big", "head", "mid", "small"}) {
    const bool was_moved = std::find(moved.begin(), moved.end(), name) != moved.end();
    EXPECT_EQ(plan.allocator(name).region,
              was_moved ? bufreg::Region::local : bufreg::Region::shared)
        << name;
  }
  EXPECT_NE(plan.describe().find("moved to level-1 scratch to fit level 0"), std::string::npos)
      << plan.describe();
  EXPECT_THROW(plan.check(buffers.group.get_allocator("small")), std::invalid_argument);
  expect_oversized_patterns(plan, team);
}

// place_automatically(): the model's choice, applied to the plan's copy of the group, and
// every buffer still holds what its thread wrote.
TEST(TEST_CATEGORY, BuffersPlacedAutomaticallyHoldTheirPatterns) {
  using ExecSpace = TEST_EXECSPACE;
  OversizedGroup buffers;
  bufreg::BufferUpdate to_local;
  to_local.location = bufreg::Location::local;
  buffers.group.update_buffer("big", to_local);
  buffers.group.update_buffer("head", to_local);
  const bufreg::BufferGroup before = buffers.group;
  bufreg::KernelPlan<ExecSpace> plan(buffers.group);
  plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  bufreg::PlacementOptions options;
  options.relocatable = {"big", "mid", "small", "tmp"};
  options.weights = {{"small", 8}, {"tmp", 4}};
  // On the RTX 4070 SUPER's model 34 KiB of thread-private bytes spill: the two small hot
  // buffers move to shared; mid leaves it, as 6000 B there would pass the 2.5 KiB bound.
  const bufreg::PlacementDecision decision = plan.place_automatically(
      options, bufreg::PlacementModel::for_device(bufreg::described_device("sm_89")));
  EXPECT_EQ(plan.allocator("small").region, bufreg::Region::shared);
  EXPECT_EQ(plan.allocator("tmp").region, bufreg::Region::shared);
  EXPECT_EQ(plan.allocator("big").region, bufreg::Region::local);
  EXPECT_EQ(plan.allocator("mid").region, bufreg::Region::local) << decision.describe();
  EXPECT_EQ(decision.footprint.shared_bytes, 128u);
  EXPECT_NE(plan.describe().find("automatic placement on NVIDIA GeForce RTX 4070 SUPER"),
            std::string::npos)
      << plan.describe();
  EXPECT_EQ(buffers.group.entries(), before.entries());  // the plan moved its copy
  EXPECT_THROW(plan.check(buffers.group.get_allocator("small")), std::invalid_argument);

  expect_oversized_patterns(plan, test_team_size<ExecSpace>());
}

TEST(TEST_CATEGORY, PlaceAutomaticallyOnTheBackendsOwnDevice) {
  using ExecSpace = TEST_EXECSPACE;
  OversizedGroup buffers;
  bufreg::KernelPlan<ExecSpace> plan(buffers.group);
  plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  bufreg::PlacementOptions options;
  options.relocatable = {"big", "head", "mid", "small", "tmp"};
  const bufreg::PlacementDecision decision = plan.place_automatically(options);
  const bufreg::DeviceDescription device = bufreg::device_description(ExecSpace());
  EXPECT_EQ(decision.device, device.name);
  if (device.is_host()) {  // scratch and the stack are the same memory: nothing gains in shared
    EXPECT_EQ(plan.shared_bytes_per_thread(), 0u) << decision.describe();
  }
  EXPECT_LE(plan.level0_bytes_per_team(decision.estimate.team_size),
            device.shared_bytes_per_block_optin);

  bufreg::KernelPlan<ExecSpace> on_stack(buffers.group);
  options.local_capacity = 16;  // too small for any placement's locals: they go to level 1
  EXPECT_THROW(on_stack.place_automatically(options), std::logic_error);
  EXPECT_EQ(on_stack.allocator("big").region, bufreg::Region::shared);  // nothing changed
}

TEST(TEST_CATEGORY, FitLevel0RefusesWhatItCannotMove) {
  using ExecSpace = TEST_EXECSPACE;
  OversizedGroup buffers;
  bufreg::KernelPlan<ExecSpace> stack(buffers.group);
  EXPECT_THROW(stack.fit_level0(1), std::logic_error);  // locals on the stack
  bufreg::KernelPlan<ExecSpace> plan(buffers.group);
  plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  plan.add_level0_scratch(1 << 20, 0);  // the kernel's own level 0 alone overflows
  EXPECT_THROW(plan.fit_level0(1), std::runtime_error);
  bufreg::KernelPlan<ExecSpace> fits(buffers.group);
  fits.set_local_storage(bufreg::LocalStorage::level1_scratch);
  buffers.group.register_buffer("big", 8, bufreg::Location::shared, false, {},
                                bufreg::Precision::float64);
  bufreg::KernelPlan<ExecSpace> small(buffers.group);
  small.set_local_storage(bufreg::LocalStorage::level1_scratch);
  EXPECT_TRUE(small.fit_level0(1).empty());  // everything fits: nothing moves
  EXPECT_EQ(small.allocator("big").region, bufreg::Region::shared);
  EXPECT_THROW(fits.fit_level0(1), std::logic_error);  // its group's layout moved since
  bufreg::BufferRegistry registry;
  int component = 0;
  registry.register_buffer("x", &component, 4, bufreg::Location::shared);
  bufreg::KernelPlan<ExecSpace> of_registry(registry, &component);
  of_registry.set_local_storage(bufreg::LocalStorage::level1_scratch);
  EXPECT_THROW(of_registry.fit_level0(1), std::logic_error);
}

}  // namespace bufreg_test
