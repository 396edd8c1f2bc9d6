#pragma once
// Benchmarks of the demo workload: the batch integrator through bufreg in every placement, and
// written by hand, each checked against its host reference after it is timed.

#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <bufreg/kokkos.hpp>

#include "automatic_placement_options.hpp"
#include "components.hpp"
#include "kernels.hpp"
#include "reference.hpp"

namespace ode {

/// What every ODE benchmark integrates.
struct Settings {
  int systems = 512;   ///< systems per batch (one per thread)
  double t_end = 1.0;  ///< integrate from 0 to t_end ...
  int segments = 2;    ///< ... in this many launches (the controller's state persists)
  double tolerance = 1e-8;
  double check = 1e-5;  ///< allowed |y - reference| / (1 + |reference|)
};

/// One batch: device views, the initial state and the host reference.
template <class ExecSpace, class System>
class BatchData {
 public:
  BatchData(int n, const Settings& settings) : m_settings(settings) {
    using memory_space = typename ExecSpace::memory_space;
    const auto systems = static_cast<std::size_t>(settings.systems);
    const auto size = static_cast<std::size_t>(n);
    batch.state = Kokkos::View<double**, memory_space>("ode::state", systems, size);
    batch.output = Kokkos::View<float**, memory_space>("ode::output", systems, size);
    batch.parameter = Kokkos::View<double*, memory_space>("ode::parameter", systems);
    batch.accepted = Kokkos::View<std::int64_t*, memory_space>("ode::accepted", systems);
    batch.failed = Kokkos::View<int*, memory_space>("ode::failed", systems);
    batch.systems = settings.systems;
    batch.n = n;
    batch.tolerances = Tolerances{settings.tolerance, settings.tolerance, 1e-3};
    batch.max_steps = 100000;
    m_initial = Kokkos::View<double**, memory_space>("ode::initial", systems, size);
    auto initial = Kokkos::create_mirror_view(m_initial);
    auto parameter = Kokkos::create_mirror_view(batch.parameter);
    for (std::size_t s = 0; s < systems; ++s) {
      parameter(s) = System::parameter(static_cast<int>(s));
      for (std::size_t i = 0; i < size; ++i) {
        initial(s, i) = System::initial(static_cast<int>(i), static_cast<int>(s), parameter(s));
      }
    }
    Kokkos::deep_copy(m_initial, initial);
    Kokkos::deep_copy(batch.parameter, parameter);
    if constexpr (std::is_same_v<System, DampedRotation>) {
      m_reference = exact_reference(n, settings.systems, settings.t_end);
    } else {
      m_reference = rk4_reference<System>(n, settings.systems, settings.t_end, 1e-3);
    }
  }

  /// Back to t = 0 (the kernels restart their controllers there).
  void reset() {
    Kokkos::deep_copy(batch.state, m_initial);
    Kokkos::deep_copy(batch.accepted, 0);
    Kokkos::deep_copy(batch.failed, 0);
  }

  /// Launches `launch(batch)` once per segment, with the segment's [t0, t1].
  template <class Launch>
  void integrate(Launch&& launch) {
    for (int segment = 0; segment < m_settings.segments; ++segment) {
      batch.t0 = m_settings.t_end * segment / m_settings.segments;
      batch.t1 = m_settings.t_end * (segment + 1) / m_settings.segments;
      launch(batch);
    }
    Kokkos::fence();
  }

  struct Check {
    double max_error;
    int failed_systems;
    std::int64_t accepted_steps;
  };
  /// Compares the last output with the reference.
  Check check() const {
    const auto output = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch.output);
    const auto failed = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch.failed);
    const auto accepted = Kokkos::create_mirror_view_and_copy(Kokkos::HostSpace(), batch.accepted);
    Check result{0.0, 0, 0};
    const auto n = static_cast<std::size_t>(batch.n);
    for (std::size_t s = 0; s < static_cast<std::size_t>(batch.systems); ++s) {
      result.failed_systems += failed(s);
      result.accepted_steps += accepted(s);
      for (std::size_t i = 0; i < n; ++i) {
        const double want = m_reference[s * n + i];
        const double error = std::fabs(output(s, i) - want) / (1.0 + std::fabs(want));
        if (!(error <= result.max_error)) result.max_error = error;  // NaN propagates
      }
    }
    return result;
  }

  Batch<ExecSpace> batch;

 private:
  Settings m_settings;
  Kokkos::View<double**, typename ExecSpace::memory_space> m_initial;
  std::vector<double> m_reference;
};

/// The integrator through bufreg: components register, the plan sizes the launch. `mix` and
/// `aliasing` choose the components' placement and size the kernel's LocalArenas for it
/// (Mix::automatic: the device's PlacementModel chooses it, within all_local's LocalArenas).
template <class ExecSpace, class System, int N, Mix mix, bool aliasing>
class BufregRunner {
  using memory_space = typename ExecSpace::memory_space;

  /// `loop`, its buffers placed by the model of the device the kernel runs on when `mix` is
  /// Mix::automatic: before the plan and the allocators read the layout.
  static const void* placed(const IntegratorLoop& loop) {
    if constexpr (mix == Mix::automatic) {
      place_automatically<System>(loop, bufreg::placement_model(ExecSpace()), Capacity::total);
    }
    return loop.buffers().owner();
  }

  static Kokkos::View<const Allocators, memory_space> device_allocators(const Allocators& value) {
    const Kokkos::View<Allocators, memory_space> copy("ode::allocators");
    const auto host = Kokkos::create_mirror_view(copy);
    host() = value;
    Kokkos::deep_copy(copy, host);
    return copy;
  }

 public:
  using Functor = BufregIntegrator<ExecSpace, System, N, mix, aliasing>;
  using Capacity = LocalCapacity<N, mix, aliasing>;

  explicit BufregRunner(const Batch<ExecSpace>& batch)
      : m_loop(m_registry, N, mix, aliasing),
        m_plan(m_registry, placed(m_loop)),
        m_functor{{}, device_allocators(Allocators(m_loop)), batch} {
    // The children's LocalArenas are the kernel's to size: check them before any launch.
    bufreg::KernelPlan<ExecSpace>(m_registry, m_loop.step().buffers().owner())
        .check_local_capacity(Capacity::step, 16);
    bufreg::KernelPlan<ExecSpace>(m_registry, m_loop.controller().buffers().owner())
        .check_local_capacity(Capacity::controller, 16);
    const int team =
        m_plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, Kokkos::AUTO), m_functor).team_size();
    const int league = (batch.systems + team - 1) / team;
    m_policy = m_plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, team), m_functor);
    m_functor.arenas = m_plan.template kernel_arenas<Capacity::loop>(m_policy);
  }

  void operator()(const Batch<ExecSpace>& batch) {
    m_functor.batch = batch;
    Kokkos::parallel_for("ode::integrate_bufreg", m_policy, m_functor);
  }

  int team_size() const { return m_policy.team_size(); }
  std::size_t shared_bytes() const { return m_plan.shared_bytes_per_thread(); }
  const IntegratorLoop& loop() const { return m_loop; }

 private:
  bufreg::BufferRegistry m_registry;
  IntegratorLoop m_loop;
  bufreg::KernelPlan<ExecSpace> m_plan;
  Functor m_functor;
  Kokkos::TeamPolicy<ExecSpace> m_policy;
};

/// The integrator by hand, team size left to Kokkos.
template <class ExecSpace, class System, int N, Mix mix>
class HandRunner {
 public:
  using Functor = HandIntegrator<ExecSpace, System, N, mix>;

  explicit HandRunner(const Batch<ExecSpace>& batch) {
    m_functor.batch = batch;
    // The scratch-size type of this Kokkos: int before 3.7, size_t after.
    const auto scratch =
        static_cast<decltype(Kokkos::PerThread(0).value)>(Functor::scratch_per_thread());
    Kokkos::TeamPolicy<ExecSpace> sizing(1, Kokkos::AUTO);
    sizing.set_scratch_size(0, Kokkos::PerThread(scratch));
    const int team = sizing.team_size_recommended(m_functor, Kokkos::ParallelForTag());
    const int league = (batch.systems + team - 1) / team;
    m_policy = Kokkos::TeamPolicy<ExecSpace>(league, team);
    m_policy.set_scratch_size(0, Kokkos::PerThread(scratch));
    m_functor.controller =
        Kokkos::View<double* [2], Kokkos::LayoutLeft, typename ExecSpace::memory_space>(
            "ode::controller", static_cast<std::size_t>(league * team));
  }

  void operator()(const Batch<ExecSpace>& batch) {
    m_functor.batch = batch;
    Kokkos::parallel_for("ode::integrate_hand", m_policy, m_functor);
  }

  int team_size() const { return m_policy.team_size(); }
  std::size_t shared_bytes() const { return Functor::scratch_per_thread(); }

 private:
  Functor m_functor;
  Kokkos::TeamPolicy<ExecSpace> m_policy;
};

/// Times `runner` over whole integrations, then checks the result; sets the counters the
/// summary reads.
template <class ExecSpace, class System, class Runner>
void time_integration(benchmark::State& state, BatchData<ExecSpace, System>& data, Runner& runner,
                      double allowed_error) {
  for (auto _ : state) {
    data.reset();
    data.integrate(runner);
  }
  const auto check = data.check();
  state.counters["steps/s"] = benchmark::Counter(static_cast<double>(check.accepted_steps),
                                                 benchmark::Counter::kIsIterationInvariantRate);
  state.counters["team"] = runner.team_size();
  state.counters["shared_B"] = static_cast<double>(runner.shared_bytes());
  state.counters["max_err"] = check.max_error;
  if (check.failed_systems > 0 || !(check.max_error <= allowed_error)) {
    state.SkipWithError(("results disagree with the reference: max error " +
                         std::to_string(check.max_error) + ", " +
                         std::to_string(check.failed_systems) + " systems failed")
                            .c_str());
  }
}

}  // namespace ode
