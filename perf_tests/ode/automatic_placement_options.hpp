#pragma once
// What automatic placement may move in the integrator (Mix::automatic), and how often the kernel
// touches each buffer: the weights are counted from integrate() in dormand_prince.hpp and the
// system's rhs().

#include <bufreg/core.hpp>

#include <cstddef>

#include "components.hpp"

namespace ode {

/// Every non-persistent buffer of the loop and the step is relocatable. A weight is the accesses
/// per element in one accepted step of integrate(), as the source code writes them (the compiler
/// may keep some in registers); a rejected step skips the accepting copies. `r` is
/// System::rhs_reads_per_element. `local_capacity`: the thread-private bytes the kernel's
/// LocalArenas hold together.
template <class System>
bufreg::PlacementOptions automatic_placement_options(std::size_t local_capacity) {
  constexpr double r = System::rhs_reads_per_element;
  bufreg::PlacementOptions options;
  options.relocatable = {"state",   "proposal", "error",   "output",  "step/k1", "step/k2",
                         "step/k3", "step/k4",  "step/k5", "step/k6", "step/k7", "step/stage"};
  options.weights = {
      // read by the sums of stages 2-6 (5), the proposal, the error's scale; written on accepting
      {"state", 8},
      // written once, read by rhs (r), by the error's scale and by the accepting copy
      {"proposal", 3 + r},
      // written once, read twice by the error norm
      {"error", 3},
      // written once per launch, after the last step: nothing per step
      {"output", 0},
      // k_j is read by the sums of the stages after it (k1: 5 ... k6: 0), by the proposal and by
      // the error, and written once (k2-k6 by rhs, k1 by the accepting first-same-as-last copy)
      {"step/k1", 5 + 2 + 1},
      {"step/k2", 4 + 2 + 1},
      {"step/k3", 3 + 2 + 1},
      {"step/k4", 2 + 2 + 1},
      {"step/k5", 1 + 2 + 1},
      {"step/k6", 0 + 2 + 1},
      // written by rhs, read by the error and by the first-same-as-last copy
      {"step/k7", 3},
      // in each of stages 2-6: written by the sum, read r times by rhs
      {"step/stage", 5 * (1 + r)},
      // one element each, in global memory whatever the placement: step_size is read by the
      // budget check and the step's h and written once; previous_error read and written once
      {"controller/step_size", 3},
      {"controller/previous_error", 2}};
  options.local_capacity = local_capacity;
  return options;
}

/// Places `loop` (registered with Mix::automatic) with `model` and returns the model's decision.
template <class System>
bufreg::PlacementDecision place_automatically(const IntegratorLoop& loop,
                                              const bufreg::PlacementModel& model,
                                              std::size_t local_capacity) {
  return loop.registry().place_automatically(loop.buffers().owner(), model,
                                             automatic_placement_options<System>(local_capacity));
}

}  // namespace ode
