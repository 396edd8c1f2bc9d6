#pragma once
// One thread's adaptive Dormand-Prince 5(4) integration, over buffers it is handed as strided
// spans: the bufreg kernel and the hand-written kernel differ only in where the spans point.

#include <Kokkos_Core.hpp>

#include <cmath>

#include <bufreg/kokkos/strided_span.hpp>

namespace ode {

/// Where one thread's integrator keeps its data. The loop owns state, proposal, error and the
/// single-precision output staging buffer; the step owns the seven stage derivatives and the
/// stage accumulator (which may share k7's storage: it is dead before k7 is computed); the
/// controller owns the previous error norm and the next step size, kept across launches.
struct Workspace {
  using Doubles = bufreg::StridedSpan<double>;
  Doubles state;
  Doubles proposal;
  Doubles error;
  bufreg::StridedSpan<float> output;
  Doubles k[7];
  Doubles stage;
  Doubles previous_error;
  Doubles step_size;
};

// Math that compiles on every backend and Kokkos version (Kokkos 3 keeps its math functions in
// Kokkos::Experimental, Kokkos 4 in Kokkos); the C library's double functions work in device code.
KOKKOS_INLINE_FUNCTION double smaller(double a, double b) { return a < b ? a : b; }
KOKKOS_INLINE_FUNCTION double larger(double a, double b) { return a < b ? b : a; }

/// Dormand & Prince (1980): row s of `a` builds stage s + 1 (its last row is b, 5th order);
/// e = b - b_hat (the embedded 4th order), including k7.
struct Tableau {
  double a[7][6];
  double e[7];
};

/// The tableau by value, for each integrator's local constexpr copy: usable on every device.
KOKKOS_INLINE_FUNCTION constexpr Tableau dormand_prince_tableau() {
  return {{{0, 0, 0, 0, 0, 0},
           {1.0 / 5, 0, 0, 0, 0, 0},
           {3.0 / 40, 9.0 / 40, 0, 0, 0, 0},
           {44.0 / 45, -56.0 / 15, 32.0 / 9, 0, 0, 0},
           {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729, 0, 0},
           {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656, 0},
           {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84}},
          {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40}};
}

/// The step-size factor after an accepted step of error norm `norm`: PI control (Hairer &
/// Wanner, II.4), between 0.2 and 5.
KOKKOS_INLINE_FUNCTION double accepted_step_factor(double norm, double previous_error) {
  return norm == 0.0
             ? 5.0
             : smaller(5.0,
                       larger(0.2, 0.9 * ::pow(norm, -0.7 / 5) * ::pow(previous_error, 0.4 / 5)));
}

/// The step-size factor after a rejected step: at least 0.2.
KOKKOS_INLINE_FUNCTION double rejected_step_factor(double norm) {
  return larger(0.2, 0.9 * ::pow(norm, -1.0 / 5));
}

struct Tolerances {
  double relative;
  double absolute;
  double first_step;
};

/// Outcome of integrating one system over [t0, t1].
struct SegmentResult {
  int accepted;
  int rejected;
  bool failed;  // the step size underflowed or the step budget ran out
};

/// Integrates `n` states of one system from t0 to t1 in place (w.state), starting a fresh
/// controller when t0 == 0. The caller loads w.state before and stores w.output after.
template <class System>
KOKKOS_INLINE_FUNCTION SegmentResult integrate(const Workspace& w, int n, double parameter,
                                               double t0, double t1, const Tolerances& tol,
                                               int max_steps) {
  constexpr Tableau tableau = dormand_prince_tableau();
  const auto& a = tableau.a;
  const auto& e = tableau.e;
  if (t0 == 0.0) {
    w.step_size[0] = tol.first_step;
    w.previous_error[0] = 1e-4;
  }
  SegmentResult result{0, 0, false};
  double t = t0;
  System::rhs(n, parameter, w.state, w.k[0]);
  while (t < t1) {
    if (result.accepted + result.rejected >= max_steps || w.step_size[0] < 1e-12) {
      result.failed = true;
      break;
    }
    const double h = smaller(w.step_size[0], t1 - t);
    for (int s = 1; s < 6; ++s) {  // stages 2..6 in the accumulator
      for (int i = 0; i < n; ++i) {
        double sum = 0;
        for (int j = 0; j < s; ++j) sum += a[s][j] * w.k[j][i];
        w.stage[i] = w.state[i] + h * sum;
      }
      System::rhs(n, parameter, w.stage, w.k[s]);
    }
    for (int i = 0; i < n; ++i) {  // the 5th-order solution; the accumulator is dead now
      double sum = 0;
      for (int j = 0; j < 6; ++j) sum += a[6][j] * w.k[j][i];
      w.proposal[i] = w.state[i] + h * sum;
    }
    System::rhs(n, parameter, w.proposal, w.k[6]);
    double norm = 0;
    for (int i = 0; i < n; ++i) {
      double sum = 0;
      for (int j = 0; j < 7; ++j) sum += e[j] * w.k[j][i];
      w.error[i] = h * sum;
      const double scale =
          tol.absolute + tol.relative * larger(::fabs(w.state[i]), ::fabs(w.proposal[i]));
      norm += (w.error[i] / scale) * (w.error[i] / scale);
    }
    norm = ::sqrt(norm / n);
    if (norm <= 1.0) {  // accept; PI control (Hairer & Wanner, II.4)
      const double factor = accepted_step_factor(norm, w.previous_error[0]);
      w.previous_error[0] = larger(norm, 1e-4);
      t += h;
      for (int i = 0; i < n; ++i) {
        w.state[i] = w.proposal[i];
        w.k[0][i] = w.k[6][i];  // first same as last
      }
      w.step_size[0] = h * factor;
      ++result.accepted;
    } else {
      w.step_size[0] = h * rejected_step_factor(norm);
      ++result.rejected;
    }
  }
  for (int i = 0; i < n; ++i) w.output[i] = static_cast<float>(w.state[i]);
  return result;
}

}  // namespace ode
