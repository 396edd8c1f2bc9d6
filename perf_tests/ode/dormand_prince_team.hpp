#pragma once
// One team's adaptive Dormand-Prince 5(4) integration of one system: the tableau and the
// controller of dormand_prince.hpp, its loops over the states spread over the team's threads.

#include <Kokkos_Core.hpp>

#include <cmath>

#include <bufreg/kokkos/strided_span.hpp>

#include "dormand_prince.hpp"

namespace ode {

/// The controller's state that outlives a launch. Every thread of the team holds its own copy
/// and updates it from the same reduced error norm, so the copies agree without a broadcast.
struct ControllerState {
  double step_size;
  double previous_error;
};

/// Integrates `n` states of one system from t0 to t1 in place (w.state; the team's buffers of
/// Workspace, whose controller spans stay empty: `controller` holds those), starting a fresh
/// controller when t0 == 0; called by every thread of `member`'s team. The caller loads w.state
/// before (and barriers), and stores w.output after: this function ends with a barrier.
/// Each loop over the states is a TeamThreadRange and ends with a barrier: the next phase may
/// read elements other threads wrote (the right-hand side reads x[i-2..i+1]; Kokkos does not
/// promise two ranges hand element i to the same thread).
template <class System, class Member>
KOKKOS_INLINE_FUNCTION SegmentResult integrate_team(const Member& member, const Workspace& w, int n,
                                                    double parameter, double t0, double t1,
                                                    const Tolerances& tol, int max_steps,
                                                    ControllerState& controller) {
  constexpr Tableau tableau = dormand_prince_tableau();
  const auto& a = tableau.a;
  const auto& e = tableau.e;
  const auto states = Kokkos::TeamThreadRange(member, n);
  const auto rhs = [&](const Workspace::Doubles& x, const Workspace::Doubles& dxdt) {
    Kokkos::parallel_for(states,
                         [&](const int i) { dxdt[i] = System::derivative(i, n, parameter, x); });
    member.team_barrier();
  };
  if (t0 == 0.0) {
    controller.step_size = tol.first_step;
    controller.previous_error = 1e-4;
  }
  SegmentResult result{0, 0, false};
  double t = t0;
  rhs(w.state, w.k[0]);
  while (t < t1) {
    if (result.accepted + result.rejected >= max_steps || controller.step_size < 1e-12) {
      result.failed = true;
      break;
    }
    const double h = smaller(controller.step_size, t1 - t);
    for (int s = 1; s < 6; ++s) {  // stages 2..6 in the accumulator
      Kokkos::parallel_for(states, [&](const int i) {
        double sum = 0;
        for (int j = 0; j < s; ++j) sum += a[s][j] * w.k[j][i];
        w.stage[i] = w.state[i] + h * sum;
      });
      member.team_barrier();
      rhs(w.stage, w.k[s]);
    }
    Kokkos::parallel_for(states, [&](const int i) {  // the 5th-order solution
      double sum = 0;
      for (int j = 0; j < 6; ++j) sum += a[6][j] * w.k[j][i];
      w.proposal[i] = w.state[i] + h * sum;
    });
    member.team_barrier();
    rhs(w.proposal, w.k[6]);  // the accumulator is dead: every thread is past the barrier above
    double norm = 0;
    Kokkos::parallel_reduce(
        states,
        [&](const int i, double& partial) {
          double sum = 0;
          for (int j = 0; j < 7; ++j) sum += e[j] * w.k[j][i];
          w.error[i] = h * sum;
          const double scale =
              tol.absolute + tol.relative * larger(::fabs(w.state[i]), ::fabs(w.proposal[i]));
          partial += (w.error[i] / scale) * (w.error[i] / scale);
        },
        norm);  // every thread of the team receives the sum
    norm = ::sqrt(norm / n);
    if (norm <= 1.0) {  // accept; PI control (Hairer & Wanner, II.4)
      const double factor = accepted_step_factor(norm, controller.previous_error);
      controller.previous_error = larger(norm, 1e-4);
      t += h;
      // Every thread has read state and k7 for the norm: the reduction joined the team.
      Kokkos::parallel_for(states, [&](const int i) {
        w.state[i] = w.proposal[i];
        w.k[0][i] = w.k[6][i];  // first same as last
      });
      member.team_barrier();
      controller.step_size = h * factor;
      ++result.accepted;
    } else {
      controller.step_size = h * rejected_step_factor(norm);
      ++result.rejected;
    }
  }
  Kokkos::parallel_for(states, [&](const int i) { w.output[i] = static_cast<float>(w.state[i]); });
  member.team_barrier();
  return result;
}

}  // namespace ode
