// Misuse inside a kernel ends the run with a message naming the problem, never silently.
// Type and bounds checks exist in debug builds (BUFREG_ENABLE_DEBUG or KOKKOS_ENABLE_DEBUG).
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <stdexcept>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

template <class ExecSpace>
struct Misuse {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  enum Kind {
    correct_use,
    wrong_type,
    outside_arena,
    thread_again,
    pointer_to_interleaved,
    stale_allocator,
    team_allocator_without_team_group,
    team_allocator_through_thread
  };
  bufreg::KernelArenas<ExecSpace, 0> arenas;
  bufreg::Allocator allocator;
  Kind kind;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<0> local;
    const bufreg::ThreadArenas mine = arenas.thread(member, local);
    if (kind == wrong_type) mine.get<double>(allocator)[0] = 1.0;
    if (kind == outside_arena || kind == stale_allocator ||
        kind == team_allocator_without_team_group || kind == team_allocator_through_thread) {
      mine.get<float>(allocator)[0] = 1.0f;
    }
    if (kind == pointer_to_interleaved) mine.get<float>(allocator)[1] = 1.0f;
    // Backends may hand out more scratch than asked for; enough calls exhaust any of them.
    if (kind == thread_again) {
      for (int call = 0; call < (1 << 16); ++call) arenas.thread(member, local);
    }
  }
};

template <class ExecSpace>
void misuse(typename Misuse<ExecSpace>::Kind kind, int launch_league = 1) {
  bufreg::BufferGroup group;
  group.register_buffer("weights", 8, bufreg::Location::shared);  // stride 32 > 16 slack
  group.register_buffer("history", 2, bufreg::Location::local, true);
  const bufreg::Allocator before = group.get_allocator("weights");
  if (kind == Misuse<ExecSpace>::stale_allocator) {  // the same bytes, another generation
    group.register_buffer("weights", 8, bufreg::Location::shared, false, {},
                          bufreg::Precision::int32);
  }
  const bool interleaved = kind == Misuse<ExecSpace>::pointer_to_interleaved;
  bufreg::KernelPlan<ExecSpace> plan(group, interleaved ? bufreg::ThreadLayout::warp_shaped
                                                        : bufreg::ThreadLayout::thread_contiguous);
  bufreg::LayoutOptions team_scope;
  team_scope.scope = bufreg::Scope::team;
  bufreg::BufferGroup team(team_scope);
  team.register_buffer("weights", 8, bufreg::Location::shared);
  if (kind == Misuse<ExecSpace>::team_allocator_through_thread) {
    plan.set_team_buffers(team);  // but the kernel takes its arenas with thread()
  }
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1));
  bufreg::Allocator allocator = group.get_allocator(interleaved ? "history" : "weights");
  if (kind == Misuse<ExecSpace>::outside_arena) allocator.offset = 32;  // one slice too far
  if (kind == Misuse<ExecSpace>::team_allocator_without_team_group) {
    allocator = team.get_allocator("weights");                   // the plan has no team group
    EXPECT_THROW(plan.check(allocator), std::invalid_argument);  // as the host refuses it
  }
  if (kind == Misuse<ExecSpace>::team_allocator_through_thread) {
    allocator = team.get_allocator("weights");
    plan.check(allocator);  // the host cannot see which call the kernel makes
  }
  if (kind == Misuse<ExecSpace>::stale_allocator) {
    allocator = before;
    EXPECT_THROW(plan.check(allocator), std::invalid_argument);  // as the host refuses it
  }

  const auto launched = plan.configure(Kokkos::TeamPolicy<ExecSpace>(launch_league, 1));
  Kokkos::parallel_for("bufreg_test::misuse", launched,
                       Misuse<ExecSpace>{plan.template kernel_arenas<0>(policy), allocator, kind});
  Kokkos::fence();
}

// A kernel that asks for its arenas the other way than its plan keeps local buffers: with a
// LocalArena when they are in level-1 scratch, without one when they are on the stack.
template <class ExecSpace, std::size_t Capacity>
struct LocalStorageMisuse {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, Capacity> arenas;
  bufreg::Allocator allocator;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    bufreg::LocalArena<Capacity> local;
    const bufreg::ThreadArenas mine =
        Capacity == 0 ? arenas.thread(member, local) : arenas.thread(member);
    mine.get<float>(allocator)[0] = 1.0f;
  }
};

template <class ExecSpace>
void misuse_local_storage(bufreg::LocalStorage storage) {
  bufreg::BufferGroup group;
  group.register_buffer("scratchpad", 4, bufreg::Location::local);
  bufreg::KernelPlan<ExecSpace> plan(group);
  plan.set_local_storage(storage);
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1));
  const bufreg::Allocator allocator = group.get_allocator("scratchpad");
  if (storage == bufreg::LocalStorage::level1_scratch) {
    Kokkos::parallel_for("bufreg_test::misuse", policy,
                         LocalStorageMisuse<ExecSpace, 0>{plan.kernel_arenas(policy), allocator});
  } else {
    Kokkos::parallel_for(
        "bufreg_test::misuse", policy,
        LocalStorageMisuse<ExecSpace, 16>{plan.template kernel_arenas<16>(policy), allocator});
  }
  Kokkos::fence();
}

TEST(TEST_CATEGORY_DEATH, ALocalArenaForLocalsInLevel1Aborts) {  // one comparison: always on
  EXPECT_DEATH(misuse_local_storage<TEST_EXECSPACE>(bufreg::LocalStorage::level1_scratch),
               abort_local_arena_for_level1);
}

TEST(TEST_CATEGORY_DEATH, NoLocalArenaForLocalsOnTheStackAborts) {
  EXPECT_DEATH(misuse_local_storage<TEST_EXECSPACE>(bufreg::LocalStorage::stack),
               abort_no_local_arena);
}

TEST(TEST_CATEGORY_DEATH, ExhaustedScratchAbortsInsteadOfReturningNull) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::thread_again),
               abort_scratch_exhausted);
}

TEST(TEST_CATEGORY_DEATH, LaunchWithAnotherPolicyAborts) {  // one comparison: always on
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::correct_use, 2), abort_other_policy);
}

#if BUFREG_IMPL_DEBUG
TEST(TEST_CATEGORY_DEATH, AccessThroughTheWrongTypeAbortsNamingTheBuffer) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::wrong_type), abort_wrong_type);
}

TEST(TEST_CATEGORY_DEATH, AnAllocatorOfAnotherGenerationAbortsNamingTheBuffer) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::stale_allocator),
               abort_stale_allocator);
}

TEST(TEST_CATEGORY_DEATH, SliceOutsideItsArenaAbortsNamingTheBuffer) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::outside_arena), abort_outside_arena);
}

TEST(TEST_CATEGORY_DEATH, APerTeamAllocatorWithoutTheTeamGroupAbortsNamingTheBuffer) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::team_allocator_without_team_group),
               abort_team_buffer_without_team);
}

TEST(TEST_CATEGORY_DEATH, APerTeamAllocatorThroughThreadArenasAbortsNamingTheBuffer) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::team_allocator_through_thread),
               abort_team_buffer_without_team);
}

TEST(TEST_CATEGORY_DEATH, PointerToAnInterleavedBufferAbortsNamingTheBuffer) {
  EXPECT_DEATH(misuse<TEST_EXECSPACE>(Misuse<TEST_EXECSPACE>::pointer_to_interleaved),
               abort_pointer_to_interleaved);
}
#endif

}  // namespace bufreg_test
