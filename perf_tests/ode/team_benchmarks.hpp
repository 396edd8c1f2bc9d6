#pragma once
// The team-per-system benchmarks' launches: the bufreg kernel sized by a KernelPlan with a group
// of per-team buffers, and the hand-written one sized with View::shmem_size, at one team size.

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstddef>

#include <bufreg/kokkos.hpp>

#include "team_kernels.hpp"

namespace ode {

/// Systems in a team-per-system batch: `requested` (--bufreg_systems) at most, and few enough
/// that the host reference (RK4 at a fixed step: its time grows with systems times states) and
/// runs on host backends stay short; on GPUs enough teams for a few waves over the device.
template <class ExecSpace>
int team_systems(int n, int requested) {
  constexpr bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecSpace::memory_space>::accessible;
  const int most = host ? (n <= 128 ? 128 : 64) : (n <= 128 ? 1024 : 256);
  return std::min(requested, most);
}

/// The team size both kernels of a pair launch with: 128 threads on GPUs (one state each at
/// n = 128, eight at n = 1024); on host backends what Kokkos allows, at most 4 (Serial: 1).
template <class ExecSpace, class System>
int team_threads() {
  constexpr bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, typename ExecSpace::memory_space>::accessible;
  if constexpr (!host) {
    return 128;
  } else {
    const HandTeamIntegrator<ExecSpace, System, 0> functor{};
    return std::min(
        4, Kokkos::TeamPolicy<ExecSpace>(1, 1).team_size_max(functor, Kokkos::ParallelForTag()));
  }
}

/// Through bufreg: a group of per-team buffers (level 0 where they fit, level 1 otherwise)
/// beside a plan whose threads have no buffers.
template <class ExecSpace, class System, int N>
class BufregTeamRunner {
 public:
  using Functor = BufregTeamIntegrator<ExecSpace, System>;

  explicit BufregTeamRunner(const Batch<ExecSpace>& batch)
      : m_team(team_scope()), m_plan(m_threads) {
    using bufreg::Location;
    using bufreg::Precision;
    const Location where = team_buffers_in_level0<N> ? Location::shared : Location::local;
    for (const char* name : {"state", "proposal", "error"}) {
      m_team.register_buffer(name, N, where, false, {}, Precision::float64);
    }
    m_team.register_buffer("output", N, where, false, {}, Precision::float32);
    for (const char* stage : {"k1", "k2", "k3", "k4", "k5", "k6", "k7"}) {
      m_team.register_buffer(stage, N, where, false, {}, Precision::float64);
    }
    m_team.register_buffer("stage", N, where, false, "k7", Precision::float64);
    m_plan.set_team_buffers(m_team);

    const TeamAllocators allocators(m_team);
    m_plan.check(allocators.state, allocators.proposal, allocators.error, allocators.output,
                 allocators.k[0], allocators.k[1], allocators.k[2], allocators.k[3],
                 allocators.k[4], allocators.k[5], allocators.k[6], allocators.stage);
    const Kokkos::View<TeamAllocators, typename ExecSpace::memory_space> copy(
        "ode::team_allocators");
    const auto host = Kokkos::create_mirror_view(copy);
    host() = allocators;
    Kokkos::deep_copy(copy, host);
    m_functor.allocators = copy;
    m_functor.controller =
        TeamController<ExecSpace>("ode::team_controller", static_cast<std::size_t>(batch.systems));
    m_functor.batch = batch;
    m_policy = m_plan.configure(
        Kokkos::TeamPolicy<ExecSpace>(batch.systems, team_threads<ExecSpace, System>()), m_functor);
    m_functor.arenas = m_plan.kernel_arenas(m_policy);
  }

  void operator()(const Batch<ExecSpace>& batch) {
    m_functor.batch = batch;
    Kokkos::parallel_for("ode::integrate_team_bufreg", m_policy, m_functor);
  }

  int team_size() const { return m_policy.team_size(); }
  /// Level-0 scratch per team (0 when the buffers are in level 1).
  std::size_t shared_bytes() const { return m_plan.level0_bytes_per_team(team_size()); }

 private:
  static bufreg::LayoutOptions team_scope() {
    bufreg::LayoutOptions options;
    options.scope = bufreg::Scope::team;
    return options;
  }

  bufreg::BufferGroup m_threads;  // none: every buffer is the team's
  bufreg::BufferGroup m_team;
  bufreg::KernelPlan<ExecSpace> m_plan;
  Functor m_functor;
  Kokkos::TeamPolicy<ExecSpace> m_policy;
};

/// By hand, at the same team size and scratch level as BufregTeamRunner.
template <class ExecSpace, class System, int N>
class HandTeamRunner {
 public:
  static constexpr int level = team_buffers_in_level0<N> ? 0 : 1;
  using Functor = HandTeamIntegrator<ExecSpace, System, level>;

  explicit HandTeamRunner(const Batch<ExecSpace>& batch) {
    m_functor.batch = batch;
    m_functor.controller =
        TeamController<ExecSpace>("ode::team_controller", static_cast<std::size_t>(batch.systems));
    // The scratch-size type of this Kokkos: int before 3.7, size_t after.
    const auto scratch =
        static_cast<decltype(Kokkos::PerTeam(0).value)>(Functor::scratch_per_team(N));
    m_policy = Kokkos::TeamPolicy<ExecSpace>(batch.systems, team_threads<ExecSpace, System>());
    m_policy.set_scratch_size(level, Kokkos::PerTeam(scratch));
  }

  void operator()(const Batch<ExecSpace>& batch) {
    m_functor.batch = batch;
    Kokkos::parallel_for("ode::integrate_team_hand", m_policy, m_functor);
  }

  int team_size() const { return m_policy.team_size(); }
  std::size_t shared_bytes() const { return level == 0 ? Functor::scratch_per_team(N) : 0; }

 private:
  Functor m_functor;
  Kokkos::TeamPolicy<ExecSpace> m_policy;
};

}  // namespace ode
