// Kernels that write and read every buffer of every thread through bufreg, for TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
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

}  // namespace bufreg_test
