#pragma once
/// \file
/// The DeviceDescription of the device an execution space runs on, read at run time.

#include <Kokkos_Core.hpp>

#include <stdexcept>
#include <string>

#include <bufreg/device_description.hpp>
#include <bufreg/placement_model.hpp>

#if defined(KOKKOS_ENABLE_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace bufreg {

/// A CPU backend's description: described_device("host", space.concurrency()).
template <class ExecutionSpace>
DeviceDescription device_description(const ExecutionSpace& space) {
  return described_device("host", space.concurrency());
}

#if defined(KOKKOS_ENABLE_CUDA)
/// The GPU `space` runs on, from `cudaGetDeviceProperties`; the L1 size, which CUDA does not
/// report, from described_device() where it knows the architecture (else 0). Throws
/// std::runtime_error with CUDA's message when the properties cannot be read.
inline DeviceDescription device_description(const Kokkos::Cuda& space) {
  cudaDeviceProp properties;
  const cudaError_t status = cudaGetDeviceProperties(&properties, space.cuda_device());
  if (status != cudaSuccess) {
    throw std::runtime_error(std::string("bufreg: cannot read the GPU's properties: ") +
                             cudaGetErrorString(status));
  }
  DeviceDescription device;
  device.arch = "sm_" + std::to_string(properties.major * 10 + properties.minor);
  device.name = std::string(properties.name) + " (" + device.arch + ")";
  device.warp_size = properties.warpSize;
  device.multiprocessors = properties.multiProcessorCount;
  device.shared_bytes_per_multiprocessor = properties.sharedMemPerMultiprocessor;
  device.shared_bytes_per_block = properties.sharedMemPerBlock;
  device.shared_bytes_per_block_optin = properties.sharedMemPerBlockOptin;
  device.reserved_shared_bytes_per_block = properties.reservedSharedMemPerBlock;
  device.registers_per_multiprocessor = static_cast<std::size_t>(properties.regsPerMultiprocessor);
  device.max_registers_per_thread = 255;
  device.max_threads_per_multiprocessor = properties.maxThreadsPerMultiProcessor;
  device.max_blocks_per_multiprocessor = properties.maxBlocksPerMultiProcessor;
  device.max_threads_per_block = properties.maxThreadsPerBlock;
  device.l2_bytes = static_cast<std::size_t>(properties.l2CacheSize);
  for (const std::string& known : described_architectures()) {
    if (known == device.arch) {
      device.l1_bytes_per_multiprocessor = described_device(known).l1_bytes_per_multiprocessor;
    }
  }
  return device;
}
#endif

/// The model for the device `space` runs on, with its default parameters (see
/// default_model_parameters).
template <class ExecutionSpace>
PlacementModel placement_model(const ExecutionSpace& space) {
  return PlacementModel::for_device(device_description(space));
}

}  // namespace bufreg
