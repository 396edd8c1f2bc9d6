#pragma once
// The batch integrator kernel twice: through bufreg allocators, and written by hand with Kokkos
// scratch views and stack arrays. Both run the same Dormand-Prince code (dormand_prince.hpp).

#include <Kokkos_Core.hpp>

#include <cstdint>

#include <bufreg/kokkos.hpp>

#include "components.hpp"
#include "dormand_prince.hpp"

namespace ode {

/// The systems of one batch in device memory, one system per thread.
template <class ExecSpace>
struct Batch {
  using memory_space = typename ExecSpace::memory_space;
  Kokkos::View<double**, memory_space> state;  // (system, i), carried between segments
  Kokkos::View<float**, memory_space> output;  // (system, i), written at each segment's end
  Kokkos::View<double*, memory_space> parameter;
  Kokkos::View<std::int64_t*, memory_space> accepted;
  Kokkos::View<int*, memory_space> failed;
  int systems = 0;
  int n = 0;
  double t0 = 0, t1 = 0;
  Tolerances tolerances{};
  int max_steps = 0;

  /// Runs one thread's share: load, integrate [t0, t1], store.
  template <class System>
  KOKKOS_INLINE_FUNCTION void run(const Workspace& w, int system) const {
    const auto s = static_cast<std::size_t>(system);
    for (int i = 0; i < n; ++i) w.state[i] = state(s, static_cast<std::size_t>(i));
    const SegmentResult result =
        integrate<System>(w, n, parameter(s), t0, t1, tolerances, max_steps);
    for (int i = 0; i < n; ++i) {
      state(s, static_cast<std::size_t>(i)) = w.state[i];
      output(s, static_cast<std::size_t>(i)) = w.output[i];
    }
    accepted(s) += result.accepted;
    if (result.failed) failed(s) = 1;
  }
};

/// Bytes of thread-private storage the loop, the step and the controller need for `N` states in
/// placement `mix`, the stage accumulator inside k7's storage when `aliasing`: what the
/// hand-written kernel declares for the same placement, so that neither kernel's stack covers
/// placements it does not run. Mix::automatic may choose any placement, so it gets all_local's.
template <int N, Mix mix, bool aliasing>
struct LocalCapacity {
  static constexpr bool step_may_be_local = mix == Mix::all_local || mix == Mix::automatic;
  static constexpr std::size_t loop = mix == Mix::all_shared ? 0 : (3 * 8 + 4) * N;
  static constexpr std::size_t step = step_may_be_local ? (aliasing ? 7 : 8) * 8 * N : 0;
  static constexpr std::size_t controller = 0;
  static constexpr std::size_t total = loop + step + controller;
};

template <class ExecSpace, class System, int N, Mix mix, bool aliasing>
struct BufregIntegrator {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  using Capacity = LocalCapacity<N, mix, aliasing>;
  bufreg::KernelArenas<ExecSpace, Capacity::loop> arenas;
  Kokkos::View<const Allocators, typename ExecSpace::memory_space> allocators;
  Batch<ExecSpace> batch;

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    const int system = member.league_rank() * member.team_size() + member.team_rank();
    if (system >= batch.systems) return;
    const Allocators& a = allocators();
    bufreg::LocalArena<Capacity::loop> local;
    bufreg::LocalArena<Capacity::step> step_local;
    bufreg::LocalArena<Capacity::controller> controller_local;
    const bufreg::ThreadArenas loop = arenas.thread(member, local);
    const bufreg::ThreadArenas step = loop.child(a.step_shared, a.step_persistent, step_local);
    const bufreg::ThreadArenas controller =
        loop.child(a.controller_shared, a.controller_persistent, controller_local);
    Workspace w{};
    w.state = loop.span<double>(a.state);
    w.proposal = loop.span<double>(a.proposal);
    w.error = loop.span<double>(a.error);
    w.output = loop.span<float>(a.output);
    for (int j = 0; j < 7; ++j) w.k[j] = step.span<double>(a.k[j]);
    w.stage = step.span<double>(a.stage);
    w.previous_error = controller.span<double>(a.previous_error);
    w.step_size = controller.span<double>(a.step_size);
    batch.template run<System>(w, system);
  }
};

/// The same kernel as an expert Kokkos user writes it without bufreg: scratch views for the
/// buffers in shared memory, with the per-thread scratch padded to an odd multiple of 8 bytes so
/// that a warp's accesses are free of bank conflicts; stack arrays for the others; a LayoutLeft
/// View for the controller's state (coalesced: system index fastest); and the stage accumulator
/// in k7's storage.
template <class ExecSpace, class System, int N, Mix mix>
struct HandIntegrator {
  using Member = typename Kokkos::TeamPolicy<ExecSpace>::member_type;
  using Scratch = typename ExecSpace::scratch_memory_space;
  using DoubleScratch = Kokkos::View<double*, Scratch, Kokkos::MemoryUnmanaged>;
  using FloatScratch = Kokkos::View<float*, Scratch, Kokkos::MemoryUnmanaged>;
  static constexpr bool loop_shared = mix == Mix::all_shared;
  static constexpr bool step_shared = mix != Mix::all_local;

  Kokkos::View<double* [2], Kokkos::LayoutLeft, typename ExecSpace::memory_space> controller;
  Batch<ExecSpace> batch;

  /// Level-0 bytes per thread: the scratch views, rounded up to an odd multiple of 8 bytes.
  static std::size_t scratch_per_thread() {
    std::size_t bytes = 0;
    if (loop_shared) bytes += 3 * DoubleScratch::shmem_size(N) + FloatScratch::shmem_size(N);
    if (step_shared) bytes += 7 * DoubleScratch::shmem_size(N);
    const std::size_t words = (bytes + 7) / 8;
    return bytes == 0 ? 0 : (words | 1) * 8;
  }

  KOKKOS_INLINE_FUNCTION void operator()(const Member& member) const {
    const int system = member.league_rank() * member.team_size() + member.team_rank();
    if (system >= batch.systems) return;
    constexpr auto n = static_cast<std::size_t>(N);
    double loop_local[loop_shared ? 1 : 3][n];
    float output_local[loop_shared ? 1 : n];
    double step_local[step_shared ? 1 : 7][n];
    using Doubles = Workspace::Doubles;
    Workspace w{};
    if constexpr (loop_shared) {
      const auto& scratch = member.thread_scratch(0);
      w.state = Doubles(DoubleScratch(scratch, N).data(), n);
      w.proposal = Doubles(DoubleScratch(scratch, N).data(), n);
      w.error = Doubles(DoubleScratch(scratch, N).data(), n);
      w.output = bufreg::StridedSpan<float>(FloatScratch(scratch, N).data(), n);
    } else {
      w.state = Doubles(loop_local[0], n);
      w.proposal = Doubles(loop_local[1], n);
      w.error = Doubles(loop_local[2], n);
      w.output = bufreg::StridedSpan<float>(output_local, n);
    }
    for (int j = 0; j < 7; ++j) {
      if constexpr (step_shared) {
        w.k[j] = Doubles(DoubleScratch(member.thread_scratch(0), N).data(), n);
      } else {
        w.k[j] = Doubles(step_local[j], n);
      }
    }
    w.stage = w.k[6];
    const auto s = static_cast<std::size_t>(system);
    w.previous_error = Doubles(&controller(s, 0), 1);
    w.step_size = Doubles(&controller(s, 1), 1);
    batch.template run<System>(w, system);
  }
};

}  // namespace ode
