#pragma once
/// \file
/// The search behind automatic placement, shared by BufferGroup and BufferRegistry. Private.

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include <bufreg/automatic_placement.hpp>
#include <bufreg/cuda_buffer.hpp>

namespace bufreg::detail {

/// One buffer the search may move.
struct Relocatable {
  std::string name;  ///< as PlacementOptions names it (a path in a registry)
  std::size_t bytes;
  double weight;
  Location current;
};

/// The footprint of a candidate: `locations[i]` for relocatable buffer i, laid out exactly.
using FootprintOf = std::function<Footprint(const std::vector<Location>& locations)>;

/// options.weights' entry for `name` (1 when it has none).
double weight_of(const PlacementOptions& options, const std::string& name);

/// Refuses, naming the buffer, a name `find` does not know (std::out_of_range: `find` returns
/// nullptr), a persistent relocatable buffer, one given twice, and a weight that is negative or
/// not finite (std::invalid_argument).
void check_options(const PlacementOptions& options,
                   const std::function<const CUDABuffer*(const std::string&)>& find);

/// Adds `buffer`'s traffic (its bytes times `weight`) to `footprint`, by where it lives.
void add_traffic(Footprint& footprint, const CUDABuffer& buffer, double weight);

/// The chosen placement (decision) and each relocatable buffer's location in it (`chosen`).
struct SearchResult {
  PlacementDecision decision;
  std::vector<Location> chosen;
};

/// PlacementDecision's search over `relocatable`, scoring every candidate `footprint_of` lays
/// out. Throws std::invalid_argument when no candidate fits the device.
SearchResult search_placement(const std::vector<Relocatable>& relocatable,
                              const FootprintOf& footprint_of, const PlacementModel& model,
                              const PlacementOptions& options);

}  // namespace bufreg::detail
