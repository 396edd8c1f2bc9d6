// bufreg_plan_scale [--budget-ms N] CASE...
//
// The planner on large generated instances, one line per case:
//   case n LOAD registration_order planner_peak ratio ms cpu_ms max_rss_MiB
// where registration_order is every buffer stacked (what the caller falls back to), ratio is
// planner_peak / LOAD, ms the wall time and cpu_ms the processor time of the plan (or of the
// layout build; on a busy machine the processor time is the steadier), and max_rss_MiB the
// process's peak resident memory so far (run one case per process to read it per case). Cases:
//   random-N  N buffers, short random intervals over [0, 1000): plan_offsets
//   long-N    N buffers, intervals up to 20,000 phases long over [0, N): plan_offsets
//   group-N   random-N as a BufferGroup with Planner::best: one layout build
// Every plan is checked with bufreg::check_plan (groups with bufreg::verify). Exit status 1 when
// a check fails, 2 for bad arguments.
#include <bufreg/core.hpp>

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <random>
#include <string>
#include <vector>

namespace {

std::vector<bufreg::LiveBuffer> generate(const std::string& kind, std::size_t n) {
  std::mt19937_64 random(2024);
  std::vector<bufreg::LiveBuffer> buffers;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t size = 16 * (1 + random() % 16);
    if (kind == "long") {
      const std::size_t lower = random() % n;
      buffers.push_back({lower, lower + 1 + random() % 20000, size, 16});
    } else {
      const std::size_t lower = random() % 1000;
      buffers.push_back({lower, lower + 1 + random() % 200, size, 16});
    }
  }
  return buffers;
}

double cpu_ms_since(std::clock_t start) {
  return 1000.0 * static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

double elapsed(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

double max_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // kilobytes on Linux
}

std::size_t stacked(const std::vector<bufreg::LiveBuffer>& buffers) {
  std::size_t top = 0;
  for (const auto& b : buffers) top = (top + b.alignment - 1) / b.alignment * b.alignment + b.size;
  return top;
}

}  // namespace

int main(int argc, char** argv) {
  double budget_ms = 50;
  std::vector<std::string> cases;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--budget-ms" && i + 1 < argc) {
      budget_ms = std::stod(argv[++i]);
    } else if (arg.find('-') != std::string::npos && arg.rfind("--", 0) != 0) {
      cases.push_back(arg);
    } else {
      std::fprintf(stderr, "usage: bufreg_plan_scale [--budget-ms N] (random|long|group)-N...\n");
      return 2;
    }
  }
  int status = 0;
  std::printf("%-14s %7s %9s %18s %13s %7s %9s %9s %12s\n", "case", "n", "LOAD",
              "registration_order", "planner_peak", "ratio", "ms", "cpu_ms", "max_rss_MiB");
  for (const std::string& name : cases) {
    const std::string kind = name.substr(0, name.find('-'));
    const std::size_t n = std::stoul(name.substr(name.find('-') + 1));
    const auto buffers = generate(kind == "long" ? "long" : "random", n);
    const std::size_t load = bufreg::load_of(buffers);
    std::size_t peak = 0;
    double ms = 0, cpu_ms = 0;
    bool valid = true;
    auto start = std::chrono::steady_clock::now();
    std::clock_t cpu_start = std::clock();
    if (kind == "group") {
      bufreg::BufferGroup group(bufreg::LayoutOptions{16, bufreg::Planner::best, budget_ms});
      for (std::size_t i = 0; i < n; ++i) {
        group.register_buffer("b" + std::to_string(i), buffers[i].size / 4,
                              bufreg::Location::shared, false, {}, bufreg::Precision::float32,
                              bufreg::LiveInterval{buffers[i].lower, buffers[i].upper});
      }
      start = std::chrono::steady_clock::now();  // time the layout build alone
      cpu_start = std::clock();
      peak = group.shared_buffer_size();
      ms = elapsed(start);
      cpu_ms = cpu_ms_since(cpu_start);
      valid = bufreg::verify(group).empty();
    } else {
      const auto plan = bufreg::plan_offsets(buffers, bufreg::PlanOptions{budget_ms});
      ms = elapsed(start);
      cpu_ms = cpu_ms_since(cpu_start);
      peak = plan.peak;
      valid = bufreg::check_plan(buffers, plan.offsets).empty();
    }
    std::printf("%-14s %7zu %9zu %18zu %13zu %7.4f %9.1f %9.1f %12.1f\n", name.c_str(), n, load,
                stacked(buffers), peak,
                load ? static_cast<double>(peak) / static_cast<double>(load) : 1.0, ms, cpu_ms,
                max_rss_mib());
    if (!valid) {
      std::fprintf(stderr, "%s: the plan fails its check\n", name.c_str());
      status = 1;
    }
  }
  return status;
}
