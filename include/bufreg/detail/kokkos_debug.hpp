#pragma once
/// \file
/// Device-side failure reporting of the Kokkos layer. Private to bufreg.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>

/// Debug checks in kernels: on with BUFREG_ENABLE_DEBUG (CMake option) or KOKKOS_ENABLE_DEBUG.
#if defined(BUFREG_ENABLE_DEBUG) || defined(KOKKOS_ENABLE_DEBUG)
#define BUFREG_IMPL_DEBUG 1
#else
#define BUFREG_IMPL_DEBUG 0
#endif

#if KOKKOS_VERSION >= 40200
#define BUFREG_IMPL_PRINTF Kokkos::printf
#else
#define BUFREG_IMPL_PRINTF printf
#endif

namespace bufreg::detail {

/// Width of one row of the device copy of the buffer-name table; longer names are cut.
inline constexpr std::size_t device_name_width = 48;

/// A table of interned buffer names in device memory (debug builds only).
struct DeviceNames {
  const char* rows = nullptr;
  std::uint32_t count = 0;

  KOKKOS_INLINE_FUNCTION const char* operator[](std::uint32_t id) const {
    return id < count ? rows + static_cast<std::size_t>(id) * device_name_width
                      : "<name table not loaded>";
  }
};

/// Prints "bufreg: buffer '<name>': <problem>" (to stderr on the host) and aborts the kernel.
KOKKOS_INLINE_FUNCTION void buffer_abort(const DeviceNames& names, std::uint32_t name_id,
                                         const char* problem) {
#if defined(__CUDA_ARCH__) || defined(__HIP_DEVICE_COMPILE__)
  BUFREG_IMPL_PRINTF("bufreg: buffer '%s': %s\n", names[name_id], problem);
#else
  std::fprintf(stderr, "bufreg: buffer '%s': %s\n", names[name_id], problem);
#endif
  Kokkos::abort("bufreg: invalid buffer access (see the message above)");
}

}  // namespace bufreg::detail
