#pragma once
/// \file
/// Teaches bufreg Kokkos' half-precision type, where it is a real 16-bit type.

#include <Kokkos_Core.hpp>

#include <type_traits>

#include <bufreg/precision.hpp>

namespace bufreg {

/// `Kokkos::Experimental::half_t` maps to Precision::float16 where it is a 2-byte type (CUDA,
/// HIP). Where it is not (Kokkos 4 host backends: 4 bytes), using it for a buffer does not
/// compile: its elements would be twice a float16's. On Kokkos 3 host backends `half_t` is
/// `float` itself, a float32. bufreg::float16 is 2 bytes everywhere.
template <class T>
struct PrecisionOf<T, std::enable_if_t<std::is_same_v<T, Kokkos::Experimental::half_t> &&
                                       !std::is_same_v<T, float>>> {
  static_assert(sizeof(T) == 2,
                "bufreg: Kokkos::Experimental::half_t is not 2 bytes on this backend, so it "
                "cannot hold the elements of a float16 buffer: use bufreg::float16");
  static constexpr Precision value = Precision::float16;
};

}  // namespace bufreg
