// Instances of the planning problem, which buffers meet in time, and greedy placement in a given
// order.
#include <bufreg/detail/dsa.hpp>

#include <algorithm>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <utility>

namespace bufreg::detail::dsa {
namespace {

constexpr std::size_t unplaced = std::numeric_limits<std::size_t>::max();

/// Steps of work to sort k entries: k log2 k.
std::size_t sort_work(std::size_t k) {
  std::size_t log = 1;
  while ((std::size_t{1} << log) < k) ++log;
  return k * log;
}

}  // namespace

Overlaps::Overlaps(const std::vector<LiveBuffer>& buffers) : m_seen(buffers.size(), 0) {
  std::vector<std::size_t> points;
  points.reserve(2 * buffers.size());
  for (const LiveBuffer& b : buffers) {
    points.push_back(b.lower);
    points.push_back(b.upper);
  }
  std::sort(points.begin(), points.end());
  points.erase(std::unique(points.begin(), points.end()), points.end());
  m_sections = points.empty() ? 0 : points.size() - 1;
  while (m_leaves < m_sections) m_leaves *= 2;
  const auto index = [&](std::size_t t) {
    return static_cast<std::size_t>(std::lower_bound(points.begin(), points.end(), t) -
                                    points.begin());
  };
  m_sections_of.reserve(buffers.size());
  for (const LiveBuffer& b : buffers) m_sections_of.emplace_back(index(b.lower), index(b.upper));

  // Visits the nodes buffer i covers exactly, then the nodes it covers in part: those on the
  // paths up from its first and last sections that reach outside it.
  const auto nodes_of = [&](std::size_t i, auto cover, auto part) {
    const auto [first, last] = m_sections_of[i];
    for (std::size_t l = first + m_leaves, r = last + m_leaves; l < r; l /= 2, r /= 2) {
      if (l & 1) cover(l++);
      if (r & 1) cover(--r);
    }
    std::size_t a = first + m_leaves, b = last - 1 + m_leaves;
    for (std::size_t height = 0; a > 0; a /= 2, b /= 2, ++height) {
      for (const std::size_t node : {a, b}) {
        const std::size_t lo = (node << height) - m_leaves, hi = ((node + 1) << height) - m_leaves;
        if (first > lo || hi > last) part(node);
        if (a == b) break;
      }
    }
  };
  const std::size_t nodes = 2 * m_leaves;
  m_cover_start.assign(nodes + 1, 0);
  m_part_start.assign(nodes + 1, 0);
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    nodes_of(
        i, [&](std::size_t node) { ++m_cover_start[node + 1]; },
        [&](std::size_t node) { ++m_part_start[node + 1]; });
  }
  std::partial_sum(m_cover_start.begin(), m_cover_start.end(), m_cover_start.begin());
  std::partial_sum(m_part_start.begin(), m_part_start.end(), m_part_start.begin());
  m_cover.resize(m_cover_start.back());
  m_part.resize(m_part_start.back());
  std::vector<std::size_t> cover_next(m_cover_start.begin(), m_cover_start.end() - 1);
  std::vector<std::size_t> part_next(m_part_start.begin(), m_part_start.end() - 1);
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    const auto id = static_cast<std::uint32_t>(i);
    nodes_of(
        i, [&](std::size_t node) { m_cover[cover_next[node]++] = id; },
        [&](std::size_t node) { m_part[part_next[node]++] = id; });
  }
  // Few pairs: list them, walking the tree once per buffer.
  std::size_t log_n = 1;
  while ((std::size_t{1} << log_n) < buffers.size()) ++log_n;
  const std::size_t pairs = overlapping_pairs(buffers);
  if (pairs > 4 * buffers.size() * log_n) return;
  std::vector<std::size_t> start{0};
  std::vector<std::uint32_t> list;
  list.reserve(2 * pairs);
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    for_each_overlap(static_cast<std::uint32_t>(i), [&](std::uint32_t j) { list.push_back(j); });
    start.push_back(list.size());
  }
  m_list_start = std::move(start);
  m_list = std::move(list);
}

Instance make_instance(const std::vector<LiveBuffer>& buffers) {
  return Instance{buffers, Overlaps(buffers)};
}

std::size_t peak_of(const Instance& instance, const std::vector<std::size_t>& offsets) {
  std::size_t peak = 0;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    peak = std::max(peak, offsets[i] + instance.buffers[i].size);
  }
  return peak;
}

std::size_t overlapping_pairs(const std::vector<LiveBuffer>& buffers) {
  // The k-th buffer to start meets the earlier starters that have not ended by then.
  std::vector<std::size_t> lowers, uppers;
  for (const LiveBuffer& b : buffers) {
    lowers.push_back(b.lower);
    uppers.push_back(b.upper);
  }
  std::sort(lowers.begin(), lowers.end());
  std::sort(uppers.begin(), uppers.end());
  std::size_t pairs = 0, ended = 0;
  for (std::size_t k = 0; k < lowers.size(); ++k) {
    while (ended < uppers.size() && uppers[ended] <= lowers[k]) ++ended;
    pairs += k - ended;
  }
  return pairs;
}

Greedy place_in_order(const Instance& instance, const std::vector<std::uint32_t>& order, Fit fit,
                      std::size_t work_budget) {
  Greedy result;
  result.offsets.assign(instance.buffers.size(), unplaced);
  auto& offsets = result.offsets;
  std::vector<std::pair<std::size_t, std::size_t>> taken;  // [offset, top) of placed neighbours
  for (const std::uint32_t i : order) {
    if (result.work >= work_budget) return result;
    const LiveBuffer& buffer = instance.buffers[i];
    taken.clear();
    result.work += 1 + instance.overlaps.for_each_overlap(i, [&](std::uint32_t j) {
      if (offsets[j] != unplaced) {
        taken.emplace_back(offsets[j], offsets[j] + instance.buffers[j].size);
      }
    });
    result.work += sort_work(taken.size());
    std::sort(taken.begin(), taken.end());
    std::size_t chosen = unplaced;
    std::size_t chosen_gap = std::numeric_limits<std::size_t>::max();
    std::size_t cursor = 0;  // the lowest free byte at this point of the scan
    for (const auto& [start, top] : taken) {
      const std::size_t offset = round_up(cursor, buffer.alignment);
      if (start > cursor && offset + buffer.size <= start) {
        const std::size_t gap = start - cursor;
        if (fit == Fit::first) {
          chosen = offset;
          break;
        }
        if (gap < chosen_gap) {
          chosen = offset;
          chosen_gap = gap;
        }
      }
      cursor = std::max(cursor, top);
    }
    offsets[i] = chosen != unplaced ? chosen : round_up(cursor, buffer.alignment);
  }
  result.complete = true;
  return result;
}

Greedy best_fit_by_start(const Instance& instance, const std::vector<std::uint32_t>& order) {
  const auto& buffers = instance.buffers;
  Greedy result;
  result.offsets.assign(buffers.size(), unplaced);
  auto& offsets = result.offsets;
  std::vector<std::uint32_t> by_end(buffers.size());
  std::iota(by_end.begin(), by_end.end(), 0u);
  std::sort(by_end.begin(), by_end.end(),
            [&](std::uint32_t a, std::uint32_t b) { return buffers[a].upper < buffers[b].upper; });
  std::map<std::size_t, std::uint32_t> live;           // offset -> live placed buffer
  std::set<std::pair<std::size_t, std::size_t>> gaps;  // (length, start) below the top one
  const auto top_of = [&](std::uint32_t j) { return offsets[j] + buffers[j].size; };
  // A buffer that ends frees its bytes: the gaps beside it merge, or fall into the free space
  // above everything when it was the top one.
  const auto retire = [&](std::uint32_t j) {
    const auto at = live.find(offsets[j]);
    const std::size_t below = at == live.begin() ? 0 : top_of(std::prev(at)->second);
    if (offsets[j] > below) gaps.erase({offsets[j] - below, below});
    if (const auto next = std::next(at); next != live.end()) {
      if (next->first > top_of(j)) gaps.erase({next->first - top_of(j), top_of(j)});
      gaps.emplace(next->first - below, below);
    }
    live.erase(at);
  };
  std::size_t ended = 0;
  for (const std::uint32_t i : order) {
    const LiveBuffer& buffer = buffers[i];
    // In start order every buffer that has ended by now is placed.
    for (; ended < by_end.size() && buffers[by_end[ended]].upper <= buffer.lower; ++ended) {
      retire(by_end[ended]);
      ++result.work;
    }
    ++result.work;
    std::size_t chosen = unplaced;
    for (auto gap = gaps.lower_bound({buffer.size, 0}); gap != gaps.end(); ++gap) {
      ++result.work;
      const auto [length, start] = *gap;
      const std::size_t offset = round_up(start, buffer.alignment);
      if (offset - start <= length - buffer.size) {
        chosen = offset;
        gaps.erase(gap);
        if (offset > start) gaps.emplace(offset - start, start);
        const std::size_t top = offset + buffer.size, end = start + length;
        if (end > top) gaps.emplace(end - top, top);
        break;
      }
    }
    if (chosen == unplaced) {
      const std::size_t top = live.empty() ? 0 : top_of(std::prev(live.end())->second);
      chosen = round_up(top, buffer.alignment);
      if (chosen > top) gaps.emplace(chosen - top, top);
    }
    offsets[i] = chosen;
    live.emplace(chosen, i);
  }
  result.complete = true;
  return result;
}

}  // namespace bufreg::detail::dsa
