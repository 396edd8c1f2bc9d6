// An exact search for offsets within a capacity, after the canonical-solution search of
// MiniMalloc (Moffitt, ASPLOS 2023): buffers are placed one at a time, each at the lowest offset
// the buffers already placed leave it, in non-decreasing order of offset; gaps a solution does
// not need are never opened; and a partial plan is abandoned as soon as some section of time
// cannot hold what is still to be placed there.
#include <bufreg/detail/dsa.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <tuple>

namespace bufreg::detail::dsa {
namespace {

/// Orders in which candidates of equal offset are tried (MiniMalloc's preorderings).
enum class Preorder { width_area_total, total_area_width, total_width_area };

class Solver {
 public:
  Solver(const Instance& instance, std::size_t capacity, Preorder preorder)
      : m_instance(instance),
        m_sections(instance.overlaps.sections()),
        m_capacity(capacity),
        m_offset(instance.buffers.size(), unplaced),
        m_solution(instance.buffers.size(), 0),
        m_min_offset(instance.buffers.size(), 0),
        m_floor(m_sections, 0),
        m_total(m_sections + 1, 0),
        m_cuts(m_sections + 1, 0),
        m_rank(instance.buffers.size(), 0),
        m_preorder(preorder),
        m_span_marks(m_sections + 1, 0),
        m_witness(m_sections, none) {
    // Bytes over each section and intervals over each boundary, from their changes at the
    // interval ends: O(n + sections) however long the intervals.
    const auto& buffers = instance.buffers;
    for (std::uint32_t i = 0; i < buffers.size(); ++i) {
      const auto [first, last] = span(i);
      m_total[first] += buffers[i].size;
      m_total[last] -= buffers[i].size;
      ++m_cuts[first];
      --m_cuts[last - 1];
    }
    std::partial_sum(m_total.begin(), m_total.end(), m_total.begin());
    std::partial_sum(m_cuts.begin(), m_cuts.end(), m_cuts.begin());
    m_total.pop_back();
    m_cuts.pop_back();
  }

  /// Searches within `work_budget` steps of work; true when a plan was found (solution()).
  bool run(std::size_t work_budget) {
    m_work_left = work_budget;
    m_aborted = false;
    std::vector<std::uint32_t> all(m_offset.size());
    std::iota(all.begin(), all.end(), 0u);
    return solve(all, 0, m_sections);
  }

  bool aborted() const { return m_aborted; }
  std::size_t work_used(std::size_t budget) const { return budget - m_work_left; }
  std::size_t nodes() const { return m_nodes; }
  const std::vector<std::size_t>& solution() const { return m_solution; }

 private:
  static constexpr std::size_t unplaced = std::numeric_limits<std::size_t>::max();
  static constexpr std::uint32_t none = std::numeric_limits<std::uint32_t>::max();

  struct Change {
    std::uint32_t index;
    std::size_t value;
  };

  /// Solves the unplaced `members`, which live within sections [first, last), afresh: split
  /// where no unplaced buffer spans a section boundary, each part on its own.
  bool solve(const std::vector<std::uint32_t>& members, std::size_t first, std::size_t last) {
    std::size_t from = first;
    for (std::size_t s = first; s + 1 < last; ++s) {
      if (m_cuts[s] == 0 && !solve_part(members, from, s + 1)) return false;
      if (m_cuts[s] == 0) from = s + 1;
    }
    return solve_part(members, from, last);
  }

  bool solve_part(const std::vector<std::uint32_t>& members, std::size_t first, std::size_t last) {
    std::vector<std::uint32_t> part;
    for (const std::uint32_t i : members) {
      if (m_offset[i] == unplaced && span(i).first < last && first < span(i).second) {
        part.push_back(i);
      }
    }
    if (part.empty()) return true;
    // Rank the part's buffers afresh by the bytes still to place around them (the parts are
    // disjoint, so their ranks never meet); restore the outer ranks afterwards.
    std::vector<std::uint32_t> outer_ranks;
    for (const std::uint32_t i : part) outer_ranks.push_back(m_rank[i]);
    rank(part);
    const bool solved = descend(part, first, last, 0, 0);
    for (std::size_t k = 0; k < part.size(); ++k) m_rank[part[k]] = outer_ranks[k];
    return solved;
  }

  /// Ranks `part` by the preorder: W = lifetime, A = area, T = most bytes still to place in a
  /// section the buffer spans.
  void rank(std::vector<std::uint32_t> part) {
    const auto& buffers = m_instance.buffers;
    const auto key = [&](std::uint32_t i) {
      std::size_t busiest = 0;
      const auto [lo, hi] = span(i);
      for (std::size_t s = lo; s < hi; ++s) busiest = std::max(busiest, m_total[s]);
      const std::size_t width = buffers[i].upper - buffers[i].lower;
      const std::size_t area = buffers[i].size * width;
      switch (m_preorder) {
        case Preorder::width_area_total:
          return std::make_tuple(width, area, busiest);
        case Preorder::total_area_width:
          return std::make_tuple(busiest, area, width);
        case Preorder::total_width_area:
          break;
      }
      return std::make_tuple(busiest, width, area);
    };
    std::vector<std::tuple<std::size_t, std::size_t, std::size_t>> keys(buffers.size());
    for (const std::uint32_t i : part) keys[i] = key(i);
    std::stable_sort(part.begin(), part.end(),
                     [&](std::uint32_t a, std::uint32_t b) { return keys[b] < keys[a]; });
    for (std::size_t k = 0; k < part.size(); ++k) m_rank[part[k]] = static_cast<std::uint32_t>(k);
  }

  bool descend(const std::vector<std::uint32_t>& members, std::size_t first, std::size_t last,
               std::size_t last_offset, std::uint32_t last_rank) {
    if (m_work_left == 0) {
      m_aborted = true;
      return false;
    }
    ++m_nodes;
    spend(members.size() + 1);
    // Candidates in canonical order: lowest possible offset first, then preorder rank. Only
    // buffers that could start below every unplaced buffer's top are worth trying: any other
    // would leave room underneath for one that could go first (dominance).
    std::size_t min_height = std::numeric_limits<std::size_t>::max();
    bool any = false;
    for (const std::uint32_t i : members) {
      if (m_offset[i] != unplaced) continue;
      any = true;
      min_height = std::min(min_height, m_min_offset[i] + m_instance.buffers[i].size);
    }
    if (!any) return true;
    std::vector<std::uint32_t> candidates;
    for (const std::uint32_t i : members) {
      if (m_offset[i] == unplaced && m_min_offset[i] >= last_offset &&
          m_min_offset[i] < min_height) {
        candidates.push_back(i);
      }
    }
    std::sort(candidates.begin(), candidates.end(), [&](std::uint32_t a, std::uint32_t b) {
      return std::tie(m_min_offset[a], m_rank[a]) < std::tie(m_min_offset[b], m_rank[b]);
    });
    for (const std::uint32_t i : candidates) {
      const std::size_t offset = m_min_offset[i];
      // Canonical: offsets never decrease, and equal offsets go in rank order.
      if (offset == last_offset && m_rank[i] < last_rank) continue;
      if (offset + m_instance.buffers[i].size > m_capacity) continue;
      bool solved = false;
      const std::size_t log_before = m_min_log.size();
      if (place(i, offset) && check(first, last, offset)) {
        // Boundaries nothing unplaced spans any more split what is left into parts.
        std::vector<std::size_t> cuts;
        const auto [lo, hi] = span(i);
        for (std::size_t s = lo; s + 1 < hi; ++s) {
          if (--m_cuts[s] == 0) cuts.push_back(s);
        }
        solved = cuts.empty() ? descend(members, first, last, offset, m_rank[i])
                              : solve(members, first, last);
        for (std::size_t s = lo; s + 1 < hi; ++s) ++m_cuts[s];
      }
      const bool hatless = m_min_log.size() == log_before;
      undo(i);
      if (solved) return true;
      if (m_aborted) return false;
      // Nothing unplaced lies over i (placing it raised no one): any other order would reach
      // the same dead end, so the whole node fails.
      if (hatless) break;
    }
    return false;
  }

  /// Puts buffer i at `offset`: raises the lowest offsets of the buffers it overlaps and the
  /// floors of the sections concerned. False when some buffer can no longer fit.
  bool place(std::uint32_t i, std::size_t offset) {
    const LiveBuffer& buffer = m_instance.buffers[i];
    const std::size_t top = offset + buffer.size;
    m_offset[i] = offset;
    m_solution[i] = offset;
    m_min_marks.push_back(m_min_log.size());
    m_floor_marks.push_back(m_floor_log.size());
    bool fits = true;
    const auto [lo, hi] = span(i);
    spend(hi - lo);
    for (std::size_t s = lo; s < hi; ++s) {
      m_floor_log.push_back({static_cast<std::uint32_t>(s), m_floor[s]});
      m_floor[s] = top;
      m_total[s] -= buffer.size;
    }
    // Raise the lowest offsets of the unplaced buffers i overlaps, and mark (as +1/-1 at the
    // ends of their spans) the sections whose floors may rise with them.
    bool raised = false;
    std::size_t met = 0;  // the work: one step per buffer i meets, as a list of them costs
    m_instance.overlaps.for_each_overlap(i, [&](std::uint32_t j) {
      ++met;
      if (m_offset[j] != unplaced || m_min_offset[j] >= top) return;
      m_min_log.push_back({j, m_min_offset[j]});
      m_min_offset[j] = round_up(top, m_instance.buffers[j].alignment);
      if (m_min_offset[j] + m_instance.buffers[j].size > m_capacity) fits = false;
      ++m_span_marks[span(j).first];
      --m_span_marks[span(j).second];
      raised = true;
    });
    spend(met);
    if (!raised) return fits;
    spend(m_sections);
    m_affected.clear();
    long covered = 0;
    for (std::size_t s = 0; s < m_sections; ++s) {
      covered += m_span_marks[s];
      m_span_marks[s] = 0;
      if (covered > 0) m_affected.push_back(s);
    }
    m_span_marks[m_sections] = 0;
    // No buffer of a section can start below the lowest start left to its unplaced buffers.
    // A witness, an unplaced buffer that may still start at or below the floor, keeps the
    // floor where it is; the last one found is tried first.
    for (const std::size_t s : m_affected) {
      const std::uint32_t w = m_witness[s];
      if (w != none && m_offset[w] == unplaced && m_min_offset[w] <= m_floor[s]) continue;
      std::size_t lowest = unplaced;
      spend(m_instance.overlaps.for_each_live_in(s, [&](std::uint32_t k) {
        if (m_offset[k] != unplaced) return true;
        lowest = std::min(lowest, m_min_offset[k]);
        if (lowest > m_floor[s]) return true;
        m_witness[s] = k;
        return false;
      }));
      if (lowest != unplaced && m_floor[s] < lowest) {
        m_floor_log.push_back({static_cast<std::uint32_t>(s), m_floor[s]});
        m_floor[s] = lowest;
      }
    }
    return fits;
  }

  /// Every later buffer sits at or above `offset`: what is left in a section must fit on top.
  bool check(std::size_t first, std::size_t last, std::size_t offset) {
    spend(last - first);
    for (std::size_t s = first; s < last; ++s) {
      if (m_total[s] > 0 && std::max(m_floor[s], offset) + m_total[s] > m_capacity) return false;
    }
    return true;
  }

  void undo(std::uint32_t i) {
    const auto [lo, hi] = span(i);
    for (std::size_t s = lo; s < hi; ++s) m_total[s] += m_instance.buffers[i].size;
    for (std::size_t k = m_floor_log.size(); k > m_floor_marks.back(); --k) {
      m_floor[m_floor_log[k - 1].index] = m_floor_log[k - 1].value;
    }
    m_floor_log.resize(m_floor_marks.back());
    m_floor_marks.pop_back();
    for (std::size_t k = m_min_log.size(); k > m_min_marks.back(); --k) {
      m_min_offset[m_min_log[k - 1].index] = m_min_log[k - 1].value;
    }
    m_min_log.resize(m_min_marks.back());
    m_min_marks.pop_back();
    m_offset[i] = unplaced;
  }

  std::pair<std::size_t, std::size_t> span(std::uint32_t i) const {
    return m_instance.overlaps.sections_of(i);
  }

  const Instance& m_instance;
  std::size_t m_sections;  // how many sections time is cut into
  std::size_t m_capacity;
  std::vector<std::size_t> m_offset, m_solution, m_min_offset, m_floor, m_total, m_cuts;
  std::vector<std::uint32_t> m_rank;
  Preorder m_preorder;
  std::vector<Change> m_min_log, m_floor_log;           // values before each change
  std::vector<std::size_t> m_min_marks, m_floor_marks;  // where each placement's log starts
  std::vector<long> m_span_marks;        // +1/-1 at the ends of the spans of raised buffers
  std::vector<std::size_t> m_affected;   // the sections those spans cover
  std::vector<std::uint32_t> m_witness;  // per section: a buffer that kept its floor last time
  std::size_t m_work_left = 0;           // loop iterations the search may still spend
  std::size_t m_nodes = 0;

  void spend(std::size_t work) { m_work_left -= std::min(work, m_work_left); }
  bool m_aborted = false;
};

}  // namespace

SearchResult search(const Instance& instance, std::size_t capacity, std::size_t work_budget) {
  SearchResult result;
  // Round robin over the preorders with growing limits, as MiniMalloc does: one of them often
  // finds a plan quickly where another would wander.
  std::size_t limit = 64 * std::max<std::size_t>(instance.buffers.size(), 1);
  while (result.work < work_budget) {
    // Saturate: an unlimited budget must not wrap the limit round to 0.
    limit = limit > std::numeric_limits<std::size_t>::max() / 2
                ? std::numeric_limits<std::size_t>::max()
                : 2 * limit;
    for (const Preorder preorder :
         {Preorder::width_area_total, Preorder::total_area_width, Preorder::total_width_area}) {
      const std::size_t budget = std::min(limit, work_budget - result.work);
      Solver solver(instance, capacity, preorder);
      const bool solved = solver.run(budget);
      result.work += solver.work_used(budget);
      result.nodes += solver.nodes();
      if (solved) {
        result.found = true;
        result.offsets = solver.solution();
        return result;
      }
      if (!solver.aborted()) {  // searched to the end: nothing fits this capacity
        result.exhausted = true;
        return result;
      }
      if (result.work >= work_budget) break;
    }
  }
  return result;
}

}  // namespace bufreg::detail::dsa
