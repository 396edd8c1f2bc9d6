#pragma once
// Test programs of a CUDA build need a GPU: Kokkos::initialize aborts without one. They ask
// first and, where none is, exit with ctest's skip code after one line that says why.
#include <Kokkos_Core.hpp>

#include <cstdio>

#if defined(KOKKOS_ENABLE_CUDA)
#include <cuda_runtime_api.h>
#endif

namespace bufreg_test {

/// The exit code ctest's SKIP_RETURN_CODE reads as "skipped".
inline constexpr int skipped_exit_code = 77;

/// False, after printing why, when this build's Kokkos needs a GPU and none is visible.
inline bool gpu_present_or_not_needed(const char* program) {
#if defined(KOKKOS_ENABLE_CUDA)
  int devices = 0;
  const cudaError_t error = cudaGetDeviceCount(&devices);
  if (error != cudaSuccess || devices == 0) {
    std::printf("%s: skipped: a CUDA build, and no GPU is visible here (%s)\n", program,
                error != cudaSuccess ? cudaGetErrorString(error) : "no CUDA devices");
    return false;
  }
#else
  (void)program;
#endif
  return true;
}

}  // namespace bufreg_test
