// A Kokkos kernel whose per-thread work arrays are laid out by bufreg.
#include <Kokkos_Core.hpp>
#include <bufreg/kokkos.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>

int main(int argc, char* argv[]) {
  Kokkos::ScopeGuard kokkos(argc, argv);
  using ExecSpace = Kokkos::DefaultExecutionSpace;
  using Member = Kokkos::TeamPolicy<ExecSpace>::member_type;
  using bufreg::Location;
  using bufreg::Precision;

  // 1. Declare the buffers one thread needs.
  bufreg::BufferGroup group;
  group.register_buffer("x", 16, Location::shared, false, {}, Precision::float64);
  group.register_buffer("work", 16, Location::local, false, {}, Precision::float64);
  group.register_buffer("calls", 1, Location::local, /*persistent=*/true, {}, Precision::int64);
  const bufreg::Allocator x = group.get_allocator("x");
  const bufreg::Allocator work = group.get_allocator("work", /*zero=*/true);
  const bufreg::Allocator calls = group.get_allocator("calls");

  // 2. Plan the launch: level-0 scratch sized and checked, persistent rows allocated.
  bufreg::KernelPlan<ExecSpace> plan(group);
  const int team = std::min(64, ExecSpace().concurrency());
  const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(8, team));
  const auto arenas = plan.kernel_arenas<128>(policy);  // a 128-byte LocalArena per thread
  plan.check(x, work, calls);  // the allocators are of the layout the plan was made for

  // 3. Launch; each thread indexes its own buffers (x[k], in every thread layout).
  Kokkos::View<double*> sums("example::sums", 8 * static_cast<std::size_t>(team));
  for (int launch = 0; launch < 2; ++launch) {
    Kokkos::parallel_for(
        "example::kernel", policy, KOKKOS_LAMBDA(const Member& member) {
          bufreg::LocalArena<128> local;
          const bufreg::ThreadArenas mine = arenas.thread(member, local);
          const auto xs = mine.span<double>(x);
          const auto ws = mine.span<double>(work);        // zeroed
          const auto n = mine.span<std::int64_t>(calls);  // kept from the last launch
          const int i = member.league_rank() * member.team_size() + member.team_rank();
          double sum = 0;
          for (int k = 0; k < 16; ++k) {
            xs[k] = i + k;
            ws[k] += 2 * xs[k];
            sum += ws[k];
          }
          sums(static_cast<std::size_t>(i)) = sum * static_cast<double>(++n[0]);
        });
  }
  const auto host = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), sums);
  std::printf("thread 1: %g (2 * (16 + 120) * 2 launches = 544)\n", host(1));
  return host(1) == 544.0 ? 0 : 1;
}
