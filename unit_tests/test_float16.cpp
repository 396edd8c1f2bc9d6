// bufreg::float16: 2 bytes everywhere, exact to float, rounded to nearest even from float.
#include <bufreg/float16.hpp>
#include <bufreg/precision.hpp>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace {

using bufreg::float16;

float value_of(std::uint16_t bits) { return static_cast<float>(float16::from_bits(bits)); }
std::uint32_t bits_of(float value) { return float16(value).bits(); }
bool is_nan_bits(std::uint32_t bits) { return (bits & 0x7c00u) == 0x7c00u && (bits & 0x3ffu) != 0; }

TEST(Float16, IsTwoBytesOfPlainData) {
  static_assert(sizeof(float16) == 2);
  static_assert(std::is_trivially_copyable_v<float16>);
  static_assert(std::is_trivially_default_constructible_v<float16>);
  static_assert(bufreg::precision_of<float16>() == bufreg::Precision::float16);
  static_assert(float16::from_bits(0x3c00).bits() == 0x3c00);
  EXPECT_EQ(float16{}.bits(), 0u);
  EXPECT_EQ(static_cast<float>(float16{}), 0.0f);
}

TEST(Float16, KnownValues) {
  EXPECT_EQ(bits_of(1.0f), 0x3c00u);
  EXPECT_EQ(bits_of(-2.0f), 0xc000u);
  EXPECT_EQ(bits_of(0.5f), 0x3800u);
  EXPECT_EQ(bits_of(0.1f), 0x2e66u);
  EXPECT_EQ(bits_of(1.0f / 3.0f), 0x3555u);
  EXPECT_EQ(bits_of(65504.0f), 0x7bffu);  // the largest finite float16
  EXPECT_EQ(bits_of(65519.99f), 0x7bffu);
  EXPECT_EQ(bits_of(65520.0f), 0x7c00u);  // half-way to 65536: ties to even, infinity
  EXPECT_EQ(bits_of(1e30f), 0x7c00u);
  EXPECT_EQ(bits_of(std::numeric_limits<float>::infinity()), 0x7c00u);
  EXPECT_EQ(bits_of(-std::numeric_limits<float>::infinity()), 0xfc00u);
  EXPECT_EQ(bits_of(0.0f), 0x0000u);
  EXPECT_EQ(bits_of(-0.0f), 0x8000u);
  EXPECT_EQ(bits_of(std::ldexp(1.0f, -14)), 0x0400u);  // the smallest normal
  EXPECT_EQ(bits_of(std::ldexp(1.0f, -24)), 0x0001u);  // the smallest subnormal
  EXPECT_EQ(bits_of(std::ldexp(1023.0f, -24)), 0x03ffu);
  EXPECT_EQ(bits_of(std::ldexp(1.0f, -25)), 0x0000u);  // a tie: to even zero
  EXPECT_EQ(bits_of(std::ldexp(3.0f, -25)), 0x0002u);  // a tie: to even 2
  EXPECT_EQ(bits_of(std::nextafter(std::ldexp(1.0f, -25), 1.0f)), 0x0001u);
  EXPECT_EQ(bits_of(std::numeric_limits<float>::denorm_min()), 0x0000u);
  EXPECT_EQ(bits_of(1.0f + std::ldexp(1.0f, -11)), 0x3c00u);         // tie: down to even
  EXPECT_EQ(bits_of(1.0f + 3.0f * std::ldexp(1.0f, -11)), 0x3c02u);  // tie: up to even
  EXPECT_EQ(bits_of(2047.0f), 0x67ffu);
  EXPECT_EQ(bits_of(2049.0f), 0x6800u);  // 2048 and 2050 tie: even 2048

  EXPECT_EQ(value_of(0x3555), 0.333251953125f);
  EXPECT_EQ(value_of(0x0001), std::ldexp(1.0f, -24));
  EXPECT_EQ(value_of(0x8001), -std::ldexp(1.0f, -24));
  EXPECT_EQ(value_of(0x03ff), std::ldexp(1023.0f, -24));
  EXPECT_EQ(value_of(0x7bff), 65504.0f);
  EXPECT_EQ(value_of(0x7c00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(value_of(0xfc00), -std::numeric_limits<float>::infinity());
  EXPECT_TRUE(std::isnan(value_of(0x7e00)));
  EXPECT_TRUE(std::isnan(value_of(0x7c01)));  // a signalling NaN too
  EXPECT_TRUE(std::signbit(value_of(0x8000)));
}

TEST(Float16, NaNsStayNaNs) {
  EXPECT_TRUE(is_nan_bits(bits_of(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(is_nan_bits(bits_of(std::numeric_limits<float>::signaling_NaN())));
  EXPECT_TRUE(is_nan_bits(bits_of(-std::numeric_limits<float>::quiet_NaN())));
  // A float NaN whose payload sits below the 10 bits float16 keeps is still a NaN.
  EXPECT_TRUE(is_nan_bits(float16(value_of(0x7c01)).bits()));
}

// Every float16 converts to a float and back to itself; each NaN to a NaN of its sign.
TEST(Float16, EveryBitPatternRoundTrips) {
  for (std::uint32_t bits = 0; bits <= 0xffff; ++bits) {
    const auto h = static_cast<std::uint16_t>(bits);
    const float value = value_of(h);
    if (is_nan_bits(h)) {
      ASSERT_TRUE(std::isnan(value)) << std::hex << bits;
      const std::uint32_t back = bits_of(value);
      ASSERT_TRUE(is_nan_bits(back)) << std::hex << bits;
      ASSERT_EQ(back & 0x8000u, h & 0x8000u) << std::hex << bits;
      ASSERT_EQ(back & 0x1ffu, h & 0x1ffu) << std::hex << bits;  // the payload below quiet
    } else {
      ASSERT_EQ(bits_of(value), h) << std::hex << bits << " " << value;
    }
  }
}

// Round to nearest, ties to even, against a reference that knows only the exact float16
// values: at, just below and just above the midpoint of every pair of neighbours, both signs.
TEST(Float16, RoundsToNearestEvenAtEveryMidpoint) {
  for (std::uint32_t low = 0; low < 0x7c00; ++low) {
    const std::uint32_t high = low + 1;
    const double a = value_of(static_cast<std::uint16_t>(low));
    // Past the largest finite value, the next would be 65536: values from 65520 round to inf.
    const double b = high == 0x7c00 ? 65536.0 : value_of(static_cast<std::uint16_t>(high));
    const auto midpoint = static_cast<float>((a + b) / 2);  // 12 significant bits: exact
    ASSERT_EQ(static_cast<double>(midpoint), (a + b) / 2);
    const std::uint32_t even = (low & 1u) == 0 ? low : high;
    for (const std::uint32_t sign : {0u, 0x8000u}) {
      const float s = sign ? -1.0f : 1.0f;
      ASSERT_EQ(bits_of(s * static_cast<float>(a)), sign | low) << std::hex << low;
      ASSERT_EQ(bits_of(s * std::nextafter(midpoint, 0.0f)), sign | low) << std::hex << low;
      ASSERT_EQ(bits_of(s * midpoint), sign | even) << std::hex << low;
      ASSERT_EQ(bits_of(s * std::nextafter(midpoint, 1e30f)), sign | high) << std::hex << low;
    }
  }
}

TEST(Float16, ConvertsImplicitlyForArithmetic) {
  const float16 h = 0.1f;
  const float twice = 2.0f * h;
  EXPECT_EQ(twice, 0.199951171875f);
  EXPECT_TRUE(float16(1.5f) == float16(1.5f));
  EXPECT_FALSE(float16(std::numeric_limits<float>::quiet_NaN()) ==
               float16(std::numeric_limits<float>::quiet_NaN()));
}

}  // namespace
