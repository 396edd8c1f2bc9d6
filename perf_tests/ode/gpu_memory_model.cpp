#include "gpu_memory_model.hpp"

#include <Kokkos_Core.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include <bufreg/core.hpp>

#include "components.hpp"
#include "kernels.hpp"
#include "systems.hpp"

namespace ode {
namespace {

using ExecSpace = Kokkos::DefaultExecutionSpace;

/// CUDA's default level-0 limit per block, less Kokkos' reduction reserve of 8 (team + 2) bytes.
constexpr std::size_t level0_limit = 48 * 1024;
constexpr std::size_t most_threads_per_block = 1024;

struct Row {
  std::string system, mix, kernel;
  int n;
  bufreg::WarpAccessCost shared{};      // costliest level-0 access (zero: none)
  bufreg::WarpAccessCost persistent{};  // costliest persistent access (zero: none)
  std::size_t functor_bytes;
  std::size_t stride;      // level-0 bytes between two threads
  std::size_t team_bytes;  // level-0 bytes per team besides the threads'
};

/// The largest team whose level-0 scratch fits; 0 if not even one thread does.
std::size_t team_that_fits(const Row& row) {
  for (std::size_t team = most_threads_per_block; team >= 1; --team) {
    if (row.team_bytes + team * row.stride + 8 * (team + 2) <= level0_limit) return team;
  }
  return 0;
}

double ratio(std::size_t cost, std::size_t ideal) {
  return static_cast<double>(cost) / static_cast<double>(ideal);
}

/// Keeps the costlier access, relative to its ideal, of `kept` and `cost`.
void keep_costliest(bufreg::WarpAccessCost& kept, const bufreg::WarpAccessCost& cost,
                    bool wavefronts) {
  if (kept.ideal_sectors == 0 || (wavefronts ? ratio(cost.wavefronts, cost.ideal_wavefronts) >
                                                   ratio(kept.wavefronts, kept.ideal_wavefronts)
                                             : ratio(cost.sectors, cost.ideal_sectors) >
                                                   ratio(kept.sectors, kept.ideal_sectors))) {
    kept = cost;
  }
}

/// bufreg's kernel for one placement, laid out warp_shaped as on CUDA.
template <class System, int N, Mix mix, bool aliasing>
Row bufreg_row() {
  bufreg::BufferRegistry registry;
  const IntegratorLoop loop(registry, N, mix, aliasing);
  const bufreg::BufferGroup& group = *registry.group(&loop);
  const auto layout = bufreg::ThreadLayout::warp_shaped;
  Row row{System::name,
          to_string(mix),
          aliasing ? "bufreg_alias" : "bufreg_no_alias",
          N,
          {},
          {},
          sizeof(BufregIntegrator<ExecSpace, System, N, mix, aliasing>),
          bufreg::kernel_addressing(registry, &loop, layout).shared.tile_bytes,
          0};
  row.team_bytes = row.stride > 0 ? group.arena_alignment(bufreg::Region::shared) : 0;
  for (const bufreg::BufferWarpCost& cost : bufreg::warp_costs(registry, &loop, layout)) {
    if (cost.buffer.region == bufreg::Region::shared) {
      keep_costliest(row.shared, cost.shared, true);
    } else {
      keep_costliest(row.persistent, cost.persistent, false);
    }
  }
  return row;
}

/// The hand-written kernel: Kokkos puts thread r's level-0 scratch r times its per-thread
/// request past the team's, its views one after the other, each at a multiple of 8 bytes; the
/// controller is a LayoutLeft View.
template <class System, int N, Mix mix>
Row hand_row() {
  using Functor = HandIntegrator<ExecSpace, System, N, mix>;
  Row row{System::name,
          to_string(mix),
          "hand",
          N,
          {},
          {},
          sizeof(Functor),
          Functor::scratch_per_thread(),
          0};
  std::vector<std::size_t> widths;  // the views in allocation order
  if (Functor::loop_shared) widths = {8, 8, 8, 4};
  if (Functor::step_shared) widths.insert(widths.end(), 7, 8);
  std::size_t offset = 0;
  const auto price = [](const auto& address, std::size_t width) {
    std::vector<std::uint64_t> lanes(bufreg::warp_lanes);
    for (std::size_t lane = 0; lane < lanes.size(); ++lane) lanes[lane] = address(lane);
    return bufreg::warp_access_cost(lanes, width);
  };
  for (const std::size_t width : widths) {
    for (const std::size_t k : {std::size_t{0}, std::size_t{N - 1}}) {
      keep_costliest(
          row.shared,
          price([&](std::size_t lane) { return lane * row.stride + offset + k * width; }, width),
          true);
    }
    // Kokkos' scratch allocator rounds each view up to 8 bytes.
    offset += (width == 8 ? Functor::DoubleScratch::shmem_size(N)
                          : Functor::FloatScratch::shmem_size(N)) +
              7;
    offset -= offset % 8;
  }
  const std::size_t systems = 65536;  // controller(s, j) at (j * systems + s) * 8
  for (const std::size_t j : {0u, 1u}) {
    keep_costliest(row.persistent,
                   price([&](std::size_t lane) { return (j * systems + lane) * 8; }, 8), false);
  }
  return row;
}

template <class System, int N>
void add_rows(std::vector<Row>& rows, bool every_placement) {
  rows.push_back(hand_row<System, N, Mix::components>());
  rows.push_back(bufreg_row<System, N, Mix::components, true>());
  if (!every_placement) return;
  rows.push_back(bufreg_row<System, N, Mix::components, false>());
  rows.push_back(hand_row<System, N, Mix::all_shared>());
  rows.push_back(bufreg_row<System, N, Mix::all_shared, true>());
  rows.push_back(bufreg_row<System, N, Mix::all_shared, false>());
  rows.push_back(hand_row<System, N, Mix::all_local>());
  rows.push_back(bufreg_row<System, N, Mix::all_local, true>());
  rows.push_back(bufreg_row<System, N, Mix::all_local, false>());
}

std::string cost_text(std::size_t cost, std::size_t ideal) {
  if (ideal == 0) return "-";
  return std::to_string(cost) + " / " + std::to_string(ideal);
}

}  // namespace

perf::ReportTable gpu_memory_model() {
  std::vector<Row> rows;
  add_rows<Lorenz96, 8>(rows, true);
  add_rows<Lorenz96, 40>(rows, true);
  add_rows<Lorenz96, 128>(rows, true);
  add_rows<DampedRotation, 40>(rows, false);
  perf::ReportTable table;
  char line[256];
  std::snprintf(line, sizeof line, "%-9s %4s  %-11s %-16s %14s %12s %10s %9s %6s\n", "system", "n",
                "placement", "kernel", "wavefronts", "sectors", "functor B", "shared B", "team");
  table.text = line;
  table.json = "[";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Row& row = rows[i];
    const std::size_t team = team_that_fits(row);
    std::snprintf(line, sizeof line, "%-9s %4d  %-11s %-16s %14s %12s %10zu %9zu %6zu\n",
                  row.system.c_str(), row.n, row.mix.c_str(), row.kernel.c_str(),
                  cost_text(row.shared.wavefronts, row.shared.ideal_wavefronts).c_str(),
                  cost_text(row.persistent.sectors, row.persistent.ideal_sectors).c_str(),
                  row.functor_bytes, row.stride, team);
    table.text += line;
    table.json += std::string(i ? ", " : "") + "{\"system\": \"" + row.system +
                  "\", \"n\": " + std::to_string(row.n) + ", \"placement\": \"" + row.mix +
                  "\", \"kernel\": \"" + row.kernel +
                  "\", \"wavefronts\": " + std::to_string(row.shared.wavefronts) +
                  ", \"ideal_wavefronts\": " + std::to_string(row.shared.ideal_wavefronts) +
                  ", \"sectors\": " + std::to_string(row.persistent.sectors) +
                  ", \"ideal_sectors\": " + std::to_string(row.persistent.ideal_sectors) +
                  ", \"functor_bytes\": " + std::to_string(row.functor_bytes) +
                  ", \"shared_bytes_per_thread\": " + std::to_string(row.stride) +
                  ", \"team_that_fits\": " + std::to_string(team) + "}";
  }
  table.json += "]";
  return table;
}

}  // namespace ode
