#pragma once
/// \file
/// What one warp-wide memory access costs on a CUDA GPU, computed on the host: a model, so the
/// layouts bufreg hands to device code can be tested where no GPU runs.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bufreg {

/// Lanes of a CUDA warp.
inline constexpr std::size_t warp_lanes = 32;
/// Shared memory: 32 banks, each 4 bytes wide.
inline constexpr std::size_t shared_bank_count = 32;
inline constexpr std::size_t shared_bank_bytes = 4;
/// Global memory moves 32-byte sectors.
inline constexpr std::size_t global_sector_bytes = 32;

/// The cost of one access of the same width by every active lane of a warp, and the least it
/// can cost for that many lanes and that width.
struct WarpAccessCost {
  /// Shared memory: the most distinct 4-byte words that fall into one bank (lanes reading the
  /// same word are served together).
  std::size_t wavefronts;
  /// ceil(lanes * width / 128): every bank busy in every wavefront.
  std::size_t ideal_wavefronts;
  /// Global memory: the distinct 32-byte sectors the access touches.
  std::size_t sectors;
  /// ceil(lanes * width / 32): consecutive lanes at consecutive addresses.
  std::size_t ideal_sectors;
};

/// The model's cost of one access of `width` bytes (1, 2, 4, 8 or 16) by each active lane, at
/// the byte addresses in `addresses` (one per active lane, 1 to 32 of them). Throws
/// std::invalid_argument for another lane count or width, or an address that is not a multiple
/// of `width` (the GPU faults on such an access).
///
/// \code
/// std::vector<std::uint64_t> lanes(32);
/// for (std::size_t i = 0; i < 32; ++i) lanes[i] = i * 8;   // consecutive doubles
/// bufreg::warp_access_cost(lanes, 8);  // {2, 2, 8, 8}: ideal in shared and global memory
/// \endcode
WarpAccessCost warp_access_cost(const std::vector<std::uint64_t>& addresses, std::size_t width);

}  // namespace bufreg
