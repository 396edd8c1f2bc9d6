#pragma once
/// \file
/// The occupancy and traffic model automatic placement scores candidate layouts with.

#include <cstddef>
#include <string>
#include <string_view>

#include <bufreg/device_description.hpp>

namespace bufreg {

/// The fitted constants of the model, one entry per architecture. The defaults are the
/// boundaries the reference design measured on an RTX 4070 SUPER (paired A/B runs of 206
/// configurations); `bufreg_calibrate` fits them on the GPU it runs on.
struct ModelParameters {
  std::string arch = "sm_89";  ///< the architecture they were fitted on
  std::string source = "reference design: RTX 4070 SUPER, 206 paired A/B configurations";
  /// Thread-private bytes per thread that stay on chip (registers, L1); past them a thread's
  /// local buffers spill, each access with the same chance.
  std::size_t on_chip_local_bytes = 3584;
  /// Level-0 bytes per thread past which the block shrinks more than the moved bytes save: the
  /// search never goes beyond it.
  std::size_t shared_bytes_per_thread_max = 2560;
  /// Level-0 bytes per block the team size is chosen under.
  std::size_t shared_bytes_per_block_target = 32768;
  /// What an access to a spilled (off-chip) byte costs, in accesses to an on-chip byte.
  double spill_cost = 4.0;
  /// Resident threads per multiprocessor that hide memory latency: fewer slow every access.
  /// default_model_parameters() derives it from the bound above: the threads a device keeps
  /// resident with shared_bytes_per_thread_max per thread under the block target (36 on the
  /// RTX 4070 SUPER, 84 on an H100).
  int saturating_threads = 36;
};

/// The parameters an uncalibrated `device` gets: the reference design's for GPUs, with
/// saturating_threads derived for `device`; on a CPU backend, where scratch and thread-private
/// storage are the same memory, a local footprint that never spills and no residency effect.
ModelParameters default_model_parameters(const DeviceDescription& device);

/// `key = value` lines, one per field, as bufreg_calibrate writes them.
std::string to_text(const ModelParameters& parameters);
/// Reads to_text()'s form; `#` starts a comment. Throws std::invalid_argument naming the line for
/// an unknown key, a missing `=`, a value that is not a number in range, or a key given twice;
/// keys left out keep their defaults.
ModelParameters parse_model_parameters(std::string_view text);

/// What one candidate placement puts where, per thread (team bytes per team), and how many
/// bytes a step reads and writes there: a buffer's bytes times its weight.
struct Footprint {
  std::size_t shared_bytes = 0;       ///< level-0 scratch per thread
  std::size_t team_shared_bytes = 0;  ///< level-0 scratch per team
  std::size_t local_bytes = 0;        ///< thread-private (stack) bytes
  std::size_t level1_bytes = 0;       ///< thread-private bytes kept in level-1 scratch
  double shared_traffic = 0;
  double local_traffic = 0;
  double level1_traffic = 0;
  double global_traffic = 0;  ///< persistent buffers, in global memory whatever the placement
};

/// The kernel's side of occupancy.
struct KernelShape {
  int team_size_max = 256;        ///< the team size it launches with when nothing forbids it
  int registers_per_thread = 64;  ///< as ptxas reports them (`-Xptxas -v`)
};

/// The model's figures for one Footprint on one device. A model, not a measurement.
struct Estimate {
  bool fits = false;              ///< within the device's hard limits
  std::string limit;              ///< when it does not fit: which limit, in words
  int team_size = 0;              ///< the largest that fits the level-0 target (whole warps)
  int resident_threads = 0;       ///< per multiprocessor
  std::size_t spilled_bytes = 0;  ///< thread-private bytes per thread past the on-chip share
  double spilled_fraction = 0;    ///< of the thread-private traffic: spilled bytes / local bytes
  double on_chip_traffic = 0;     ///< bytes per step from level 0, registers and L1
  double off_chip_traffic = 0;    ///< bytes per step from L2 or memory
  double residency = 0;           ///< min(1, resident threads / saturating threads)
  /// (on-chip + spill_cost x off-chip traffic) / residency: the model's time per thread and
  /// step, in on-chip byte accesses. Compare it between placements, not with seconds.
  double time = 0;
};

/// The model: `device`'s limits and `parameters`' constants.
struct PlacementModel {
  DeviceDescription device;
  ModelParameters parameters;

  /// A model for `device` with its default parameters.
  static PlacementModel for_device(const DeviceDescription& device);

  /// The team size, residency and time of `footprint` in a kernel of `shape`. Exact about the
  /// hard limits: level 0 per block within shared_bytes_per_block_optin, threads and blocks per
  /// multiprocessor, registers. Throws std::invalid_argument for a shape under 1 thread or with
  /// negative registers.
  Estimate estimate(const Footprint& footprint, const KernelShape& shape) const;
};

}  // namespace bufreg
