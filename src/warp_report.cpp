#include <bufreg/warp_report.hpp>

#include <bufreg/buffer_registry.hpp>

#include <cstdint>
#include <map>
#include <stdexcept>

namespace bufreg {
namespace {

void reach(BufferRegistry& registry, const void* parent, const std::string& prefix,
           std::size_t shared_base, std::size_t persistent_base, std::size_t depth,
           std::vector<KernelBuffer>& reached) {
  const BufferGroup* group = registry.group(parent);
  if (!group) return;
  std::map<std::string, bool> regions;  // entries that hold a child's arenas
  if (depth < 64) {                     // registries refuse cycles; stay bounded regardless
    for (const auto& [name, child] : registry.children(parent)) {
      const auto [shared, persistent] = registry.get_child_allocators(parent, child, name);
      regions[name + "_shared"] = regions[name + "_persistent"] = true;
      reach(registry, child, prefix + name + "/", shared_base + shared.offset,
            persistent_base + persistent.offset, depth + 1, reached);
    }
  }
  for (std::size_t i = 0; i < group->entries().size(); ++i) {
    const Placement& placement = group->placements()[i];
    const CUDABuffer& buffer = group->entries()[i];
    if (placement.region == Region::local || regions.count(buffer.name())) continue;
    const std::size_t base = placement.region == Region::shared ? shared_base : persistent_base;
    reached.push_back({prefix + buffer.name(), placement.region, element_size(buffer.precision()),
                       base + placement.slice.start, buffer.size()});
  }
}

/// Cost relative to the ideal, to pick a buffer's costliest access.
double excess(std::size_t cost, std::size_t ideal) {
  return static_cast<double>(cost) / static_cast<double>(ideal);
}

}  // namespace

std::vector<KernelBuffer> kernel_buffers(BufferRegistry& registry, const void* parent) {
  if (!registry.group(parent)) {
    throw std::out_of_range("bufreg: the component has no buffers registered");
  }
  std::vector<KernelBuffer> reached;
  reach(registry, parent, "", 0, 0, 0, reached);
  return reached;
}

KernelAddressing kernel_addressing(BufferRegistry& registry, const void* parent,
                                   ThreadLayout layout) {
  const BufferGroup* group = registry.group(parent);
  if (!group) throw std::out_of_range("bufreg: the component has no buffers registered");
  const bool conflict = interleave_conflict(registry, parent, Region::persistent).has_value();
  return {arena_addressing(*group, Region::shared, layout),
          arena_addressing(*group, Region::persistent,
                           conflict ? ThreadLayout::thread_contiguous : layout)};
}

std::vector<BufferWarpCost> warp_costs(BufferRegistry& registry, const void* parent,
                                       ThreadLayout layout, std::size_t team_base) {
  const KernelAddressing addressing = kernel_addressing(registry, parent, layout);
  std::vector<BufferWarpCost> costs;
  for (const KernelBuffer& buffer : kernel_buffers(registry, parent)) {
    BufferWarpCost worst{buffer, {}, {}};
    if (buffer.count == 0) continue;
    const bool shared = buffer.region == Region::shared;
    const ArenaAddressing& arena = shared ? addressing.shared : addressing.persistent;
    for (const std::size_t k : {std::size_t{0}, buffer.count / 2, buffer.count - 1}) {
      for (const std::size_t warp : {0u, 1u, 3u}) {
        std::vector<std::uint64_t> lanes(warp_lanes);
        for (std::size_t lane = 0; lane < warp_lanes; ++lane) {
          lanes[lane] =
              (shared ? team_base : 0) + arena.offset(warp * warp_lanes + lane,
                                                      buffer.offset + k * buffer.element_width,
                                                      buffer.element_width);
        }
        const WarpAccessCost cost = warp_access_cost(lanes, buffer.element_width);
        WarpAccessCost& kept = shared ? worst.shared : worst.persistent;
        const bool first = kept.ideal_sectors == 0;
        if (shared ? first || excess(cost.wavefronts, cost.ideal_wavefronts) >
                                  excess(kept.wavefronts, kept.ideal_wavefronts)
                   : first || excess(cost.sectors, cost.ideal_sectors) >
                                  excess(kept.sectors, kept.ideal_sectors)) {
          kept = cost;
        }
      }
    }
    costs.push_back(worst);
  }
  return costs;
}

}  // namespace bufreg
