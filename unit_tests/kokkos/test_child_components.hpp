// A child component rolled up into its parent through the registry works in a kernel: its buffers,
// addressed relative to its region, land inside the parent's arenas. TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <limits>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

template <class ExecSpace>
struct ChildKernel {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 32> arenas;
  bufreg::Allocator state, carry;                    // the parent's own buffers
  bufreg::Allocator child_shared, child_persistent;  // the child's regions in the parent
  bufreg::Allocator k1, k2, err, tmp;                // the child's buffers, relative to it
  Kokkos::View<double**, typename ExecSpace::memory_space> out;

  // 1 when [p, p + bytes) lies inside [base, base + size), else 0.
  KOKKOS_INLINE_FUNCTION static double inside(const void* p, std::size_t bytes,
                                              const unsigned char* base, std::size_t size) {
    const auto* q = static_cast<const unsigned char*>(p);
    return q >= base && q + bytes <= base + size ? 1.0 : 0.0;
  }

  // The child's buffer `a`, addressed from the parent: at its offset inside the region.
  KOKKOS_INLINE_FUNCTION static bufreg::Allocator in_parent(bufreg::Allocator a,
                                                            const bufreg::Allocator& region) {
    a.offset += region.offset;
    a.generation = region.generation;  // it addresses the parent's arena now
    return a;
  }

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<32> local;
    bufreg::LocalArena<16> child_local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    const bufreg::ThreadArenas child = mine.child(child_shared, child_persistent, child_local);
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    const auto row = idx(t);

    const auto s = mine.span<double>(state);
    const auto c = mine.span<double>(carry);
    const auto a = child.span<float>(k1);
    const auto b = child.span<double>(k2);
    const auto e = child.span<float>(err);
    const auto x = child.span<float>(tmp);
    for (std::size_t i = 0; i < state.count; ++i) s[i] = pattern<double>(t, 0, int(i));
    for (std::size_t i = 0; i < carry.count; ++i) c[i] = pattern<double>(t, 1, int(i));
    for (std::size_t i = 0; i < k1.count; ++i) a[i] = pattern<float>(t, 2, int(i));
    for (std::size_t i = 0; i < k2.count; ++i) b[i] = pattern<double>(t, 3, int(i));
    e[0] = pattern<float>(t, 4, 0);
    for (std::size_t i = 0; i < tmp.count; ++i) x[i] = pattern<float>(t, 5, int(i));
    member.team_barrier();

    // The child's buffers are the parent's bytes at their offset inside the child's regions.
    out(row, 0) = &mine.span<float>(in_parent(k1, child_shared))[0] == &a[0] ? 1.0 : 0.0;
    out(row, 1) = &mine.span<double>(in_parent(k2, child_shared))[1] == &b[1] ? 1.0 : 0.0;
    out(row, 2) = &mine.span<float>(in_parent(err, child_persistent))[0] == &e[0] ? 1.0 : 0.0;
    out(row, 3) = inside(&x[0], tmp.bytes(), child_local.bytes, 16);
    // Read through the parent: the child's k2 at its offset inside `{name}_shared`.
    out(row, 4) = mine.span<double>(in_parent(k2, child_shared))[1];
    // Nothing clobbered anything.
    std::size_t column = 5;
    for (std::size_t i = 0; i < state.count; ++i) out(row, column++) = s[i];
    for (std::size_t i = 0; i < carry.count; ++i) out(row, column++) = c[i];
    for (std::size_t i = 0; i < k1.count; ++i) out(row, column++) = a[i];
    for (std::size_t i = 0; i < k2.count; ++i) out(row, column++) = b[i];
    out(row, column++) = e[0];
    for (std::size_t i = 0; i < tmp.count; ++i) out(row, column++) = x[i];
  }
};

template <class ExecSpace>
void child_buffers_land_inside_the_parents_arenas(bufreg::ThreadLayout layout) {
  using bufreg::Location;
  using bufreg::Precision;
  bufreg::BufferRegistry registry;
  int loop = 0, step = 0;
  registry.register_buffer("state", &loop, 4, Location::shared, false, {}, Precision::float64);
  registry.register_buffer("carry", &loop, 2, Location::local, true, {}, Precision::float64);
  registry.register_buffer("k1", &step, 3, Location::shared);
  registry.register_buffer("k2", &step, 2, Location::shared, false, {}, Precision::float64);
  registry.register_buffer("err", &step, 1, Location::local, true);
  registry.register_buffer("tmp", &step, 4, Location::local);
  registry.register_child(&loop, &step, "step");
  const auto [child_shared, child_persistent] = registry.get_child_allocators(&loop, &step, "step");

  bufreg::KernelPlan<ExecSpace> plan(registry, &loop, layout);
  const int league = 20, team = test_team_size<ExecSpace>();
  auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team));
  ChildKernel<ExecSpace> kernel{plan.template kernel_arenas<32>(policy),
                                registry.get_allocator("state", &loop),
                                registry.get_allocator("carry", &loop),
                                child_shared,
                                child_persistent,
                                registry.get_allocator("k1", &step),
                                registry.get_allocator("k2", &step),
                                registry.get_allocator("err", &step),
                                registry.get_allocator("tmp", &step),
                                Kokkos::View<double**, typename ExecSpace::memory_space>(
                                    "bufreg_test::child_out", idx(league * team), 21)};
  Kokkos::deep_copy(kernel.out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::child", policy, kernel);
  const auto out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.out);

  for (int t = 0; t < league * team; ++t) {
    const auto row = idx(t);
    for (std::size_t column = 0; column < 4; ++column) {
      EXPECT_EQ(out(row, column), 1.0) << "thread " << t << ": check " << column;
    }
    EXPECT_EQ(out(row, 4), pattern<double>(t, 3, 1)) << "thread " << t;
    std::size_t column = 5;
    const auto expect = [&](double want) {
      EXPECT_EQ(out(row, column), want) << "thread " << t << " column " << column;
      ++column;
    };
    for (int i = 0; i < 4; ++i) expect(pattern<double>(t, 0, i));
    for (int i = 0; i < 2; ++i) expect(pattern<double>(t, 1, i));
    for (int i = 0; i < 3; ++i) expect(pattern<float>(t, 2, i));
    for (int i = 0; i < 2; ++i) expect(pattern<double>(t, 3, i));
    expect(pattern<float>(t, 4, 0));
    for (int i = 0; i < 4; ++i) expect(pattern<float>(t, 5, i));
  }
}

TEST(TEST_CATEGORY, ChildBuffersLandInsideTheParentsArenas) {
  child_buffers_land_inside_the_parents_arenas<TEST_EXECSPACE>(
      bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, ChildBuffersLandInsideTheParentsArenasWarpShaped) {
  child_buffers_land_inside_the_parents_arenas<TEST_EXECSPACE>(bufreg::ThreadLayout::warp_shaped);
}

}  // namespace bufreg_test
