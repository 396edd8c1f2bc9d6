#pragma once
/// \file
/// Teaches bufreg Kokkos' half-precision type, where it is a real 16-bit type.

#include <Kokkos_Core.hpp>

#include <type_traits>

#include <bufreg/precision.hpp>

namespace bufreg {

/// `Kokkos::Experimental::half_t` maps to Precision::float16 when it is a 2-byte type (CUDA,
/// and host backends from Kokkos 4). On Kokkos 3 host backends it is `float`, and float16
/// buffers are addressed through bufreg::Float16Bits.
template <class T>
struct PrecisionOf<T, std::enable_if_t<std::is_same_v<T, Kokkos::Experimental::half_t> &&
                                       !std::is_same_v<T, float> && sizeof(T) == 2>> {
  static constexpr Precision value = Precision::float16;
};

}  // namespace bufreg
