#include "placement_model_table.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <bufreg/core.hpp>

#include "automatic_placement_options.hpp"
#include "components.hpp"
#include "kernels.hpp"
#include "systems.hpp"

namespace ode {
namespace {

struct Configuration {
  std::string system;
  int n;
  bufreg::PlacementDecision decision;
};

/// The decision as the automatic benchmark rows place their loop, for `model`.
template <class System, int N>
Configuration configuration(const bufreg::PlacementModel& model) {
  bufreg::BufferRegistry registry;
  const IntegratorLoop loop(registry, N, Mix::automatic, true);
  return {System::name, N,
          place_automatically<System>(loop, model, LocalCapacity<N, Mix::automatic, true>::total)};
}

/// The fixed placement the decision weighed under `label` ("as registered", "all local", "all
/// shared").
const bufreg::FixedPlacement& fixed(const bufreg::PlacementDecision& decision,
                                    const std::string& label) {
  for (const bufreg::FixedPlacement& placement : decision.fixed) {
    if (placement.placement == label) return placement;
  }
  throw std::logic_error("automatic placement weighed no \"" + label + "\" placement");
}

/// The relocatable buffers the decision put in shared memory, comma-separated ("-": none).
std::string shared_buffers(const bufreg::PlacementDecision& decision) {
  std::string names;
  for (const bufreg::BufferPlacement& buffer : decision.buffers) {
    if (buffer.location == bufreg::Location::shared) {
      names += (names.empty() ? "" : ",") + buffer.name;
    }
  }
  return names.empty() ? "-" : names;
}

}  // namespace

perf::ReportTable automatic_placement_model() {
  perf::ReportTable table;
  char line[512];
  std::snprintf(line, sizeof line, "%-6s %-9s %4s  %-11s %9s %9s %5s %9s %8s %8s  %s\n", "arch",
                "system", "n", "placement", "level-0 B", "local B", "team", "resident", "spilled",
                "time", "in shared (automatic)");
  std::string rows = line;
  table.json = "[";
  for (const char* arch : {"sm_90", "sm_80", "sm_89"}) {
    const bufreg::PlacementModel model =
        bufreg::PlacementModel::for_device(bufreg::described_device(arch));
    table.text += std::string(arch) + ": " + model.device.name + "\n";
    const std::vector<Configuration> configurations = {
        configuration<Lorenz96, 8>(model), configuration<Lorenz96, 40>(model),
        configuration<Lorenz96, 128>(model), configuration<DampedRotation, 40>(model)};
    for (const Configuration& c : configurations) {
      const bufreg::PlacementDecision& d = c.decision;
      const auto& components = fixed(d, "as registered");
      const std::pair<const char*, bufreg::FixedPlacement> placements[] = {
          {"components", components},
          {"all_local", fixed(d, "all local")},
          {"all_shared", fixed(d, "all shared")},
          {"automatic", {"automatic", d.footprint, d.estimate}}};
      for (const auto& [placement, figures] : placements) {
        const bufreg::Footprint& footprint = figures.footprint;
        const bufreg::Estimate& estimate = figures.estimate;
        if (!estimate.fits) {
          std::snprintf(line, sizeof line, "%-6s %-9s %4d  %-11s does not fit: %s\n", arch,
                        c.system.c_str(), c.n, placement, estimate.limit.c_str());
          rows += line;
          continue;
        }
        char time[32] = "-";
        if (components.estimate.fits) {
          std::snprintf(time, sizeof time, "%.3f", estimate.time / components.estimate.time);
        }
        std::snprintf(line, sizeof line, "%-6s %-9s %4d  %-11s %9zu %9zu %5d %9d %7.1f%% %8s", arch,
                      c.system.c_str(), c.n, placement, footprint.shared_bytes,
                      footprint.local_bytes + footprint.level1_bytes, estimate.team_size,
                      estimate.resident_threads, estimate.spilled_fraction * 100, time);
        rows += line;
        rows += std::string(placement) == "automatic" ? "  " + shared_buffers(d) + "\n" : "\n";
      }
      table.json += std::string(table.json.size() > 1 ? ", " : "") + "{\"arch\": \"" + arch +
                    "\", \"system\": \"" + c.system + "\", \"n\": " + std::to_string(c.n) +
                    ", \"kernel\": \"bufreg_alias\", \"decision\": " + d.to_json() + "}";
    }
  }
  table.text += rows;
  table.json += "]";
  return table;
}

}  // namespace ode
