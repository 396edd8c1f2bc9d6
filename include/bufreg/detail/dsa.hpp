#pragma once
/// \file
/// The machinery behind bufreg::plan_offsets: greedy placement in a given order, and an exact
/// branch-and-bound search for a plan within a capacity. Private to bufreg.

#include <cstddef>
#include <cstdint>
#include <vector>

#include <bufreg/detail/registration_order_layout.hpp>
#include <bufreg/planner.hpp>

namespace bufreg::detail::dsa {

/// Buffers (all of positive size) and, for each, the buffers whose intervals overlap its own.
struct Instance {
  std::vector<LiveBuffer> buffers;
  std::vector<std::vector<std::uint32_t>> overlaps;
};

Instance make_instance(const std::vector<LiveBuffer>& buffers);

/// max(offset + size).
std::size_t peak_of(const Instance& instance, const std::vector<std::size_t>& offsets);

/// Where each buffer goes when placed in `order`: into the lowest gap between the buffers
/// already placed that overlap it in time that holds it (first fit), or into the smallest such
/// gap (best fit); above them all when none holds it.
enum class Fit { first, best };
std::vector<std::size_t> place_in_order(const Instance& instance,
                                        const std::vector<std::uint32_t>& order, Fit fit);

struct SearchResult {
  bool found = false;      ///< offsets hold a plan with peak <= capacity
  bool exhausted = false;  ///< the whole tree was searched: no plan fits the capacity
  std::vector<std::size_t> offsets;
  std::size_t work = 0;   ///< steps of work spent (the budget's unit)
  std::size_t nodes = 0;  ///< search nodes visited
};

/// Looks for offsets with peak <= capacity within `work_budget` steps of work (inner-loop
/// iterations: a deterministic stand-in for time).
SearchResult search(const Instance& instance, std::size_t capacity, std::size_t work_budget);

/// Throws std::invalid_argument for a planning budget that is NaN or negative: the check
/// PlanOptions::budget_ms and LayoutOptions::plan_budget_ms share.
void check_budget(double budget_ms);

/// The steps of work `budget_ms` (checked) buys: the largest std::size_t, no limit in practice,
/// for +inf and for budgets too large to count.
std::size_t work_budget(double budget_ms);

}  // namespace bufreg::detail::dsa
