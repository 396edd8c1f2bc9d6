#pragma once
// The team-per-system integrator kernel twice: its buffers one copy per team through bufreg,
// and in scratch views written by hand. Both run integrate_team (dormand_prince_team.hpp).

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <string>

#include <bufreg/kokkos.hpp>

#include "dormand_prince_team.hpp"
#include "kernels.hpp"

namespace ode {

/// Bytes of one system's buffers: state, proposal, error and seven stage derivatives in double
/// precision (the stage accumulator inside k7's storage), and the float output.
constexpr std::size_t team_buffer_bytes(int n) {
  return (10 * sizeof(double) + sizeof(float)) * static_cast<std::size_t>(n);
}

/// Whether the buffers of `N` states go to level-0 scratch: where they fit the 48 KiB a CUDA
/// block gets without opting in to more (n = 128: 10.5 KiB); level 1 otherwise (n = 1024: 84 KiB).
template <int N>
constexpr bool team_buffers_in_level0 = team_buffer_bytes(N) <= 48 * 1024;

/// The controller's state across launches, (system, {step size, previous error}), in both
/// kernels.
template <class ExecSpace>
using TeamController = Kokkos::View<double* [2], typename ExecSpace::memory_space>;

/// One team's share of the batch: load system `league_rank`, integrate [t0, t1], store.
template <class System, class ExecSpace, class Member>
KOKKOS_INLINE_FUNCTION void run_team(const Member& member, const Batch<ExecSpace>& batch,
                                     const TeamController<ExecSpace>& controller,
                                     const Workspace& w) {
  const auto s = static_cast<std::size_t>(member.league_rank());
  const auto states = Kokkos::TeamThreadRange(member, batch.n);
  Kokkos::parallel_for(
      states, [&](const int i) { w.state[i] = batch.state(s, static_cast<std::size_t>(i)); });
  member.team_barrier();
  ControllerState mine{controller(s, 0), controller(s, 1)};
  const SegmentResult result =
      integrate_team<System>(member, w, batch.n, batch.parameter(s), batch.t0, batch.t1,
                             batch.tolerances, batch.max_steps, mine);
  Kokkos::parallel_for(states, [&](const int i) {
    batch.state(s, static_cast<std::size_t>(i)) = w.state[i];
    batch.output(s, static_cast<std::size_t>(i)) = w.output[i];
  });
  Kokkos::single(Kokkos::PerTeam(member), [&]() {  // every thread holds the same values
    controller(s, 0) = mine.step_size;
    controller(s, 1) = mine.previous_error;
    batch.accepted(s) += result.accepted;
    if (result.failed) batch.failed(s) = 1;
  });
}

/// The per-team buffers' allocators. Kernels read them from device memory, as the thread
/// kernel does its Allocators (384 bytes would crowd CUDA's 512-byte kernel arguments).
struct TeamAllocators {
  bufreg::Allocator state, proposal, error, output, k[7], stage;

  TeamAllocators() = default;  // for Kokkos::View<TeamAllocators>

  explicit TeamAllocators(const bufreg::BufferGroup& team)
      : state(team.get_allocator("state")),
        proposal(team.get_allocator("proposal")),
        error(team.get_allocator("error")),
        output(team.get_allocator("output")),
        stage(team.get_allocator("stage")) {
    for (int j = 0; j < 7; ++j) k[j] = team.get_allocator("k" + std::to_string(j + 1));
  }
};

/// Through bufreg: the team's buffers from its arenas; the threads have no buffers of their own.
template <class ExecSpace, class System>
struct BufregTeamIntegrator {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  bufreg::KernelArenas<ExecSpace, 0> arenas;
  Kokkos::View<const TeamAllocators, typename ExecSpace::memory_space> allocators;
  TeamController<ExecSpace> controller;
  Batch<ExecSpace> batch;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    const TeamAllocators& a = allocators();
    const bufreg::ThreadArenas team = arenas.team_member(member);
    Workspace w{};
    w.state = team.span<double>(a.state);
    w.proposal = team.span<double>(a.proposal);
    w.error = team.span<double>(a.error);
    w.output = team.span<float>(a.output);
    for (int j = 0; j < 7; ++j) w.k[j] = team.span<double>(a.k[j]);
    w.stage = team.span<double>(a.stage);
    run_team<System>(member, batch, controller, w);
  }
};

/// By hand: unmanaged views of the team's scratch at `Level`, the stage accumulator in k7's.
template <class ExecSpace, class System, int Level>
struct HandTeamIntegrator {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  using Scratch = typename ExecSpace::scratch_memory_space;
  using DoubleScratch = Kokkos::View<double*, Scratch, Kokkos::MemoryUnmanaged>;
  using FloatScratch = Kokkos::View<float*, Scratch, Kokkos::MemoryUnmanaged>;
  TeamController<ExecSpace> controller;
  Batch<ExecSpace> batch;

  /// Scratch bytes per team at `Level`: ten double views and a float one, as Kokkos sizes them.
  static std::size_t scratch_per_team(int n) {
    const auto size = static_cast<std::size_t>(n);
    return 10 * DoubleScratch::shmem_size(size) + FloatScratch::shmem_size(size);
  }

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    using Doubles = Workspace::Doubles;
    const auto& scratch = member.team_scratch(Level);
    const auto n = static_cast<std::size_t>(batch.n);
    Workspace w{};
    w.state = Doubles(DoubleScratch(scratch, n).data(), n);
    w.proposal = Doubles(DoubleScratch(scratch, n).data(), n);
    w.error = Doubles(DoubleScratch(scratch, n).data(), n);
    w.output = bufreg::StridedSpan<float>(FloatScratch(scratch, n).data(), n);
    for (int j = 0; j < 7; ++j) w.k[j] = Doubles(DoubleScratch(scratch, n).data(), n);
    w.stage = w.k[6];
    run_team<System>(member, batch, controller, w);
  }
};

}  // namespace ode
