#pragma once
// The ODE workload's entry points for the perf-test driver.

#include <cstddef>
#include <string>
#include <vector>

#include "../arena_svg.hpp"
#include "ode_benchmarks.hpp"

namespace ode {

/// Registers every ODE benchmark with Google Benchmark.
void register_ode_benchmarks(const Settings& settings);

/// describe() of the integrator's groups (loop, step, controller) for `n` states.
std::string describe_ode_layout(int n);

/// The automatic placement of Lorenz-96 with 40 states (aliasing) by the model of the device
/// this binary runs on, buffer by buffer with the model's reasons.
std::string describe_ode_automatic_placement();

/// The kernel's shared arena for `n` states, children expanded in place, for the SVG.
std::vector<perf::ArenaRow> ode_shared_arena(int n, std::size_t& arena_bytes);

}  // namespace ode
