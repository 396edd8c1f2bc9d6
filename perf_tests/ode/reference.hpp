#pragma once
// Host references the device results are checked against: classic Runge-Kutta 4 in double
// precision with a small fixed step (independent of the adaptive Dormand-Prince code), and the
// closed form where there is one.

#include <cmath>
#include <vector>

#include "systems.hpp"

namespace ode {

/// Final states (system-major) of `systems` systems of `n` states integrated to `t_end`.
template <class System>
std::vector<double> rk4_reference(int n, int systems, double t_end, double max_step) {
  const int steps = static_cast<int>(std::ceil(t_end / max_step));
  const double h = t_end / steps;
  const auto size = static_cast<std::size_t>(n);
  std::vector<double> out(size * static_cast<std::size_t>(systems));
  std::vector<double> y(size), k1(size), k2(size), k3(size), k4(size), tmp(size);
  for (int s = 0; s < systems; ++s) {
    const double p = System::parameter(s);
    for (std::size_t i = 0; i < size; ++i) y[i] = System::initial(static_cast<int>(i), s, p);
    const auto stage = [&](const std::vector<double>& k, double scale) {
      for (std::size_t i = 0; i < size; ++i) tmp[i] = y[i] + scale * h * k[i];
    };
    for (int step = 0; step < steps; ++step) {
      System::rhs(n, p, y.data(), k1.data());
      stage(k1, 0.5);
      System::rhs(n, p, tmp.data(), k2.data());
      stage(k2, 0.5);
      System::rhs(n, p, tmp.data(), k3.data());
      stage(k3, 1.0);
      System::rhs(n, p, tmp.data(), k4.data());
      for (std::size_t i = 0; i < size; ++i) {
        y[i] += h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
      }
    }
    for (std::size_t i = 0; i < size; ++i) out[static_cast<std::size_t>(s) * size + i] = y[i];
  }
  return out;
}

/// The exact final states of the damped rotations.
inline std::vector<double> exact_reference(int n, int systems, double t_end) {
  std::vector<double> out;
  for (int s = 0; s < systems; ++s) {
    for (int i = 0; i < n; ++i) out.push_back(DampedRotation::exact(i, s, t_end, n));
  }
  return out;
}

}  // namespace ode
