#pragma once
// The right-hand sides the demo integrates: Lorenz-96 and a damped-rotation linear system with a
// closed-form solution. Each system of a batch has its own parameter.

#include <Kokkos_Core.hpp>

#include <cmath>

namespace ode {

/// dx_i/dt = (x_{i+1} - x_{i-2}) x_{i-1} - x_i + F, indices cyclic; F is the system's forcing.
struct Lorenz96 {
  static constexpr const char* name = "lorenz96";
  /// Reads of x per element in rhs(): x[next], x[prev2], x[prev] and x[i].
  static constexpr int rhs_reads_per_element = 4;
  /// dx_i/dt alone: what one thread of a team computes (it reads x[i-2..i+1]).
  template <class State>
  KOKKOS_INLINE_FUNCTION static double derivative(int i, int n, double forcing, const State& x) {
    const int next = i + 1 == n ? 0 : i + 1;
    const int prev = i == 0 ? n - 1 : i - 1;
    const int prev2 = i < 2 ? i + n - 2 : i - 2;
    return (x[next] - x[prev2]) * x[prev] - x[i] + forcing;
  }
  template <class State, class Derivative>
  KOKKOS_INLINE_FUNCTION static void rhs(int n, double forcing, const State& x,
                                         const Derivative& dxdt) {
    for (int i = 0; i < n; ++i) dxdt[i] = derivative(i, n, forcing, x);
  }
  /// The initial state of system `s`: away from the rest state F, different per system.
  static double initial(int i, int s, double forcing) {
    return 0.5 * forcing + std::sin(0.7 * i + 0.3 * s);
  }
  static double parameter(int s) { return 8.0 + 0.25 * (s % 8); }
};

/// Pairs (u, v) rotating at rate w_p and decaying at rate a_p:
/// u' = -a u - w v, v' = w u - a v; so (u, v)(t) = e^{-a t} R(w t) (u0, v0).
/// The system's parameter scales every rotation rate.
struct DampedRotation {
  static constexpr const char* name = "linear";
  /// Reads of x per element in rhs(): each of a pair's two is read by both derivatives.
  static constexpr int rhs_reads_per_element = 2;
  KOKKOS_INLINE_FUNCTION static double decay(int pair) { return 0.2 + 0.1 * (pair % 3); }
  KOKKOS_INLINE_FUNCTION static double rate(int pair, double scale) {
    return scale * (1.0 + 0.25 * (pair % 5));
  }
  template <class State, class Derivative>
  KOKKOS_INLINE_FUNCTION static void rhs(int n, double scale, const State& x,
                                         const Derivative& dxdt) {
    for (int i = 0; i + 1 < n; i += 2) {
      const double a = decay(i / 2), w = rate(i / 2, scale);
      dxdt[i] = -a * x[i] - w * x[i + 1];
      dxdt[i + 1] = w * x[i] - a * x[i + 1];
    }
  }
  static double initial(int i, int s, double) { return i % 2 == 0 ? 1.0 + 0.001 * (s % 13) : 0.5; }
  static double parameter(int s) { return 1.0 + 0.05 * (s % 7); }
  /// The exact state at time t.
  static double exact(int i, int s, double t, int) {
    const int pair = i / 2;
    const double scale = parameter(s);
    const double u0 = initial(2 * pair, s, scale), v0 = initial(2 * pair + 1, s, scale);
    const double a = decay(pair), w = rate(pair, scale);
    const double c = std::cos(w * t), d = std::sin(w * t), e = std::exp(-a * t);
    return i % 2 == 0 ? e * (c * u0 - d * v0) : e * (d * u0 + c * v0);
  }
};

}  // namespace ode
