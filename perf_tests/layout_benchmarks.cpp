#include "layout_benchmarks.hpp"

#include <benchmark/benchmark.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <bufreg/core.hpp>

namespace perf {
namespace {

/// Registers `names.size()` buffers in a new group and builds its layout. Every fourth buffer
/// aliases the one before it; the rest cycle through the three arenas and four precisions.
void register_and_build(benchmark::State& state, const std::vector<std::string>& names) {
  using bufreg::Location;
  constexpr bufreg::Precision precisions[] = {bufreg::Precision::float32,
                                              bufreg::Precision::float64, bufreg::Precision::int32,
                                              bufreg::Precision::uint8};
  for (auto _ : state) {
    bufreg::BufferGroup group;
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (i % 4 == 3) {
        group.register_buffer(names[i], 4 + i % 5, Location::local, false, names[i - 1]);
      } else {
        group.register_buffer(names[i], 8 + i % 7, i % 3 == 2 ? Location::shared : Location::local,
                              i % 3 == 1, std::nullopt, precisions[i % 4]);
      }
    }
    benchmark::DoNotOptimize(group.shared_buffer_size());
  }
  state.counters["per_buffer"] = benchmark::Counter(
      static_cast<double>(names.size()),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/// Automatic placement of a parent with two children, `count` buffers spread over the three,
/// every one relocatable with a weight of 0 to 7, for an H100: each iteration places the
/// registry as registered (half the buffers shared).
void place_registry(benchmark::State& state, int count) {
  using bufreg::Location;
  const bufreg::PlacementModel h100 =
      bufreg::PlacementModel::for_device(bufreg::described_device("sm_90"));
  int parent = 0, first = 0, second = 0;
  const void* components[] = {&parent, &first, &second};
  const char* paths[] = {"", "first/", "second/"};
  bufreg::PlacementOptions options;
  for (int i = 0; i < count; ++i) {
    const std::string name = "buffer_" + std::to_string(i);
    options.relocatable.push_back(paths[i % 3] + name);
    options.weights[options.relocatable.back()] = i % 8;
  }
  for (auto _ : state) {
    state.PauseTiming();
    bufreg::BufferRegistry registry;
    for (int i = 0; i < count; ++i) {
      registry.register_buffer("buffer_" + std::to_string(i), components[i % 3],
                               static_cast<std::size_t>(1 + i % 64),
                               i % 2 ? Location::shared : Location::local, false, std::nullopt,
                               bufreg::Precision::float64);
    }
    registry.register_child(&parent, &first, "first");
    registry.register_child(&parent, &second, "second");
    state.ResumeTiming();
    benchmark::DoNotOptimize(registry.place_automatically(&parent, h100, options));
  }
}

}  // namespace

void register_layout_benchmarks() {
  for (const int count : {30, 300}) {
    benchmark::RegisterBenchmark(("layout/place_automatically/" + std::to_string(count)).c_str(),
                                 [count](benchmark::State& state) { place_registry(state, count); })
        ->Unit(benchmark::kMillisecond);
  }
  for (const int n : {100, 1000, 10000, 100000}) {
    auto names = std::make_shared<std::vector<std::string>>();
    for (int i = 0; i < n; ++i) names->push_back("buffer_" + std::to_string(i));
    benchmark::RegisterBenchmark(
        ("layout/register_and_build/" + std::to_string(n)).c_str(),
        [names](benchmark::State& state) { register_and_build(state, *names); })
        ->Unit(benchmark::kMicrosecond);
  }
}

}  // namespace perf
