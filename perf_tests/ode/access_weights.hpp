#pragma once
// How often one accepted Dormand-Prince step touches each element of each ODE buffer: the
// weights that turn the integrator's buffers into traffic for the placement model.

#include <map>
#include <string>

namespace ode {

/// Reads and writes per element and accepted step, by path in the loop's registry ("state",
/// "step/k1", "controller/step_size"), counted in dormand_prince.hpp's integrate() for
/// Lorenz-96, whose right-hand side reads each element of its argument four times. Counted
/// from the source, not measured: the compiler may keep some in registers.
inline std::map<std::string, double> lorenz96_access_weights() {
  return {
      // state: read by the five stage sums, the proposal and the error scale, written on
      // acceptance; proposal: written, read by the right-hand side, the error scale and the
      // acceptance; error: written, then read twice for the norm.
      {"state", 8},
      {"proposal", 7},
      {"error", 3},
      {"output", 0},  // written once per launch, not per step
      // k_j: written once (k1 on acceptance, from k7), read by the later stage sums, the
      // proposal (k1..k6) and the error; k7 also on acceptance.
      {"step/k1", 8},
      {"step/k2", 7},
      {"step/k3", 6},
      {"step/k4", 5},
      {"step/k5", 4},
      {"step/k6", 3},
      {"step/k7", 3},
      // the accumulator: written by five stages, each read four times by the right-hand side.
      {"step/stage", 25},
      {"controller/previous_error", 2},
      {"controller/step_size", 3},
  };
}

}  // namespace ode
