#pragma once
/// \file
/// A 2-byte IEEE half-precision value on every backend: the element type of float16 buffers.

#include <cstdint>
#include <cstring>

#include <bufreg/detail/host_device.hpp>

namespace bufreg {

/// One IEEE 754 binary16 value in 2 bytes, on the host and on devices alike (Kokkos'
/// `half_t` is 4 bytes on Kokkos 4 host builds and `float` on Kokkos 3 hosts). It stores
/// values; arithmetic goes through float, to which it converts exactly:
///
/// \code
/// bufreg::float16 h = 0.1f;      // rounds to the nearest float16, ties to even
/// float twice = 2.0f * h;        // 0.199951171875f
/// \endcode
///
/// From float: round to nearest, ties to even; magnitudes from 65520 on become infinity;
/// subnormal float16 values are produced and read exactly; a NaN stays a NaN (made quiet, its
/// payload's top bits kept). `float16{}` is +0; trivially copyable.
class float16 {
 public:
  float16() = default;
  BUFREG_HOST_DEVICE float16(float value) : m_bits(from_float(value)) {}
  BUFREG_HOST_DEVICE operator float() const { return to_float(m_bits); }

  /// The value whose IEEE binary16 encoding is `bits`, and back.
  BUFREG_HOST_DEVICE static constexpr float16 from_bits(std::uint16_t bits) {
    return float16(bits, Bits{});
  }
  BUFREG_HOST_DEVICE constexpr std::uint16_t bits() const { return m_bits; }

 private:
  struct Bits {};
  BUFREG_HOST_DEVICE constexpr float16(std::uint16_t bits, Bits) : m_bits(bits) {}

  /// `bits` plus one where the `rest` cut off is over half a unit, or exactly half and `bits`
  /// odd: round to nearest, ties to even. A carry moves into the exponent, as it should.
  BUFREG_HOST_DEVICE static std::uint32_t rounded(std::uint32_t bits, std::uint32_t rest,
                                                  std::uint32_t half) {
    return bits + static_cast<std::uint32_t>(rest > half || (rest == half && (bits & 1u) != 0));
  }

  BUFREG_HOST_DEVICE static std::uint16_t from_float(float value) {
    std::uint32_t x;
    std::memcpy(&x, &value, sizeof x);
    const std::uint32_t sign = (x >> 16) & 0x8000u;
    const std::uint32_t magnitude = x & 0x7fffffffu;
    std::uint32_t bits;
    if (magnitude > 0x7f800000u) {
      bits = 0x7e00u | ((magnitude >> 13) & 0x3ffu);  // NaN, quiet
    } else if (magnitude >= 0x477ff000u) {
      bits = 0x7c00u;  // infinity, and every float from 65520 (half-way past 65504) on
    } else if (magnitude >= 0x38800000u) {
      // Normal (from 2^-14): rebias the exponent (127 - 15 = 112), keep 10 significand bits.
      bits = rounded((magnitude >> 13) - (112u << 10), magnitude & 0x1fffu, 0x1000u);
    } else if (magnitude > 0x33000000u) {
      // Subnormal: the significand, implicit bit included, in units of 2^-24.
      const std::uint32_t significand = (magnitude & 0x7fffffu) | 0x800000u;
      const std::uint32_t shift = 126u - (magnitude >> 23);  // 14 to 24
      bits = rounded(significand >> shift, significand & ((1u << shift) - 1u), 1u << (shift - 1u));
    } else {
      bits = 0;  // at most 2^-25, half the smallest subnormal: the tie goes to even zero
    }
    return static_cast<std::uint16_t>(sign | bits);
  }

  BUFREG_HOST_DEVICE static float to_float(std::uint16_t half) {
    const std::uint32_t h = half;
    const std::uint32_t sign = (h & 0x8000u) << 16;
    const std::uint32_t exponent = (h >> 10) & 0x1fu;
    std::uint32_t significand = h & 0x3ffu;
    std::uint32_t x;
    if (exponent == 0x1fu) {
      x = sign | 0x7f800000u | (significand << 13);  // infinity, NaN with its payload
    } else if (exponent != 0) {
      x = sign | ((exponent + 112u) << 23) | (significand << 13);
    } else if (significand == 0) {
      x = sign;
    } else {
      // Subnormal: normal as a float; shift the leading 1 into the implicit bit.
      std::uint32_t float_exponent = 113u;
      while ((significand & 0x400u) == 0) {
        significand <<= 1;
        --float_exponent;
      }
      x = sign | (float_exponent << 23) | ((significand & 0x3ffu) << 13);
    }
    float value;
    std::memcpy(&value, &x, sizeof value);
    return value;
  }

  std::uint16_t m_bits;
};

}  // namespace bufreg
