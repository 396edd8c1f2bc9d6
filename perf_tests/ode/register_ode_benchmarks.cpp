// Registers the ODE benchmarks for every state count, placement and aliasing choice, and the
// team-per-system pairs.
#include "register_ode_benchmarks.hpp"

#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ode_benchmarks.hpp"
#include "team_benchmarks.hpp"

namespace ode {
namespace {

using ExecSpace = Kokkos::DefaultExecutionSpace;

std::string name(const char* system, int n, Mix mix, const char* variant) {
  return std::string("ode/") + system + "/n" + std::to_string(n) + "/" + to_string(mix) + "/" +
         variant;
}

template <class System, int N, Mix mix>
void register_hand(const std::shared_ptr<BatchData<ExecSpace, System>>& data, double allowed) {
  benchmark::RegisterBenchmark(name(System::name, N, mix, "hand").c_str(),
                               [data, allowed](benchmark::State& state) {
                                 HandRunner<ExecSpace, System, N, mix> runner(data->batch);
                                 time_integration(state, *data, runner, allowed);
                               })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

template <class System, int N, Mix mix, bool aliasing>
void register_bufreg(const std::shared_ptr<BatchData<ExecSpace, System>>& data, double allowed) {
  benchmark::RegisterBenchmark(
      name(System::name, N, mix, aliasing ? "bufreg_alias" : "bufreg_no_alias").c_str(),
      [data, allowed](benchmark::State& state) {
        BufregRunner<ExecSpace, System, N, mix, aliasing> runner(data->batch);
        time_integration(state, *data, runner, allowed);
      })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

template <class System, int N>
void register_size(const Settings& settings, bool every_placement) {
  auto data = std::make_shared<BatchData<ExecSpace, System>>(N, settings);
  register_hand<System, N, Mix::components>(data, settings.check);
  register_bufreg<System, N, Mix::components, true>(data, settings.check);
  register_bufreg<System, N, Mix::automatic, true>(data, settings.check);
  if (!every_placement) return;
  register_bufreg<System, N, Mix::components, false>(data, settings.check);
  register_hand<System, N, Mix::all_shared>(data, settings.check);
  register_bufreg<System, N, Mix::all_shared, true>(data, settings.check);
  register_bufreg<System, N, Mix::all_shared, false>(data, settings.check);
  register_hand<System, N, Mix::all_local>(data, settings.check);
  register_bufreg<System, N, Mix::all_local, true>(data, settings.check);
  register_bufreg<System, N, Mix::all_local, false>(data, settings.check);
}

/// One system per team, `variant` "bufreg" or "hand", on a batch of its own size.
template <class Runner, class System>
void register_team(const std::shared_ptr<BatchData<ExecSpace, System>>& data, int n,
                   const char* variant, double allowed) {
  const std::string name =
      std::string("ode/") + System::name + "/n" + std::to_string(n) + "/team/" + variant;
  benchmark::RegisterBenchmark(name.c_str(),
                               [data, allowed](benchmark::State& state) {
                                 Runner runner(data->batch);
                                 time_integration(state, *data, runner, allowed);
                                 state.counters["systems"] = data->batch.systems;
                               })
      ->UseRealTime()
      ->Unit(benchmark::kMillisecond);
}

template <class System, int N>
void register_team_size(const Settings& settings) {
  Settings team = settings;
  team.systems = team_systems<ExecSpace>(N, settings.systems);
  auto data = std::make_shared<BatchData<ExecSpace, System>>(N, team);
  register_team<HandTeamRunner<ExecSpace, System, N>>(data, N, "hand", settings.check);
  register_team<BufregTeamRunner<ExecSpace, System, N>>(data, N, "bufreg", settings.check);
}

}  // namespace

void register_ode_benchmarks(const Settings& settings) {
  register_size<Lorenz96, 8>(settings, true);
  register_size<Lorenz96, 40>(settings, true);
  register_size<Lorenz96, 128>(settings, true);
  register_size<DampedRotation, 40>(settings, false);
  register_team_size<Lorenz96, 128>(settings);
  register_team_size<Lorenz96, 1024>(settings);
}

std::string describe_ode_layout(int n) {
  bufreg::BufferRegistry registry;
  IntegratorLoop loop(registry, static_cast<std::size_t>(n), Mix::components, true);
  return "loop (the kernel's own arenas):\n" + registry.group(&loop)->describe() +
         "\nstep (relative to the loop's step_shared and step_persistent):\n" +
         registry.group(loop.step().buffers().owner())->describe() +
         "\ncontroller (relative to the loop's controller_persistent):\n" +
         registry.group(loop.controller().buffers().owner())->describe();
}

std::string describe_ode_automatic_placement() {
  constexpr int n = 40;
  bufreg::BufferRegistry registry;
  const IntegratorLoop loop(registry, n, Mix::automatic, true);
  return place_automatically<Lorenz96>(loop, bufreg::placement_model(ExecSpace()),
                                       LocalCapacity<n, Mix::automatic, true>::total)
      .describe();
}

namespace {

/// Appends `group`'s shared buffers at `base`; a child's region is replaced by its buffers.
void add_shared(const bufreg::BufferGroup& group, std::size_t base, const std::string& prefix,
                const std::map<std::string, const bufreg::BufferGroup*>& children,
                std::vector<perf::ArenaRow>& rows) {
  const auto& placements = group.placements();
  for (std::size_t i = 0; i < placements.size(); ++i) {
    const bufreg::Placement& placement = placements[i];
    if (placement.region != bufreg::Region::shared) continue;
    const bufreg::CUDABuffer& buffer = group.entries()[i];
    const perf::ArenaBox box{prefix + buffer.name(), base + placement.slice.start,
                             placement.slice.size()};
    if (const auto child = children.find(buffer.name()); child != children.end()) {
      const std::string child_prefix = buffer.name().substr(0, buffer.name().rfind('_')) + "/";
      add_shared(*child->second, box.offset, prefix + child_prefix, children, rows);
    } else if (placement.inside_parent) {
      for (perf::ArenaRow& row : rows) {
        if (row.buffer.name == prefix + *buffer.aliases()) row.aliases.push_back(box);
      }
    } else {
      rows.push_back({box, {}});
    }
  }
}

}  // namespace

std::vector<perf::ArenaRow> ode_shared_arena(int n, std::size_t& arena_bytes) {
  bufreg::BufferRegistry registry;
  IntegratorLoop loop(registry, static_cast<std::size_t>(n), Mix::components, true);
  const bufreg::BufferGroup& top = *registry.group(&loop);
  arena_bytes = top.shared_buffer_size();
  const std::map<std::string, const bufreg::BufferGroup*> children = {
      {"step_shared", registry.group(loop.step().buffers().owner())},
      {"controller_shared", registry.group(loop.controller().buffers().owner())}};
  std::vector<perf::ArenaRow> rows;
  add_shared(top, 0, "", children, rows);
  return rows;
}

}  // namespace ode
