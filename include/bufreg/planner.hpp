#pragma once
/// \file
/// Offsets for buffers with live intervals: dynamic storage allocation, the problem ML compilers'
/// memory planners solve. Buffers whose intervals overlap must not overlap in memory; the goal
/// is the smallest arena.

#include <cstddef>
#include <string>
#include <vector>

namespace bufreg {

/// `size` bytes live over the phases [lower, upper), starting at a multiple of `alignment`.
struct LiveBuffer {
  std::size_t lower;
  std::size_t upper;
  std::size_t size;
  std::size_t alignment = 1;
};

struct PlanOptions {
  /// About how long planning may take beyond its first heuristic, in milliseconds: the other
  /// heuristics and the exact search count against it. Work is counted in steps (a fixed number
  /// per millisecond), so a plan depends only on its input and this budget, never on the
  /// machine's speed. The first heuristic, a sweep over time in O(n log n), always runs, so
  /// even a budget of 0 gives a plan. +inf, or any budget of more steps than a std::size_t
  /// counts (about 1.8e13 ms), means no limit; NaN and negative budgets are refused.
  double budget_ms = 50;
};

/// Offsets for LiveBuffers and how good they are.
struct Plan {
  std::vector<std::size_t> offsets;  ///< one per buffer, in input order
  std::size_t peak = 0;              ///< the arena: max(offset + size)
  std::size_t load = 0;              ///< lower bound on any peak: most bytes live at once
  std::string method;                ///< the heuristic that won, or "search"
  std::size_t search_nodes = 0;      ///< nodes the exact search visited
  /// What planning left out, empty when nothing: heuristics the budget did not reach, or why
  /// the exact search did not run.
  std::string note;
};

/// Most bytes live at any one time: no plan can have a smaller peak. (The largest std::size_t
/// when that many bytes do not fit one.)
std::size_t load_of(const std::vector<LiveBuffer>& buffers);

/// Greedy by size, as TensorFlow Lite's arena planner: largest buffer first, each into the
/// smallest gap that holds it. A baseline.
Plan greedy_by_size(const std::vector<LiveBuffer>& buffers);

/// The best of several greedy orders and fits (TFLite's, and XLA heap simulator's best fit in
/// its orders), then a branch-and-bound search for a plan at LOAD (or, failing that, between
/// LOAD and the best heuristic) within the budget. Never worse than the best heuristic that
/// ran, stops as soon as it reaches LOAD, and deterministic for a given input. Memory is
/// O(n log n) whatever the overlaps: which buffers meet is found in a segment tree over time,
/// never listed pair by pair. The search runs on instances of at most 4,000 buffers. Throws
/// std::invalid_argument for a budget that is NaN or negative, a buffer with lower >= upper,
/// an alignment that is not a power of two, or sizes whose sum could overflow std::size_t.
Plan plan_offsets(const std::vector<LiveBuffer>& buffers, const PlanOptions& options = {});

/// What is wrong with `offsets` for `buffers`: overlaps in both time and memory, misalignment,
/// bytes past the largest std::size_t. Empty when the plan is valid.
std::vector<std::string> check_plan(const std::vector<LiveBuffer>& buffers,
                                    const std::vector<std::size_t>& offsets);

}  // namespace bufreg
