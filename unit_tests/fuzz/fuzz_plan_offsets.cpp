// Fuzz target: bufreg::plan_offsets, greedy_by_size, load_of and check_plan on instances with
// values over their full ranges (any size up to the largest std::size_t, any alignment, any
// interval, any budget: 0, huge, +inf, NaN, negative). Expectations, computed here independently
// of the planner:
// - plan_offsets and greedy_by_size refuse (std::invalid_argument) exactly a NaN or negative
//   budget, an empty interval, an alignment that is not a power of two, or sizes that with their
//   alignment padding add up past the largest std::size_t; anything else gets a plan;
// - a plan has one offset per buffer, each aligned, none running past the largest std::size_t,
//   no two buffers live at the same time sharing a byte; its peak is max(offset + size), its
//   LOAD the most bytes live at once, peak >= LOAD; the same input plans the same again;
//   with no budget limit it is never worse than greedy_by_size;
// - check_plan finds nothing wrong with a plan, and on arbitrary offsets finds something wrong
//   exactly when these rules are broken (offset + size wrapping around included).
#include <bufreg/planner.hpp>

#include "fuzz_input.hpp"
#include "reference_model.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <vector>

namespace {

constexpr const char* target = "fuzz_plan_offsets";

using reference::Wide;
using Buffers = std::vector<bufreg::LiveBuffer>;

bool live_together(const bufreg::LiveBuffer& a, const bufreg::LiveBuffer& b) {
  return std::max(a.lower, b.lower) < std::min(a.upper, b.upper);
}

/// Whether `offsets` is a valid plan for `buffers` (whose intervals are not empty).
bool valid_plan(const Buffers& buffers, const std::vector<std::size_t>& offsets) {
  if (offsets.size() != buffers.size()) return false;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    if (buffers[i].alignment == 0 || offsets[i] % buffers[i].alignment != 0) return false;
    if (Wide{offsets[i]} + buffers[i].size > reference::size_max) return false;
  }
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    for (std::size_t j = i + 1; j < buffers.size(); ++j) {
      if (!live_together(buffers[i], buffers[j]) || buffers[i].size == 0 || buffers[j].size == 0) {
        continue;
      }
      const bool apart = Wide{offsets[i]} + buffers[i].size <= offsets[j] ||
                         Wide{offsets[j]} + buffers[j].size <= offsets[i];
      if (!apart) return false;
    }
  }
  return true;
}

/// The most bytes live at once (the largest std::size_t if more).
std::size_t load(const Buffers& buffers) {
  Wide most = 0;
  for (const bufreg::LiveBuffer& at : buffers) {  // the sum is largest at some buffer's start
    Wide live = 0;
    for (const bufreg::LiveBuffer& b : buffers) {
      if (b.lower <= at.lower && at.lower < b.upper) live += b.size;
    }
    most = std::max(most, live);
  }
  return static_cast<std::size_t>(std::min(most, reference::size_max));
}

bool plannable(const Buffers& buffers, double budget) {
  if (std::isnan(budget) || budget < 0) return false;
  Wide total = 0;
  for (const bufreg::LiveBuffer& b : buffers) {
    if (b.lower >= b.upper || !reference::is_power_of_two(b.alignment)) return false;
    total += Wide{b.size} + b.alignment - 1;
  }
  return total <= reference::size_max;
}

void check(const Buffers& buffers, const bufreg::Plan& plan, const char* planner) {
  const auto fail = [&](const std::string& what) {
    fuzz::broken(target, std::string(planner) + ": " + what);
  };
  if (!valid_plan(buffers, plan.offsets)) fail("an invalid plan");
  if (!bufreg::check_plan(buffers, plan.offsets).empty()) fail("check_plan refuses its plan");
  Wide peak = 0;
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    peak = std::max(peak, Wide{plan.offsets[i]} + buffers[i].size);
  }
  if (plan.peak != peak) fail("peak is not max(offset + size)");
  if (plan.load != load(buffers)) fail("LOAD is not the most bytes live at once");
  if (plan.peak < plan.load) fail("a peak below LOAD");
}

std::size_t phase(fuzz::Input& in) { return in.byte() < 192 ? in.byte() % 16 : in.count(); }

void run(fuzz::Input& in) {
  const double budget = in.number();
  const bool arbitrary_offsets = in.flag();
  // The search spends its whole budget on hard instances (without a limit, exponential time),
  // and under the sanitizers a 50 ms budget takes seconds: budgets above 1 ms (+inf included)
  // get instances of at most 8 buffers, which the search finishes quickly.
  const std::size_t most = budget > 1 ? 8 : 64;
  Buffers buffers;
  for (std::size_t n = in.byte() % (most + 1); n > 0 && !in.done(); --n) {
    bufreg::LiveBuffer b{};
    b.lower = phase(in);
    b.upper = in.flag() ? b.lower + in.byte() % 8 : phase(in);  // empty and inverted ones too
    b.size = in.count();
    b.alignment = in.alignment();
    buffers.push_back(b);
  }
  bool valid_intervals = true;
  for (const bufreg::LiveBuffer& b : buffers) valid_intervals &= b.lower < b.upper;
  if (valid_intervals && bufreg::load_of(buffers) != load(buffers)) {
    fuzz::broken(target, "load_of is not the most bytes live at once");
  }
  if (arbitrary_offsets && valid_intervals) {  // check_plan on offsets from anywhere
    std::vector<std::size_t> offsets(buffers.size() + (in.byte() == 7 ? 1 : 0));  // or one too many
    for (std::size_t& offset : offsets) offset = in.count();
    if (bufreg::check_plan(buffers, offsets).empty() != valid_plan(buffers, offsets)) {
      fuzz::broken(target, "check_plan disagrees with the rules on arbitrary offsets");
    }
    return;
  }
  const bool accept = plannable(buffers, budget);
  try {
    const bufreg::Plan plan = bufreg::plan_offsets(buffers, bufreg::PlanOptions{budget});
    if (!accept) fuzz::broken(target, "plan_offsets accepted an instance the rules refuse");
    check(buffers, plan, "plan_offsets");
    const bufreg::Plan again = bufreg::plan_offsets(buffers, bufreg::PlanOptions{budget});
    if (again.offsets != plan.offsets || again.method != plan.method) {
      fuzz::broken(target, "plan_offsets is not deterministic");
    }
    const bufreg::Plan greedy = bufreg::greedy_by_size(buffers);
    check(buffers, greedy, "greedy_by_size");
    if (std::isinf(budget) && plan.peak > greedy.peak) {
      fuzz::broken(target, "plan_offsets without a budget limit is worse than greedy_by_size");
    }
  } catch (const std::invalid_argument& e) {
    if (accept)
      fuzz::broken(target, std::string("plan_offsets refused a valid instance: ") + e.what());
    if (std::string(e.what()).rfind("bufreg: ", 0) != 0) fuzz::broken(target, e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  run(in);
  return 0;
}
