// bufreg_plan [--budget-ms N] FILE.csv...
//
// Plans each instance (CSV lines `id,lower,upper,size`: `size` bytes live over [lower, upper))
// with bufreg::plan_offsets and prints one line per file:
//   name n LOAD greedy_peak planner_peak ratio ms
// where ratio is planner_peak / LOAD. N, the search budget, is a whole number of milliseconds.
// Every plan is verified (no two buffers live at the same time share memory). Exit status: 0
// when every file was planned and verified; 1 when a plan failed verification (a bufreg bug);
// else 2 for bad input: a malformed option, an unreadable or malformed file (named with the
// line and column of the problem).
#include <bufreg/planner.hpp>

#include "dsa_csv.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

constexpr int verification_failed = 1;
constexpr int bad_input = 2;

int usage() {
  std::fprintf(stderr, "usage: bufreg_plan [--budget-ms N] FILE.csv...\n");
  return bad_input;
}

/// The budget in `text`, argument `index` of the command line; throws perf::BadInput naming
/// the argument and column of what is wrong.
double budget_of(const std::string& text, int index, std::size_t offset) {
  std::size_t budget = 0;
  if (const auto refused = perf::parse_count(text, budget)) {
    throw perf::BadInput("argument " + std::to_string(index) + " (--budget-ms), column " +
                         std::to_string(offset + refused->column) + ": " + refused->problem);
  }
  return static_cast<double>(budget);
}

}  // namespace

int main(int argc, char** argv) {
  bufreg::PlanOptions options;
  std::vector<std::string> files;
  try {
    for (int i = 1; i < argc; ++i) {
      const std::string arg = argv[i];
      if (arg == "--budget-ms") {
        if (i + 1 == argc) throw perf::BadInput("--budget-ms needs a value");
        ++i;
        options.budget_ms = budget_of(argv[i], i, 0);
      } else if (arg.rfind("--budget-ms=", 0) == 0) {
        options.budget_ms = budget_of(arg.substr(12), i, 12);
      } else if (arg.rfind("--", 0) == 0) {
        throw perf::BadInput("unknown option '" + arg + "'");
      } else {
        files.push_back(arg);
      }
    }
  } catch (const perf::BadInput& error) {
    std::fprintf(stderr, "bufreg_plan: %s\n", error.what());
    return usage();
  }
  if (files.empty()) return usage();
  int status = 0;
  std::printf("%-32s %5s %10s %12s %13s %7s %9s\n", "name", "n", "LOAD", "greedy_peak",
              "planner_peak", "ratio", "ms");
  for (const std::string& path : files) {
    try {
      const auto buffers = perf::read_instance(path);
      const auto greedy = bufreg::greedy_by_size(buffers);
      const auto start = std::chrono::steady_clock::now();
      const auto plan = bufreg::plan_offsets(buffers, options);
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      for (const auto* checked : {&greedy, &plan}) {
        const auto problems = bufreg::check_plan(buffers, checked->offsets);
        if (!problems.empty()) {
          std::fprintf(stderr, "%s: plan fails verification: %s\n", path.c_str(),
                       problems.front().c_str());
          status = verification_failed;
        }
      }
      std::printf("%-32s %5zu %10zu %12zu %13zu %7.4f %9.1f\n", perf::instance_name(path).c_str(),
                  buffers.size(), plan.load, greedy.peak, plan.peak,
                  plan.load ? static_cast<double>(plan.peak) / static_cast<double>(plan.load) : 1.0,
                  ms);
    } catch (const std::exception& error) {
      // perf::BadInput, or bufreg refusing what the reader let through: the input is at fault.
      const bool input = dynamic_cast<const perf::BadInput*>(&error) ||
                         dynamic_cast<const std::invalid_argument*>(&error);
      std::fprintf(stderr, "bufreg_plan: %s\n", error.what());
      if (status != verification_failed) status = input ? bad_input : verification_failed;
    }
  }
  return status;
}
