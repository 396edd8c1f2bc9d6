// The Kokkos layer given bad input, on the Serial backend: exceptions before any launch, and the
// messages misused kernels abort with. The table is README.md's Kokkos "Errors" section.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <bufreg/kokkos.hpp>

#include "../error_table.hpp"
#include "compile_errors.hpp"
#include "readme_path.hpp"
#include "test_support.hpp"

namespace {

using Serial = Kokkos::Serial;
using bufreg::Location;
using bufreg::Precision;

TEST(BadInput, KokkosLayerRefusesBeforeLaunch) {
  bufreg::test::ErrorTable table;
  const auto& invalid = typeid(std::invalid_argument);

  bufreg::BufferGroup big;
  big.register_buffer("k1", 40000, Location::shared, false, {}, Precision::uint8);
  big.register_buffer("state", 64, Location::shared);
  bufreg::KernelPlan<Serial> big_plan(big);
  table.check({"plan.configure(TeamPolicy<Serial>(1, 1))  // 40 KB of shared buffers",
               [&] { big_plan.configure(Kokkos::TeamPolicy<Serial>(1, 1)); },
               typeid(std::runtime_error),
               {"'k1'", "'state'", "not even one thread fits"},
               {}});

  bufreg::BufferGroup enormous;
  enormous.register_buffer("cache", std::size_t{3} << 30, Location::shared, false, {},
                           Precision::uint8);
  bufreg::KernelPlan<Serial> enormous_plan(enormous);
  table.check({"plan.configure(TeamPolicy<Serial>(1, 1))  // 3 GiB of shared buffers",
               [&] { enormous_plan.configure(Kokkos::TeamPolicy<Serial>(1, 1)); },
               typeid(std::runtime_error),
               {"of scratch per team or thread cannot be requested"},
               {}});

  bufreg::BufferGroup locals(bufreg::LayoutOptions{32});
  locals.register_buffer("a", 8, Location::local);
  locals.register_buffer("b", 10, Location::local);
  bufreg::KernelPlan<Serial> plan(locals);
  const auto policy = plan.configure(Kokkos::TeamPolicy<Serial>(1, 1));
  table.check({"plan.kernel_arenas<64, 32>(policy)  // local buffers need 72 B",
               [&] { plan.kernel_arenas<64, 32>(policy); },
               invalid,
               {"LocalArena<72, 32>"},
               {}});
  table.check({"plan.kernel_arenas<72>(policy)  // local buffers need 32-byte alignment",
               [&] { plan.kernel_arenas<72>(policy); },
               invalid,
               {"LocalArena<72, 32>"},
               {}});

  // Local buffers in level-1 scratch.
  bufreg::BufferGroup level1_locals;
  level1_locals.register_buffer("work", std::size_t{32} << 20, Location::local, false, {},
                                Precision::uint8);
  level1_locals.register_buffer("flags", 8, Location::local, false, {}, Precision::uint8);
  bufreg::KernelPlan<Serial> level1_plan(level1_locals);
  level1_plan.set_local_storage(bufreg::LocalStorage::level1_scratch);
  table.check({"plan.configure(TeamPolicy<Serial>(1, 1))  // 32 MiB of locals in level 1",
               [&] { level1_plan.configure(Kokkos::TeamPolicy<Serial>(1, 1)); },
               typeid(std::runtime_error),
               {"level-1 scratch", "'work'", "'flags'", "not even one thread fits"},
               {}});
  bufreg::KernelPlan<Serial> level1_small(locals);
  level1_small.set_local_storage(bufreg::LocalStorage::level1_scratch);
  auto own_level1 = Kokkos::TeamPolicy<Serial>(1, 1);
  own_level1.set_scratch_size(1, Kokkos::PerTeam(64));
  table.check({"plan.configure(policy)  // locals in level 1; the policy has level 1 of its own",
               [&] { level1_small.configure(own_level1); },
               invalid,
               {"64 B of level-1 scratch", "add_level1_scratch()"},
               {}});
  const auto level1_policy = level1_small.configure(Kokkos::TeamPolicy<Serial>(1, 1));
  table.check({"plan.kernel_arenas<128>(policy)  // locals in level 1",
               [&] { level1_small.kernel_arenas<128>(level1_policy); },
               invalid,
               {"level-1 scratch", "without a LocalArena capacity"},
               {}});

  // Per-team buffers.
  bufreg::LayoutOptions team_scope;
  team_scope.scope = bufreg::Scope::team;
  bufreg::BufferGroup team(team_scope);
  team.register_buffer("stage", 40000, Location::shared, false, {}, Precision::uint8);
  team.register_buffer("carry", 4, Location::local, true);
  const bufreg::Allocator stage = team.get_allocator("stage");
  bufreg::BufferGroup threads;
  threads.register_buffer("x", 4, Location::shared);
  bufreg::KernelPlan<Serial> team_plan(threads);
  table.check({"plan.check(stage)  // a per-team allocator; the plan has no team group",
               [&] { team_plan.check(stage); },
               invalid,
               {"'stage'", "set_team_buffers()"},
               {}});
  table.check({"plan.set_team_buffers(team)  // it has a persistent buffer 'carry'",
               [&] { team_plan.set_team_buffers(team); },
               invalid,
               {"'carry'", "does not survive the launch"},
               {}});
  table.check({"plan.set_team_buffers(threads)  // a group of Scope::thread",
               [&] { team_plan.set_team_buffers(threads); },
               invalid,
               {"Scope::team"},
               {}});
  table.check({"KernelPlan<Serial>(team)  // a group of Scope::team",
               [&] { bufreg::KernelPlan<Serial> wrong(team); },
               invalid,
               {"set_team_buffers()"},
               {}});
  team.register_buffer("carry", 4, Location::local);
  team_plan.set_team_buffers(team);
  table.check({"plan.configure(TeamPolicy<Serial>(1, 1))  // 40 KB of per-team buffers",
               [&] { team_plan.configure(Kokkos::TeamPolicy<Serial>(1, 1)); },
               typeid(std::runtime_error),
               {"40000 B of per-team buffers", "'stage'"},
               {}});

  // Automatic fallback across levels.
  bufreg::BufferGroup oversized;
  oversized.register_buffer("big", 40000, Location::shared, false, {}, Precision::uint8);
  oversized.register_buffer("small", 4, Location::shared);
  bufreg::KernelPlan<Serial> on_stack(oversized);
  table.check({"plan.fit_level0(1)  // local buffers on the stack",
               [&] { on_stack.fit_level0(1); },
               typeid(std::logic_error),
               {"set_local_storage(LocalStorage::level1_scratch)"},
               {}});
  bufreg::KernelPlan<Serial> invalid_storage(oversized);
  table.check({"plan.set_local_storage(LocalStorage(7))",
               [&] { invalid_storage.set_local_storage(static_cast<bufreg::LocalStorage>(7)); },
               invalid,
               {"local storage 7"},
               {}});
  invalid_storage.set_local_storage(bufreg::LocalStorage::level1_scratch);
  table.check({"plan.fit_level0(0)",
               [&] { invalid_storage.fit_level0(0); },
               invalid,
               {"team size of 1 or more"},
               {}});
  EXPECT_EQ(invalid_storage.local_storage(), bufreg::LocalStorage::level1_scratch);
  EXPECT_EQ(invalid_storage.allocator("big").region, bufreg::Region::shared);  // nothing moved
  bufreg::KernelPlan<Serial> fitted(oversized);
  fitted.set_local_storage(bufreg::LocalStorage::level1_scratch);
  fitted.fit_level0(1);
  table.check({"plan.check(group.get_allocator(\"small\"))  // after fit_level0() moved 'big'",
               [&] { fitted.check(oversized.get_allocator("small")); },
               invalid,
               {"'small'", "KernelPlan::allocator()"},
               {}});

  // Automatic placement.
  bufreg::PlacementOptions spill_to_level1;
  spill_to_level1.relocatable = {"big", "small"};
  spill_to_level1.local_capacity = 16;
  bufreg::KernelPlan<Serial> stack_plan(oversized);
  table.check(
      {"plan.place_automatically({.relocatable = {\"big\", \"small\"}, .local_capacity = "
       "16})  // locals on the stack",
       [&] { stack_plan.place_automatically(spill_to_level1); },
       typeid(std::logic_error),
       {"past local_capacity", "set_local_storage(LocalStorage::level1_scratch)"},
       [&] { return stack_plan.allocator("big").region == bufreg::Region::shared; }});

  bufreg::BufferGroup shared;
  shared.register_buffer("state", 8, Location::shared);
  bufreg::KernelPlan<Serial> shared_plan(shared);
  table.check({"plan.kernel_arenas<0>(TeamPolicy<Serial>(1, 1))  // not from configure()",
               [&] { shared_plan.kernel_arenas<0>(Kokkos::TeamPolicy<Serial>(1, 1)); },
               invalid,
               {"configure()"},
               {}});

  bufreg::BufferGroup huge;
  huge.register_buffer("history", std::size_t{5} << 30, Location::local, true, {},
                       Precision::uint8);
  bufreg::KernelPlan<Serial> huge_plan(huge);
  const auto huge_policy = huge_plan.configure(Kokkos::TeamPolicy<Serial>(1, 1));
  table.check({"plan.kernel_arenas<0>(policy)  // 5 GiB of persistent buffers per thread",
               [&] { huge_plan.kernel_arenas<0>(huge_policy); },
               typeid(std::runtime_error),
               {"do not fit the 32 bits"},
               {}});

  bufreg::BufferGroup moving;
  moving.register_buffer("k", 4, Location::shared);
  moving.register_buffer("state", 8, Location::shared);
  const bufreg::Allocator old_state = moving.get_allocator("state");
  bufreg::KernelPlan<Serial> old_plan(moving);
  moving.register_buffer("k", 104, Location::shared);  // 'state' moves from 16 to 416
  table.check({"plan.configure(TeamPolicy<Serial>(1, 1))  // the layout moved after the plan",
               [&] { old_plan.configure(Kokkos::TeamPolicy<Serial>(1, 1)); },
               typeid(std::logic_error),
               {"of its group", "make a new KernelPlan"},
               {}});
  bufreg::KernelPlan<Serial> new_plan(moving);
  table.check({"new_plan.check(state)  // an allocator taken before the layout moved",
               [&] { new_plan.check(old_state); },
               invalid,
               {"'state'", "take allocators again"},
               {}});

  bufreg::BufferRegistry registry;
  int stranger = 0;
  table.check({"KernelPlan<Serial>(registry, &stranger)",
               [&] { bufreg::KernelPlan<Serial> none(registry, &stranger); },
               typeid(std::out_of_range),
               {"no buffers registered"},
               {}});

  int loop = 0;
  registry.register_buffer("state", &loop, 8, Location::local);
  bufreg::KernelPlan<Serial> registry_plan(registry, &loop);
  table.check({"plan.place_automatically({...})  // a plan of registry component &loop",
               [&] { registry_plan.place_automatically({}); },
               typeid(std::logic_error),
               {"BufferRegistry::place_automatically()"},
               {}});

  // Refused by the compiler (the compile_fail.* tests build each and assert its message).
  table.add("plan.kernel_arenas<0>(OpenMP(), policy)  // plan is a KernelPlan<Serial>",
            "does not compile", compile_error_instance_of_another_space);
  table.add("storage.reserve(Serial(), threads, addressing)  // a PersistentStorage<CudaSpace>",
            "does not compile", compile_error_instance_that_cannot_access_the_storage);

  // Kernels cannot throw: these end the run (test_debug_checks.hpp asserts each message).
  table.add("arenas.get<double>(float32 allocator)  // debug builds", "aborts",
            bufreg_test::abort_wrong_type);
  table.add("arenas.get<float>(allocator of another layout)  // debug builds", "aborts",
            bufreg_test::abort_stale_allocator);
  table.add("arenas.get<float>(allocator past its arena)  // debug builds", "aborts",
            bufreg_test::abort_outside_arena);
  table.add("arenas.thread(member, local)  // again and again in one kernel", "aborts",
            bufreg_test::abort_scratch_exhausted);
  table.add("launch with another league or team size than kernel_arenas()", "aborts",
            bufreg_test::abort_other_policy);
  table.add("arenas.thread(member, local)  // the plan keeps locals in level-1 scratch", "aborts",
            bufreg_test::abort_local_arena_for_level1);
  table.add("arenas.thread(member)  // the plan keeps locals on the stack", "aborts",
            bufreg_test::abort_no_local_arena);
  table.add("arenas.get<float>(per-team allocator)  // arenas from thread(), debug builds",
            "aborts", bufreg_test::abort_team_buffer_without_team);
  table.add("arenas.get<float>(interleaved persistent allocator)  // debug builds", "aborts",
            bufreg_test::abort_pointer_to_interleaved);
  // Refused by the compiler (the static_assert in bufreg/kokkos/precision.hpp), where half_t is
  // not 2 bytes: Kokkos 4 host builds. (On Kokkos 3 hosts half_t is float.)
  table.add("arenas.span<Kokkos::Experimental::half_t>(allocator)  // 4-byte half_t",
            "does not compile",
            "bufreg: Kokkos::Experimental::half_t is not 2 bytes on this backend, so it cannot "
            "hold the elements of a float16 buffer: use bufreg::float16");

  table.expect_in_readme(readme_path, "kokkos layer");
}

}  // namespace
