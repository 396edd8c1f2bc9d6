#pragma once
/// \file
/// The machinery behind bufreg::plan_offsets: which buffers meet in time, greedy placement in a
/// given order, and an exact branch-and-bound search for a plan within a capacity. Private to
/// bufreg.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <bufreg/detail/registration_order_layout.hpp>
#include <bufreg/planner.hpp>

namespace bufreg::detail::dsa {

/// Pairs of buffers live together, counted in O(n log n) without listing them.
std::size_t overlapping_pairs(const std::vector<LiveBuffer>& buffers);

/// Which buffers are live together. Time is cut into sections, the stretches between
/// consecutive interval ends, and a segment tree over the sections holds each buffer at the
/// O(log n) nodes its interval covers exactly ("cover") and the O(log n) nodes it covers in part
/// ("part"). Memory is O(n log n) however long the intervals are, where lists of overlapping
/// pairs grow with n^2; enumerating the k buffers that meet one costs O(log n + k). Where the
/// pairs are few, at most 4 n log2 n, each buffer also gets the plain list of the buffers it
/// meets, which is faster to walk and still O(n log n) in memory.
class Overlaps {
 public:
  Overlaps() = default;  ///< not built yet: knows nothing
  explicit Overlaps(const std::vector<LiveBuffer>& buffers);
  bool built() const { return !m_cover_start.empty(); }

  /// How many sections time is cut into.
  std::size_t sections() const { return m_sections; }
  /// The sections [first, last) buffer i lives in.
  std::pair<std::size_t, std::size_t> sections_of(std::uint32_t i) const {
    return m_sections_of[i];
  }

  /// Calls visit(j) once for every buffer j other than i live at some time i is; returns how
  /// many entries it looked at (the work done).
  template <class Visit>
  std::size_t for_each_overlap(std::uint32_t i, Visit visit) const {
    if (!m_list_start.empty()) {
      for (std::size_t k = m_list_start[i]; k < m_list_start[i + 1]; ++k) visit(m_list[k]);
      return m_list_start[i + 1] - m_list_start[i];
    }
    if (++m_stamp == 0) {  // wrapped: forget every old mark
      std::fill(m_seen.begin(), m_seen.end(), 0u);
      m_stamp = 1;
    }
    m_seen[i] = m_stamp;
    const auto [first, last] = m_sections_of[i];
    std::size_t work = 0;
    const auto report = [&](const std::vector<std::size_t>& start,
                            const std::vector<std::uint32_t>& entries, std::size_t node) {
      for (std::size_t k = start[node]; k < start[node + 1]; ++k) {
        const std::uint32_t j = entries[k];
        ++work;
        if (m_seen[j] == m_stamp) continue;
        m_seen[j] = m_stamp;
        visit(j);
      }
    };
    // Nodes whose range meets [first, last): those that cover it in part are walked into;
    // under a node inside it, every buffer that meets the node is in its cover or part lists
    // or in the cover list of an ancestor already walked.
    struct Pending {
      std::size_t node, lo, hi;
    };
    Pending stack[2 * 64];
    std::size_t depth = 0;
    stack[depth++] = {1, 0, m_leaves};
    while (depth > 0) {
      const Pending p = stack[--depth];
      ++work;
      if (p.hi <= first || last <= p.lo) continue;
      report(m_cover_start, m_cover, p.node);
      if (first <= p.lo && p.hi <= last) {
        report(m_part_start, m_part, p.node);
        continue;
      }
      const std::size_t mid = p.lo + (p.hi - p.lo) / 2;
      stack[depth++] = {2 * p.node + 1, mid, p.hi};
      stack[depth++] = {2 * p.node, p.lo, mid};
    }
    return work;
  }

  /// Calls visit(j) for every buffer j live in section s, each once, until visit returns
  /// false; returns how many it visited (the work done).
  template <class Visit>
  std::size_t for_each_live_in(std::size_t s, Visit visit) const {
    std::size_t work = 0;
    for (std::size_t node = m_leaves + s; node > 0; node /= 2) {
      for (std::size_t k = m_cover_start[node]; k < m_cover_start[node + 1]; ++k) {
        ++work;
        if (!visit(m_cover[k])) return work;
      }
    }
    return work;
  }

 private:
  std::size_t m_sections = 0;
  std::size_t m_leaves = 1;  // a power of two, at least m_sections
  std::vector<std::pair<std::size_t, std::size_t>> m_sections_of;
  // Per node (1 .. 2 * m_leaves - 1), compressed: node v's entries are [start[v], start[v + 1]).
  std::vector<std::size_t> m_cover_start, m_part_start;
  std::vector<std::uint32_t> m_cover, m_part;
  // Per buffer, when the pairs are few: the buffers it meets, [m_list_start[i], ...[i + 1]).
  std::vector<std::size_t> m_list_start;
  std::vector<std::uint32_t> m_list;
  mutable std::vector<std::uint32_t> m_seen;  // per buffer: the stamp of the last visit
  mutable std::uint32_t m_stamp = 0;
};

/// Buffers (all of positive size) and which of them meet in time (built only when needed: the
/// sweep by start does without).
struct Instance {
  std::vector<LiveBuffer> buffers;
  Overlaps overlaps;
};

Instance make_instance(const std::vector<LiveBuffer>& buffers);

/// max(offset + size).
std::size_t peak_of(const Instance& instance, const std::vector<std::size_t>& offsets);

/// Where each buffer goes when placed in `order`: into the lowest gap between the buffers
/// already placed that overlap it in time that holds it (first fit), or into the smallest such
/// gap (best fit); above them all when none holds it.
enum class Fit { first, best };
struct Greedy {
  bool complete = false;  ///< false when the work budget ran out first; offsets are then partial
  std::vector<std::size_t> offsets;
  std::size_t work = 0;  ///< steps of work spent (the budget's unit)
};
Greedy place_in_order(const Instance& instance, const std::vector<std::uint32_t>& order, Fit fit,
                      std::size_t work_budget);

/// place_in_order(instance, earliest start first (larger first among equal starts), Fit::best)
/// in O(n log n) time and O(n) memory whatever the overlaps: in that order the placed buffers a
/// buffer meets are exactly those live when it starts, so a sweep over time keeps the free gaps
/// among them in ordered sets instead of scanning its neighbours.
Greedy best_fit_by_start(const Instance& instance, const std::vector<std::uint32_t>& order);

struct SearchResult {
  bool found = false;      ///< offsets hold a plan with peak <= capacity
  bool exhausted = false;  ///< the whole tree was searched: no plan fits the capacity
  std::vector<std::size_t> offsets;
  std::size_t work = 0;   ///< steps of work spent (the budget's unit)
  std::size_t nodes = 0;  ///< search nodes visited
};

/// Looks for offsets with peak <= capacity within `work_budget` steps of work (inner-loop
/// iterations: a deterministic stand-in for time). It recurses once per buffer placed and its
/// undo logs hold at most one entry per step of work.
SearchResult search(const Instance& instance, std::size_t capacity, std::size_t work_budget);

/// Throws std::invalid_argument for a planning budget that is NaN or negative: the check
/// PlanOptions::budget_ms and LayoutOptions::plan_budget_ms share.
void check_budget(double budget_ms);

/// The steps of work `budget_ms` (checked) buys: the largest std::size_t, no limit in practice,
/// for +inf and for budgets too large to count.
std::size_t work_budget(double budget_ms);

}  // namespace bufreg::detail::dsa
