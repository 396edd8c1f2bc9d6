// bufreg_plan [--budget-ms N] FILE.csv...
//
// Plans each instance (CSV lines `id,lower,upper,size`: `size` bytes live over [lower, upper))
// with bufreg::plan_offsets and prints one line per file:
//   name n LOAD greedy_peak planner_peak ratio ms
// where ratio is planner_peak / LOAD. Every plan is verified (no two buffers live at the same
// time share memory); a plan that fails, or a malformed file, makes the exit status non-zero.
#include <bufreg/planner.hpp>

#include "dsa_csv.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  bufreg::PlanOptions options;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--budget-ms" && i + 1 < argc) {
      options.budget_ms = std::atof(argv[++i]);
    } else if (arg.rfind("--budget-ms=", 0) == 0) {
      options.budget_ms = std::atof(arg.c_str() + 12);
    } else if (arg.rfind("--", 0) == 0) {
      std::fprintf(stderr, "usage: bufreg_plan [--budget-ms N] FILE.csv...\n");
      return 2;
    } else {
      files.push_back(arg);
    }
  }
  if (files.empty()) {
    std::fprintf(stderr, "usage: bufreg_plan [--budget-ms N] FILE.csv...\n");
    return 2;
  }
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
          status = 1;
        }
      }
      std::printf("%-32s %5zu %10zu %12zu %13zu %7.4f %9.1f\n", perf::instance_name(path).c_str(),
                  buffers.size(), plan.load, greedy.peak, plan.peak,
                  plan.load ? static_cast<double>(plan.peak) / static_cast<double>(plan.load) : 1.0,
                  ms);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "bufreg_plan: %s\n", error.what());
      status = 1;
    }
  }
  return status;
}
