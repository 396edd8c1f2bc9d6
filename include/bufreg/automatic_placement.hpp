#pragma once
/// \file
/// Automatic placement: which relocatable buffers go to shared memory, chosen by a PlacementModel
/// and explained buffer by buffer.

#include <cstddef>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <bufreg/buffer_group.hpp>
#include <bufreg/location.hpp>
#include <bufreg/placement_model.hpp>

namespace bufreg {

/// What automatic placement may move, and what the kernel is like.
struct PlacementOptions {
  /// The buffers the search may move between shared (level 0) and thread-private storage. In a
  /// registry, a path: "state" for the parent's own buffer, "step/k1" for buffer k1 of the child
  /// registered as "step". Persistent buffers cannot be relocatable (shared memory does not
  /// survive a launch).
  std::vector<std::string> relocatable;
  /// Accesses per element and step, by name (or path); a buffer left out counts 1.
  std::map<std::string, double> weights;
  KernelShape kernel;
  /// Thread-private bytes the kernel's LocalArena holds: a placement with more keeps its local
  /// buffers in level-1 scratch (LocalStorage::level1_scratch). Default: no limit.
  std::size_t local_capacity = std::numeric_limits<std::size_t>::max();
};

/// Where one relocatable buffer went, and why.
struct BufferPlacement {
  std::string name;
  Location location;
  bool moved;          ///< it was elsewhere before the placement
  std::string reason;  ///< the model's reason, e.g. "local: keeps 256 threads per block"
};

/// A placement the search weighed, by name, with the model's figures.
struct FixedPlacement {
  std::string placement;  ///< "as registered", "all local" or "all shared"
  Footprint footprint;
  Estimate estimate;
};

/// The placement the search chose, the model's figures for it and for the fixed placements it
/// was weighed against.
struct PlacementDecision {
  std::string device;                    ///< DeviceDescription::name
  std::vector<BufferPlacement> buffers;  ///< the relocatable buffers, in the order given
  bool locals_in_level1 = false;         ///< local bytes past PlacementOptions::local_capacity
  Footprint footprint;
  Estimate estimate;
  /// "as registered", "all local" and "all shared" (every relocatable buffer there), with their
  /// footprints and the model's figures; the choice is never worse than a fitting one of them.
  std::vector<FixedPlacement> fixed;

  /// One line per buffer (name, location, reason), then the model's figures for the choice and
  /// for each fixed placement.
  std::string describe() const;
  /// The same as a JSON object: {"device", "locals_in_level1", "estimate", "buffers": [{"name",
  /// "location", "moved", "reason"}], "fixed": [{"placement", "estimate"}]}.
  std::string to_json() const;
};

/// Chooses the placement of `options.relocatable` in `group` with `model`, applies it and
/// returns it. The candidates are the placement as registered, all local, and the k
/// hottest buffers (weight, then fewer bytes, then order given) in shared and the rest local
/// for every k; each is laid out exactly as the group would lay it out (aliases, live intervals,
/// planner) and scored by PlacementModel::estimate. The search keeps the fastest that fits the
/// device and ModelParameters::shared_bytes_per_thread_max (all local is always admitted); ties go
/// to fewer level-0 bytes. Deterministic. Throws std::out_of_range for an unknown name,
/// std::invalid_argument for a persistent or repeated relocatable buffer, a weight that is
/// negative or not finite, or when no candidate fits the device; a refusal changes nothing.
/// With nothing relocatable it moves nothing, and `fixed` scores the placement as registered.
PlacementDecision place_automatically(BufferGroup& group, const PlacementModel& model,
                                      const PlacementOptions& options);

}  // namespace bufreg
