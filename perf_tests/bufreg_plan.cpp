// bufreg_plan [--budget-ms N] FILE.csv...
//
// Plans each instance (CSV lines `id,lower,upper,size`: `size` bytes live over [lower, upper))
// with bufreg::plan_offsets and prints one line per file:
//   name n LOAD greedy_peak planner_peak ratio ms
// where ratio is planner_peak / LOAD. Every plan is verified (no two buffers live at the same
// time share memory); a plan that fails, or a malformed file, makes the exit status non-zero.
#include <bufreg/planner.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

std::size_t parse_number(const std::string& text, const std::string& where) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || text[0] == '-') {
    throw std::runtime_error(where + ": '" + text + "' is not a non-negative integer");
  }
  return static_cast<std::size_t>(value);
}

std::vector<bufreg::LiveBuffer> read_instance(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(path + ": cannot be read");
  std::vector<bufreg::LiveBuffer> buffers;
  std::string line;
  for (std::size_t number = 1; std::getline(file, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line.rfind("id,", 0) == 0)) continue;
    const std::string where = path + ":" + std::to_string(number);
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    if (fields.size() != 4) {
      throw std::runtime_error(where + ": expected 4 fields (id,lower,upper,size), found " +
                               std::to_string(fields.size()));
    }
    const bufreg::LiveBuffer buffer{parse_number(fields[1], where), parse_number(fields[2], where),
                                    parse_number(fields[3], where), 1};
    if (buffer.lower >= buffer.upper) {
      throw std::runtime_error(where + ": lower " + fields[1] + " is not below upper " + fields[2]);
    }
    buffers.push_back(buffer);
  }
  return buffers;
}

std::string stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind(".csv");
  return dot == std::string::npos ? name : name.substr(0, dot);
}

}  // namespace

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
      const auto buffers = read_instance(path);
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
      std::printf("%-32s %5zu %10zu %12zu %13zu %7.4f %9.1f\n", stem(path).c_str(), buffers.size(),
                  plan.load, greedy.peak, plan.peak,
                  plan.load ? static_cast<double>(plan.peak) / static_cast<double>(plan.load) : 1.0,
                  ms);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "bufreg_plan: %s\n", error.what());
      status = 1;
    }
  }
  return status;
}
