// bufreg::plan_offsets and its companions: bounds, heuristics, the search schedule, checks.
#include <bufreg/planner.hpp>

#include <bufreg/detail/dsa.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string_view>
#include <tuple>

namespace bufreg {
namespace {

using detail::dsa::Fit;
using detail::dsa::Instance;
using detail::dsa::Overlaps;

/// Steps of search work per millisecond of budget: what the search does per millisecond on one
/// 2020s x86 core (measured on the MiniMalloc instances). Counting work instead of time keeps a
/// plan a function of its input and budget alone.
constexpr double work_per_ms = 1000000;

void validate(const std::vector<LiveBuffer>& buffers) {
  std::size_t total = 0;  // every buffer stacked, with its worst alignment padding
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    const LiveBuffer& b = buffers[i];
    if (b.lower >= b.upper) {
      throw std::invalid_argument("bufreg: live buffer " + std::to_string(i) + ": interval [" +
                                  std::to_string(b.lower) + ", " + std::to_string(b.upper) +
                                  ") is empty");
    }
    if (b.alignment == 0 || (b.alignment & (b.alignment - 1)) != 0) {
      throw std::invalid_argument("bufreg: live buffer " + std::to_string(i) + ": alignment " +
                                  std::to_string(b.alignment) + " is not a power of two");
    }
    const std::size_t room = std::numeric_limits<std::size_t>::max() - total;
    if (b.size > room || b.alignment - 1 > room - b.size) {
      throw std::invalid_argument("bufreg: live buffer " + std::to_string(i) + ": " +
                                  std::to_string(b.size) + " bytes overflow the plan's byte count");
    }
    total += b.size + (b.alignment - 1);
  }
}

}  // namespace

namespace detail::dsa {

void check_budget(double budget_ms) {
  if (std::isnan(budget_ms)) {
    throw std::invalid_argument("bufreg: plan budget nan ms is not a number");
  }
  if (budget_ms < 0) {
    throw std::invalid_argument("bufreg: plan budget " + std::to_string(budget_ms) +
                                " ms is negative");
  }
}

std::size_t work_budget(double budget_ms) {
  // Converting a double beyond std::size_t's range is undefined: compare with 2^digits, the
  // first power of two it cannot hold, which is exact in a double.
  const double work = budget_ms * work_per_ms;
  const double beyond = std::ldexp(1.0, std::numeric_limits<std::size_t>::digits);
  return work >= beyond ? std::numeric_limits<std::size_t>::max() : static_cast<std::size_t>(work);
}

}  // namespace detail::dsa

namespace {

/// The buffers of positive size (zero-byte buffers need no room: they go at offset 0).
struct Sized {
  Instance instance;
  std::vector<std::size_t> index;  // instance buffer -> input buffer
};

Sized sized(const std::vector<LiveBuffer>& buffers) {
  std::vector<LiveBuffer> kept;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].size > 0) {
      kept.push_back(buffers[i]);
      index.push_back(i);
    }
  }
  return {detail::dsa::Instance{std::move(kept), {}}, std::move(index)};
}

Plan finish(const std::vector<LiveBuffer>& buffers, const Sized& s,
            const std::vector<std::size_t>& offsets, std::string method, std::size_t nodes) {
  Plan plan;
  plan.offsets.assign(buffers.size(), 0);
  for (std::size_t k = 0; k < s.index.size(); ++k) plan.offsets[s.index[k]] = offsets[k];
  plan.peak = detail::dsa::peak_of(s.instance, offsets);
  plan.load = load_of(buffers);
  plan.method = std::move(method);
  plan.search_nodes = nodes;
  return plan;
}

/// The orders of the heuristics: largest first (TFLite), longest-lived first, largest area first
/// (XLA's heap simulator), earliest first (larger first among equal starts).
constexpr const char* order_names[] = {"size", "lifetime", "area", "start"};

std::vector<std::uint32_t> order_by(const Instance& instance, std::string_view name) {
  const auto& b = instance.buffers;
  std::vector<std::uint32_t> order(b.size());
  std::iota(order.begin(), order.end(), 0u);
  const auto sort = [&](auto key) {
    std::stable_sort(order.begin(), order.end(),
                     [&](std::uint32_t x, std::uint32_t y) { return key(y) < key(x); });
  };
  const auto length = [&](std::size_t i) { return b[i].upper - b[i].lower; };
  if (name == "size") {
    sort([&](std::size_t i) { return std::make_tuple(b[i].size, length(i)); });
  } else if (name == "lifetime") {
    sort([&](std::size_t i) { return std::make_tuple(length(i), b[i].size); });
  } else if (name == "area") {
    sort([&](std::size_t i) { return std::make_tuple(b[i].size * length(i), b[i].size); });
  } else {
    sort([&](std::size_t i) { return std::make_tuple(~b[i].lower, b[i].size); });
  }
  return order;
}

/// The exact search recurses once per buffer it places, with a list of candidates at each
/// level: past this many buffers it could overflow a thread's stack, so larger instances keep
/// the best heuristic's plan.
constexpr std::size_t most_searched = 4000;

std::string with_commas(std::size_t value) {
  std::string digits = std::to_string(value);
  for (std::size_t k = digits.size(); k > 3; k -= 3) digits.insert(k - 3, ",");
  return digits;
}

/// Whether no two buffers live at the same time share bytes, for offsets that are aligned and
/// stay within std::size_t.
bool no_clash(const std::vector<LiveBuffer>& buffers, const std::vector<std::size_t>& offsets) {
  std::vector<std::size_t> starts, ends;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].size == 0) continue;
    starts.push_back(i);
    ends.push_back(i);
  }
  std::sort(starts.begin(), starts.end(),
            [&](std::size_t a, std::size_t b) { return buffers[a].lower < buffers[b].lower; });
  std::sort(ends.begin(), ends.end(),
            [&](std::size_t a, std::size_t b) { return buffers[a].upper < buffers[b].upper; });
  std::set<std::pair<std::size_t, std::size_t>> live;  // (offset, buffer)
  std::size_t ended = 0;
  for (const std::size_t i : starts) {
    for (; ended < ends.size() && buffers[ends[ended]].upper <= buffers[i].lower; ++ended) {
      live.erase({offsets[ends[ended]], ends[ended]});
    }
    const auto [at, inserted] = live.emplace(offsets[i], i);
    if (!inserted) return false;
    if (const auto next = std::next(at); next != live.end()) {
      if (next->first - offsets[i] < buffers[i].size) return false;
    }
    if (at != live.begin()) {
      const auto previous = std::prev(at);
      if (offsets[i] - previous->first < buffers[previous->second].size) return false;
    }
  }
  return true;
}

}  // namespace

std::size_t load_of(const std::vector<LiveBuffer>& buffers) {
  // Sweep the starts in time order, retiring the buffers that ended by then (intervals are
  // half-open). Sums are 128-bit: any sizes a std::size_t holds add up exactly, and a LOAD that
  // std::size_t cannot hold comes back as its largest value.
  __extension__ using Wide = unsigned __int128;
  std::vector<std::pair<std::size_t, std::size_t>> ends, starts;  // (time, buffer)
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    starts.emplace_back(buffers[i].lower, i);
    ends.emplace_back(buffers[i].upper, i);
  }
  std::sort(starts.begin(), starts.end());
  std::sort(ends.begin(), ends.end());
  Wide live = 0, most = 0;
  std::size_t e = 0;
  for (const auto& [time, i] : starts) {
    for (; e < ends.size() && ends[e].first <= time; ++e) live -= buffers[ends[e].second].size;
    live += buffers[i].size;
    most = std::max(most, live);
  }
  return most > std::numeric_limits<std::size_t>::max() ? std::numeric_limits<std::size_t>::max()
                                                        : static_cast<std::size_t>(most);
}

Plan greedy_by_size(const std::vector<LiveBuffer>& buffers) {
  validate(buffers);
  Sized s = sized(buffers);
  s.instance.overlaps = detail::dsa::Overlaps(s.instance.buffers);
  const auto order = order_by(s.instance, "size");
  const auto greedy = detail::dsa::place_in_order(s.instance, order, Fit::best,
                                                  std::numeric_limits<std::size_t>::max());
  return finish(buffers, s, greedy.offsets, "greedy by size", 0);
}

Plan plan_offsets(const std::vector<LiveBuffer>& buffers, const PlanOptions& options) {
  detail::dsa::check_budget(options.budget_ms);
  validate(buffers);
  Sized s = sized(buffers);
  Instance& instance = s.instance;
  const std::size_t n = instance.buffers.size();
  const std::size_t load = load_of(buffers);
  // Everything after the first heuristic counts against the budget, in steps of work.
  const std::size_t budget = detail::dsa::work_budget(options.budget_ms);
  std::size_t used = 0;
  const auto left = [&] { return budget - std::min(used, budget); };
  std::vector<std::string> notes;
  // The heuristics: every order with both fits; the first best one wins. Best fit by start
  // always runs, budget or not: a sweep over time in O(n log n), so every plan has one. The
  // others look at every pair of buffers that meet, so they run only while the budget holds at
  // least that much work, and only when the sweep did not reach LOAD; the first one is taken
  // whatever its peak, which may be the largest std::size_t.
  const auto sweep = detail::dsa::best_fit_by_start(instance, order_by(instance, "start"));
  used += sweep.work;
  const bool sweep_at_load = detail::dsa::peak_of(instance, sweep.offsets) == load;
  const std::size_t pairs = detail::dsa::overlapping_pairs(instance.buffers);
  const std::size_t least_work = n + 2 * pairs;  // each pair seen from both sides
  std::vector<std::size_t> best;
  std::size_t best_peak = 0;
  std::string method;
  std::size_t skipped = 0;
  for (const char* name : order_names) {
    std::vector<std::uint32_t> order;
    for (const Fit fit : {Fit::best, Fit::first}) {
      const bool swept = fit == Fit::best && std::string_view(name) == "start";
      if (!swept && sweep_at_load) continue;  // nothing to gain
      if (!swept && left() < least_work) {
        ++skipped;
        continue;
      }
      if (!swept && order.empty()) order = order_by(instance, name);
      if (!swept && !instance.overlaps.built()) instance.overlaps = Overlaps(instance.buffers);
      auto greedy = swept ? sweep : detail::dsa::place_in_order(instance, order, fit, left());
      if (!swept) used += greedy.work;
      if (!greedy.complete) {
        ++skipped;
        continue;
      }
      const std::size_t peak = detail::dsa::peak_of(instance, greedy.offsets);
      if (method.empty() || peak < best_peak) {
        best = std::move(greedy.offsets);
        best_peak = peak;
        method = (fit == Fit::best ? "best fit by " : "first fit by ") + std::string(name);
      }
    }
  }
  if (skipped > 0) {
    notes.push_back("budget spent before " + std::to_string(skipped) +
                    " of 8 heuristics (pairs of buffers that meet: " + with_commas(pairs) + ")");
  }
  // The search: half the budget for a plan at LOAD; the rest bisects between the lowest
  // capacity not yet ruled out and the best peak so far, each probe with an equal share. It
  // runs only where one descent to a full plan, about n * (n + sections) steps, fits what is
  // left of the budget.
  std::size_t nodes = 0;
  const auto probe = [&](std::size_t capacity, std::size_t share) {
    const auto found = detail::dsa::search(instance, capacity, share);
    used += found.work;
    nodes += found.nodes;
    if (found.found) {
      best = found.offsets;
      best_peak = detail::dsa::peak_of(instance, best);
      method = "search";
    }
    return found.found;
  };
  std::size_t low = load;  // no plan has a smaller peak
  if (best_peak > low && n <= most_searched && !instance.overlaps.built()) {
    instance.overlaps = Overlaps(instance.buffers);
  }
  const std::size_t sections = instance.overlaps.sections();
  if (best_peak > low && n > most_searched) {
    notes.push_back("search skipped: more than " + with_commas(most_searched) + " buffers");
  } else if (best_peak > low && left() / (n + sections) < n) {
    notes.push_back("search skipped: the budget left is less than one descent");
  } else if (best_peak > low) {
    probe(low, left() / 2);
    ++low;  // found (then best_peak == load) or not: LOAD itself needs no second look
    for (std::size_t probes_left = 8; best_peak > low && left() > 0 && probes_left > 0;
         --probes_left) {
      const std::size_t capacity = low + (best_peak - low) / 2;
      if (!probe(capacity, left() / probes_left)) {
        low = capacity + 1;  // ruled out, or too hard within its share: look higher
      }
    }
  }
  Plan plan = finish(buffers, s, best, method, nodes);
  for (const auto& note : notes) plan.note += (plan.note.empty() ? "" : "; ") + note;
  return plan;
}

std::vector<std::string> check_plan(const std::vector<LiveBuffer>& buffers,
                                    const std::vector<std::size_t>& offsets) {
  std::vector<std::string> problems;
  if (offsets.size() != buffers.size()) {
    problems.push_back(std::to_string(buffers.size()) + " buffers but " +
                       std::to_string(offsets.size()) + " offsets");
    return problems;
  }
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].alignment == 0 || offsets[i] % buffers[i].alignment != 0) {
      problems.push_back("buffer " + std::to_string(i) + ": offset " + std::to_string(offsets[i]) +
                         " is not aligned to " + std::to_string(buffers[i].alignment));
    }
    if (buffers[i].size > std::numeric_limits<std::size_t>::max() - offsets[i]) {
      problems.push_back("buffer " + std::to_string(i) + ": offset " + std::to_string(offsets[i]) +
                         " + size " + std::to_string(buffers[i].size) +
                         " runs past the largest std::size_t");
    }
  }
  // Whether buffer a's bytes end at or before b's start, without computing offset + size,
  // which wraps for a buffer that runs past the end (and would then seem to end early).
  const auto ends_before = [&](std::size_t a, std::size_t b) {
    return offsets[a] <= offsets[b] && offsets[b] - offsets[a] >= buffers[a].size;
  };
  // Pairs live at the same time must not share bytes. The live buffers of a valid plan are
  // disjoint in memory, so each one that starts need only be compared with its neighbours in
  // offset order: O(n log n). Only when that finds a clash does a pairwise sweep list them.
  if (problems.empty() && no_clash(buffers, offsets)) return problems;
  std::vector<std::size_t> order(buffers.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return buffers[a].lower < buffers[b].lower; });
  std::vector<std::size_t> live;
  for (const std::size_t i : order) {
    live.erase(std::remove_if(live.begin(), live.end(),
                              [&](std::size_t j) { return buffers[j].upper <= buffers[i].lower; }),
               live.end());
    for (const std::size_t j : live) {
      const bool apart =
          buffers[i].size == 0 || buffers[j].size == 0 || ends_before(i, j) || ends_before(j, i);
      if (!apart && problems.size() < 100) {
        problems.push_back("buffers " + std::to_string(j) + " and " + std::to_string(i) +
                           " are live together and share memory");
      }
    }
    live.push_back(i);
  }
  return problems;
}

}  // namespace bufreg
