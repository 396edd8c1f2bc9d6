#pragma once
/// \file
/// What a device offers a team kernel: the limits automatic placement plans within.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bufreg {

/// The limits of one GPU architecture (or of a CPU backend) that decide how many threads of a
/// team kernel are resident at once, as CUDA's `cudaDeviceProp` reports them. Sizes in bytes.
///
/// \code
/// const bufreg::DeviceDescription h100 = bufreg::described_device("sm_90");
/// h100.shared_bytes_per_block_optin;  // 232448 (227 KiB)
/// \endcode
struct DeviceDescription {
  std::string name;  ///< "NVIDIA H100 SXM5 (sm_90)", or the name the device reports
  std::string arch;  ///< "sm_80", "sm_89", "sm_90"..., or "host" for CPU backends
  int warp_size = 32;
  int multiprocessors = 1;
  std::size_t shared_bytes_per_multiprocessor = 0;
  std::size_t shared_bytes_per_block = 0;           ///< without opting in (48 KiB on CUDA)
  std::size_t shared_bytes_per_block_optin = 0;     ///< the most a block may opt in to
  std::size_t reserved_shared_bytes_per_block = 0;  ///< the system's share of each block's
  std::size_t registers_per_multiprocessor = 0;     ///< 32-bit registers
  int max_registers_per_thread = 0;
  int max_threads_per_multiprocessor = 0;
  int max_blocks_per_multiprocessor = 0;
  int max_threads_per_block = 0;
  std::size_t l1_bytes_per_multiprocessor = 0;  ///< L1 and shared memory together
  std::size_t l2_bytes = 0;

  /// True for a CPU backend's description: no shared memory of its own, threads of one.
  bool is_host() const { return arch == "host"; }
};

/// The published limits of `arch`: "sm_80" (A100), "sm_89" (RTX 40xx, figures of the RTX 4070
/// SUPER), "sm_90" (H100/H200), or "host" (a CPU backend, `threads` wide). Throws
/// std::invalid_argument naming the architectures it knows for any other, and for `threads`
/// under 1.
DeviceDescription described_device(std::string_view arch, int threads = 1);

/// The architectures described_device() knows.
std::vector<std::string> described_architectures();

}  // namespace bufreg
