#pragma once
/// \file
/// Element types a buffer can hold, and the mapping from C++ types to them.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

#include <bufreg/detail/host_device.hpp>
#include <bufreg/float16.hpp>

namespace bufreg {

/// The element type of a buffer. Sizes are counted in elements of this type.
enum class Precision : std::uint8_t { float16, float32, float64, int32, int64, uint8 };

/// Bytes per element: 2, 4, 8, 4, 8, 1.
BUFREG_HOST_DEVICE constexpr std::size_t element_size(Precision precision) {
  switch (precision) {
    case Precision::float16:
      return 2;
    case Precision::float32:
      return 4;
    case Precision::float64:
      return 8;
    case Precision::int32:
      return 4;
    case Precision::int64:
      return 8;
    case Precision::uint8:
      return 1;
  }
  return 0;  // unreachable for valid enumerators
}

/// "float16", "float32", ... (for messages, tables and JSON).
std::string_view to_string(Precision precision);

/// Maps a C++ element type to its Precision. Specialise it to teach bufreg a new 2-, 4- or
/// 8-byte type (the Kokkos layer does so for `Kokkos::Experimental::half_t` where that is 2
/// bytes). `float16` buffers hold bufreg::float16.
template <class T, class Enable = void>
struct PrecisionOf {
  static_assert(sizeof(T) == 0, "bufreg: no Precision is known for this element type");
};
template <>
struct PrecisionOf<float16> {
  static constexpr Precision value = Precision::float16;
};
template <>
struct PrecisionOf<float> {
  static constexpr Precision value = Precision::float32;
};
template <>
struct PrecisionOf<double> {
  static constexpr Precision value = Precision::float64;
};
template <>
struct PrecisionOf<std::int32_t> {
  static constexpr Precision value = Precision::int32;
};
template <>
struct PrecisionOf<std::int64_t> {
  static constexpr Precision value = Precision::int64;
};
template <>
struct PrecisionOf<std::uint8_t> {
  static constexpr Precision value = Precision::uint8;
};

/// `precision_of<double>() == Precision::float64`; const-qualified types map like their base.
template <class T>
constexpr Precision precision_of() {
  return PrecisionOf<std::remove_cv_t<T>>::value;
}

}  // namespace bufreg
