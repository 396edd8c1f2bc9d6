#include "planner_benchmarks.hpp"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <bufreg/core.hpp>

#include "dsa_csv.hpp"

namespace perf {

void register_planner_benchmarks(const std::string& directory, double budget_ms) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) {
    if (entry.path().extension() == ".csv") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    auto buffers = std::make_shared<std::vector<bufreg::LiveBuffer>>(read_instance(file));
    const std::size_t greedy = bufreg::greedy_by_size(*buffers).peak;
    benchmark::RegisterBenchmark(("plan/" + instance_name(file)).c_str(),
                                 [buffers, greedy, budget_ms](benchmark::State& state) {
                                   bufreg::Plan plan;
                                   for (auto _ : state) {
                                     plan = bufreg::plan_offsets(*buffers, {budget_ms});
                                   }
                                   if (!bufreg::check_plan(*buffers, plan.offsets).empty()) {
                                     state.SkipWithError("the plan fails verification");
                                   }
                                   state.counters["n"] = static_cast<double>(buffers->size());
                                   state.counters["load"] = static_cast<double>(plan.load);
                                   state.counters["greedy_peak"] = static_cast<double>(greedy);
                                   state.counters["peak"] = static_cast<double>(plan.peak);
                                 })
        ->Iterations(1)
        ->Repetitions(1)  // the plan is deterministic; only its time would vary
        ->Unit(benchmark::kMillisecond);
  }
}

namespace {

using bufreg::LiveInterval;
using bufreg::Location;
using bufreg::Precision;

/// The phases of one Dormand-Prince step: phase p (1..5) builds stage p + 1 in the accumulator
/// and evaluates k(p+1); phase 6 builds the proposal and evaluates k7; phase 7 estimates the
/// error; phase 8 accepts (state = proposal, k1 = k7); phase 9 stages the output.
struct Buffer {
  const char* name;
  bool loop;  // the loop's, or the step's
  Precision precision;
  LiveInterval live;
};
const Buffer dormand_prince[] = {
    {"state", true, Precision::float64, {0, 10}}, {"proposal", true, Precision::float64, {6, 9}},
    {"error", true, Precision::float64, {7, 8}},  {"output", true, Precision::float32, {9, 10}},
    {"k1", false, Precision::float64, {0, 10}},   {"k2", false, Precision::float64, {1, 6}},
    {"k3", false, Precision::float64, {2, 8}},    {"k4", false, Precision::float64, {3, 8}},
    {"k5", false, Precision::float64, {4, 8}},    {"k6", false, Precision::float64, {5, 8}},
    {"k7", false, Precision::float64, {6, 9}},    {"stage", false, Precision::float64, {1, 6}}};

enum class Variant { no_alias, manual_alias, lifetimes };

bufreg::BufferGroup ode_group(std::size_t n, bool with_loop, Variant variant) {
  bufreg::BufferGroup group(bufreg::LayoutOptions{
      16,
      variant == Variant::lifetimes ? bufreg::Planner::best : bufreg::Planner::registration_order,
      50});
  for (const Buffer& b : dormand_prince) {
    if (b.loop && !with_loop) continue;
    const bool manual = variant == Variant::manual_alias && std::string(b.name) == "stage";
    group.register_buffer(
        b.name, n, Location::shared, false,
        manual ? std::optional<std::string>("k7") : std::nullopt, b.precision,
        variant == Variant::lifetimes ? std::optional<LiveInterval>(b.live) : std::nullopt);
  }
  return group;
}

}  // namespace

ReportTable ode_lifetime_layouts(std::size_t n) {
  ReportTable table;
  char line[256];
  std::snprintf(line, sizeof line, "%-16s %10s %14s %16s %10s\n", "buffers", "no alias",
                "manual alias", "live intervals", "LOAD");
  table.text = line;
  table.json = "[";
  for (const bool with_loop : {false, true}) {
    const auto none = ode_group(n, with_loop, Variant::no_alias);
    const auto manual = ode_group(n, with_loop, Variant::manual_alias);
    const auto planned = ode_group(n, with_loop, Variant::lifetimes);
    if (!bufreg::verify(planned).empty()) throw std::logic_error("planned ODE layout is invalid");
    const std::size_t load = bufreg::load_of([&] {
      std::vector<bufreg::LiveBuffer> live;
      for (std::size_t i = 0; i < planned.entries().size(); ++i) {
        const auto& e = planned.entries()[i];
        live.push_back({e.live()->first, e.live()->last, e.bytes(), 16});
      }
      return live;
    }());
    const char* what = with_loop ? "loop + step" : "step";
    std::snprintf(line, sizeof line, "%-16s %10zu %14zu %16zu %10zu\n", what,
                  none.shared_buffer_size(), manual.shared_buffer_size(),
                  planned.shared_buffer_size(), load);
    table.text += line;
    table.json += std::string(with_loop ? ", " : "") + "{\"buffers\": \"" + what +
                  "\", \"no_alias\": " + std::to_string(none.shared_buffer_size()) +
                  ", \"manual_alias\": " + std::to_string(manual.shared_buffer_size()) +
                  ", \"live_intervals\": " + std::to_string(planned.shared_buffer_size()) +
                  ", \"load\": " + std::to_string(load) + "}";
  }
  table.json += "]";
  return table;
}

}  // namespace perf
