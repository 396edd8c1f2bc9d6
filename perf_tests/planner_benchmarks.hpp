#pragma once
// Benchmarks of the planner on the MiniMalloc instances, and the ODE kernel's arenas planned
// from live intervals.

#include <string>
#include <vector>

#include "report_table.hpp"

namespace perf {

/// Registers "plan/<instance>" for every CSV file in `directory`: one plan_offsets call per
/// iteration with `budget_ms`, its figures as counters (n, load, greedy_peak, peak).
void register_planner_benchmarks(const std::string& directory, double budget_ms);

/// Shared bytes per thread of the demo integrator's buffers for `n` states: without aliasing,
/// with the step's manual alias, and planned from per-phase live intervals, for the step alone
/// and for the loop and the step in one group.
ReportTable ode_lifetime_layouts(std::size_t n);

}  // namespace perf
