#pragma once
// The placement model's view of a component tree in a BufferRegistry as it is placed now.

#include <bufreg/core.hpp>

#include <algorithm>
#include <map>
#include <string>

namespace ode {

namespace detail {

/// Adds the local bytes and traffic of the component `key` and of every component inside it,
/// their buffers named `prefix` + name in `weights`.
inline void add_component(bufreg::BufferRegistry& registry, const void* key,
                          const std::string& prefix, const std::map<std::string, double>& weights,
                          bufreg::Footprint& footprint) {
  const bufreg::BufferGroup& group = *registry.group(key);
  const std::map<std::string, const void*> children = registry.children(key);
  footprint.local_bytes += group.local_buffer_size();
  for (const bufreg::CUDABuffer& buffer : group.entries()) {
    const bool rolled_up_child =
        std::any_of(children.begin(), children.end(), [&](const auto& child) {
          return buffer.name() == child.first + "_shared" ||
                 buffer.name() == child.first + "_persistent";
        });
    if (rolled_up_child) continue;  // its buffers count where they are registered
    const auto weight = weights.find(prefix + buffer.name());
    const double traffic =
        (weight == weights.end() ? 1.0 : weight->second) * static_cast<double>(buffer.bytes());
    if (buffer.persistent()) {
      footprint.global_traffic += traffic;
    } else if (buffer.is_shared()) {
      footprint.shared_traffic += traffic;
    } else {
      footprint.local_traffic += traffic;
    }
  }
  for (const auto& [name, child] : children) {
    add_component(registry, child, prefix + name + "/", weights, footprint);
  }
}

}  // namespace detail

/// The Footprint of `parent` as BufferRegistry::place_automatically scores a candidate: level 0
/// is `parent`'s shared arena per thread; thread-private bytes are those of `parent` and of
/// every component inside it (each has its own LocalArena); traffic is each buffer's bytes times
/// its weight in `weights` (1 when it has none; paths as PlacementOptions::weights names them),
/// by where the buffer lives, persistent buffers in global memory. The entries a child is rolled
/// up into carry no traffic of their own.
inline bufreg::Footprint registry_footprint(bufreg::BufferRegistry& registry, const void* parent,
                                            const std::map<std::string, double>& weights) {
  bufreg::Footprint footprint;
  footprint.shared_bytes = registry.shared_buffer_size(parent);
  detail::add_component(registry, parent, "", weights, footprint);
  return footprint;
}

}  // namespace ode
