// Per-team buffers (KernelPlan::set_team_buffers): one copy per team in level-0 and level-1
// scratch next to the threads' arenas, written and read back cooperatively, for TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

// The team's buffers: a float64 stage vector in level 0 with an alias at its start, int32 counts
// in level 0, and a large float64 vector in level 1. Each thread has a shared and a local buffer.
struct TeamBuffers {
  bufreg::BufferGroup team{[] {
    bufreg::LayoutOptions options;
    options.scope = bufreg::Scope::team;
    return options;
  }()};
  bufreg::BufferGroup threads;
  bufreg::Allocator stage, stage_view, counts, big, mine, tmp;

  TeamBuffers() {
    using bufreg::Location;
    using bufreg::Precision;
    team.register_buffer("stage", 37, Location::shared, false, {}, Precision::float64);
    team.register_buffer("stage_view", 4, Location::shared, false, "stage", Precision::float64);
    team.register_buffer("counts", 7, Location::shared, false, {}, Precision::int32);
    team.register_buffer("big", 300, Location::local, false, {}, Precision::float64);
    threads.register_buffer("mine", 3, Location::shared);
    threads.register_buffer("tmp", 5, Location::local, false, {}, Precision::float64);
    stage = team.get_allocator("stage");
    stage_view = team.get_allocator("stage_view");
    counts = team.get_allocator("counts");
    big = team.get_allocator("big");
    mine = threads.get_allocator("mine");
    tmp = threads.get_allocator("tmp");
  }
};

enum TeamRow { stage_row, counts_row, big_row, view_reads_row, team_rows };
enum ThreadRow { mine_row, tmp_row, thread_rows };
constexpr int team_elements = 300;

template <class ExecSpace, bool Level1Locals>
struct TeamFillAndVerify {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  static constexpr std::size_t capacity = Level1Locals ? 0 : 64;
  bufreg::KernelArenas<ExecSpace, capacity> arenas;
  bufreg::Allocator stage, stage_view, counts, big, mine, tmp;
  Kokkos::View<double***, typename ExecSpace::memory_space> team_out;
  Kokkos::View<double***, typename ExecSpace::memory_space> thread_out;

  // Every thread of the team writes its share of a team buffer, in a TeamThreadRange.
  template <class T>
  KOKKOS_INLINE_FUNCTION void fill_team(const Member& member, bufreg::StridedSpan<T> p,
                                        std::size_t count, int row) const {
    const int team = member.league_rank();
    Kokkos::parallel_for(Kokkos::TeamThreadRange(member, static_cast<int>(count)),
                         [&](int e) { p[static_cast<std::size_t>(e)] = pattern<T>(team, row, e); });
  }
  template <class T>
  KOKKOS_INLINE_FUNCTION void dump_team(const Member& member, bufreg::StridedSpan<T> p,
                                        std::size_t count, int row) const {
    const int team = member.league_rank();
    Kokkos::parallel_for(Kokkos::TeamThreadRange(member, static_cast<int>(count)), [&](int e) {
      team_out(idx(team), idx(row), idx(e)) = as_double(p[static_cast<std::size_t>(e)]);
    });
  }

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<capacity> local;
    bufreg::ThreadArenas mine_arenas;
    if constexpr (Level1Locals) {
      mine_arenas = arenas.team_member(member);
    } else {
      mine_arenas = arenas.team_member(member, local);
    }
    const bufreg::ThreadArenas& a = mine_arenas;
    const int t = member.league_rank() * member.team_size() + member.team_rank();
    if (member.team_rank() == 0) {  // the team's arenas are the team's: one thread poisons them
      poison(a.team().shared, a.team().shared_bytes);
      poison(a.team().level1, a.team().level1_bytes);
    }
    member.team_barrier();

    // The alias reads its parent's first values once the team has written them.
    fill_team(member, a.span<double>(stage), stage.count, stage_row);
    fill_team(member, a.span<std::int32_t>(counts), counts.count, counts_row);
    fill_team(member, a.span<double>(big), big.count, big_row);
    const bufreg::StridedSpan<float> m = a.span<float>(mine);
    for (std::size_t e = 0; e < mine.count; ++e) m[e] = pattern<float>(t, mine_row, int(e));
    const bufreg::StridedSpan<double> w = a.span<double>(tmp);
    for (std::size_t e = 0; e < tmp.count; ++e) w[e] = pattern<double>(t, tmp_row, int(e));
    member.team_barrier();  // the whole team has written before anyone reads back

    dump_team(member, a.span<double>(stage), stage.count, stage_row);
    dump_team(member, a.span<std::int32_t>(counts), counts.count, counts_row);
    dump_team(member, a.span<double>(big), big.count, big_row);
    dump_team(member, a.span<double>(stage_view), stage_view.count, view_reads_row);
    for (std::size_t e = 0; e < mine.count; ++e) thread_out(idx(t), idx(mine_row), e) = m[e];
    for (std::size_t e = 0; e < tmp.count; ++e) thread_out(idx(t), idx(tmp_row), e) = w[e];
  }
};

template <class ExecSpace, bool Level1Locals>
void run_team_fill_and_verify(bufreg::ThreadLayout layout) {
  TeamBuffers buffers;
  bufreg::KernelPlan<ExecSpace> plan(buffers.threads, layout);
  plan.set_team_buffers(buffers.team);
  if (Level1Locals) plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  const int team = test_team_size<ExecSpace>();
  const int league = 5;
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team));
  plan.check(buffers.stage, buffers.stage_view, buffers.counts, buffers.big, buffers.mine,
             buffers.tmp);
  using Kernel = TeamFillAndVerify<ExecSpace, Level1Locals>;
  Kernel kernel{plan.template kernel_arenas<Kernel::capacity>(policy),
                buffers.stage,
                buffers.stage_view,
                buffers.counts,
                buffers.big,
                buffers.mine,
                buffers.tmp,
                Kokkos::View<double***, typename ExecSpace::memory_space>(
                    "bufreg_test::team_out", idx(league), team_rows, team_elements),
                Kokkos::View<double***, typename ExecSpace::memory_space>(
                    "bufreg_test::thread_out", idx(league * team), thread_rows, 5)};
  Kokkos::deep_copy(kernel.team_out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::deep_copy(kernel.thread_out, std::numeric_limits<double>::quiet_NaN());
  Kokkos::parallel_for("bufreg_test::team_fill_and_verify", policy, kernel);
  Kokkos::fence();
  const auto team_out = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.team_out);
  const auto thread_out =
      Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), kernel.thread_out);

  int mismatches = 0;
  const auto expect_value = [&](double got, double want, const std::string& where) {
    if (!(got == want) && ++mismatches <= 10) {
      ADD_FAILURE() << where << ": got " << got << ", want " << want;
    }
  };
  for (int l = 0; l < league; ++l) {
    const auto row = [&](int r, std::size_t count, auto value_of) {
      for (std::size_t e = 0; e < count; ++e) {
        expect_value(team_out(idx(l), idx(r), e), value_of(e),
                     "team " + std::to_string(l) + " row " + std::to_string(r) + " element " +
                         std::to_string(e));
      }
    };
    const auto of = [&](auto zero, int r) {
      return [=](std::size_t e) {
        return as_double(pattern<decltype(zero)>(l, r, static_cast<int>(e)));
      };
    };
    row(stage_row, 37, of(double{}, stage_row));
    row(counts_row, 7, of(std::int32_t{}, counts_row));
    row(big_row, 300, of(double{}, big_row));
    row(view_reads_row, 4, of(double{}, stage_row));  // the alias is the stage's first 4
  }
  for (int t = 0; t < league * team; ++t) {
    for (std::size_t e = 0; e < 3; ++e) {
      expect_value(thread_out(idx(t), idx(mine_row), e),
                   as_double(pattern<float>(t, mine_row, static_cast<int>(e))),
                   "thread " + std::to_string(t) + " 'mine'");
    }
    for (std::size_t e = 0; e < 5; ++e) {
      expect_value(thread_out(idx(t), idx(tmp_row), e),
                   as_double(pattern<double>(t, tmp_row, static_cast<int>(e))),
                   "thread " + std::to_string(t) + " 'tmp'");
    }
  }
  EXPECT_EQ(mismatches, 0);
}

TEST(TEST_CATEGORY, EveryTeamBufferHoldsItsTeamsPattern) {
  run_team_fill_and_verify<TEST_EXECSPACE, false>(bufreg::ThreadLayout::thread_contiguous);
}

TEST(TEST_CATEGORY, EveryTeamBufferHoldsItsTeamsPatternWarpShaped) {
  run_team_fill_and_verify<TEST_EXECSPACE, false>(bufreg::ThreadLayout::warp_shaped);
}

TEST(TEST_CATEGORY, EveryTeamBufferHoldsItsTeamsPatternBesideLocalsInLevel1) {
  run_team_fill_and_verify<TEST_EXECSPACE, true>(bufreg::ThreadLayout::warp_shaped);
}

TEST(TEST_CATEGORY, TeamBuffersAddPerTeamBytesToEachLevel) {
  using ExecSpace = TEST_EXECSPACE;
  TeamBuffers buffers;
  bufreg::KernelPlan<ExecSpace> plan(buffers.threads, bufreg::ThreadLayout::thread_contiguous);
  const int team = test_team_size<ExecSpace>();
  const std::size_t level0_alone = plan.level0_bytes_per_team(team);
  plan.set_team_buffers(buffers.team);
  // stage (296 B) with its alias inside, then counts (28 B) at 304: 332 B in level 0, plus 16 B
  // of alignment slack; big (2400 B) in level 1, plus 32 B (a sector).
  EXPECT_EQ(plan.team_level0_bytes(), 332u);
  EXPECT_EQ(plan.team_level1_bytes(), 2400u);
  EXPECT_EQ(plan.level0_bytes_per_team(team), level0_alone + 332u + 16u);
  EXPECT_EQ(plan.level1_bytes_per_team(team), 2400u + 32u);
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(2, team));
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(0, team)),
            plan.level0_bytes_per_team(team));
  EXPECT_EQ(static_cast<std::size_t>(policy.scratch_size(1, team)), 2432u);
  EXPECT_NE(plan.describe().find("per team: level 0 332 B, level 1 2400 B\n"), std::string::npos)
      << plan.describe();
}

TEST(TEST_CATEGORY, TeamBuffersAreCheckedLikeThePlansOwn) {
  using ExecSpace = TEST_EXECSPACE;
  TeamBuffers buffers;
  bufreg::KernelPlan<ExecSpace> plan(buffers.threads);
  // A per-team allocator needs the plan to know its group.
  EXPECT_THROW(plan.check(buffers.stage), std::invalid_argument);
  plan.set_team_buffers(buffers.team);
  plan.check(buffers.stage, buffers.mine);
  // The team group moves: the plan is stale, and so are allocators taken before.
  buffers.team.register_buffer("more", 8, bufreg::Location::shared);
  EXPECT_THROW(plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1)), std::logic_error);
  bufreg::KernelPlan<ExecSpace> fresh(buffers.threads);
  fresh.set_team_buffers(buffers.team);
  EXPECT_THROW(fresh.check(buffers.stage), std::invalid_argument);
  fresh.check(buffers.team.get_allocator("stage"));
  // Team groups are not plans of their own, and per-thread groups are not team groups.
  EXPECT_THROW(bufreg::KernelPlan<ExecSpace> wrong(buffers.team), std::invalid_argument);
  EXPECT_THROW(fresh.set_team_buffers(buffers.threads), std::invalid_argument);
}

}  // namespace bufreg_test
