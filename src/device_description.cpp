#include <bufreg/detail/messages.hpp>
#include <bufreg/device_description.hpp>

#include <limits>
#include <stdexcept>
#include <string>

namespace bufreg {
namespace {

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * KiB;

// CUDA C++ Programming Guide, "Compute Capabilities" (technical specifications per compute
// capability) and the architecture tuning guides; SM counts and L2 of the named cards.
DeviceDescription gpu(std::string name, std::string arch, int multiprocessors,
                      std::size_t shared_per_multiprocessor, std::size_t shared_optin,
                      int max_threads_per_multiprocessor, int max_blocks_per_multiprocessor,
                      std::size_t l1, std::size_t l2) {
  DeviceDescription device;
  device.name = std::move(name);
  device.arch = std::move(arch);
  device.warp_size = 32;
  device.multiprocessors = multiprocessors;
  device.shared_bytes_per_multiprocessor = shared_per_multiprocessor;
  device.shared_bytes_per_block = 48 * KiB;
  device.shared_bytes_per_block_optin = shared_optin;
  device.reserved_shared_bytes_per_block = 1 * KiB;
  device.registers_per_multiprocessor = 64 * 1024;
  device.max_registers_per_thread = 255;
  device.max_threads_per_multiprocessor = max_threads_per_multiprocessor;
  device.max_blocks_per_multiprocessor = max_blocks_per_multiprocessor;
  device.max_threads_per_block = 1024;
  device.l1_bytes_per_multiprocessor = l1;
  device.l2_bytes = l2;
  return device;
}

}  // namespace

DeviceDescription described_device(std::string_view arch, int threads) {
  if (threads < 1) {
    throw std::invalid_argument("bufreg: a device description needs 1 thread or more, not " +
                                std::to_string(threads));
  }
  if (arch == "sm_80") {
    return gpu("NVIDIA A100 (sm_80)", "sm_80", 108, 164 * KiB, 163 * KiB, 2048, 32, 192 * KiB,
               40 * MiB);
  }
  if (arch == "sm_89") {
    return gpu("NVIDIA GeForce RTX 4070 SUPER (sm_89)", "sm_89", 56, 100 * KiB, 99 * KiB, 1536, 24,
               128 * KiB, 48 * MiB);
  }
  if (arch == "sm_90") {
    return gpu("NVIDIA H100 SXM5 (sm_90)", "sm_90", 132, 228 * KiB, 227 * KiB, 2048, 32, 256 * KiB,
               50 * MiB);
  }
  if (arch == "host") {
    // Kokkos' host scratch is heap memory: no limit a placement could run into.
    constexpr std::size_t unlimited = std::numeric_limits<std::size_t>::max() / 4;
    DeviceDescription host;
    host.name = "host (" + std::to_string(threads) + " threads)";
    host.arch = "host";
    host.warp_size = 1;
    host.multiprocessors = threads;
    host.shared_bytes_per_multiprocessor = unlimited;
    host.shared_bytes_per_block = unlimited;
    host.shared_bytes_per_block_optin = unlimited;
    host.max_registers_per_thread = 0;
    host.max_threads_per_multiprocessor = 1;
    host.max_blocks_per_multiprocessor = 1;
    host.max_threads_per_block = 1;
    return host;
  }
  std::string known;
  for (const std::string& name : described_architectures()) known += " " + name;
  throw std::invalid_argument("bufreg: no description of device architecture " +
                              detail::quoted(arch) + "; known:" + known);
}

std::vector<std::string> described_architectures() { return {"sm_80", "sm_89", "sm_90", "host"}; }

}  // namespace bufreg
