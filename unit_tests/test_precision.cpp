#include <bufreg/precision.hpp>

#include <gtest/gtest.h>

#include <cstdint>

namespace {

using bufreg::Precision;

TEST(Precision, ElementSizesAreTheTypeWidths) {
  EXPECT_EQ(bufreg::element_size(Precision::float16), 2u);
  EXPECT_EQ(bufreg::element_size(Precision::float32), 4u);
  EXPECT_EQ(bufreg::element_size(Precision::float64), 8u);
  EXPECT_EQ(bufreg::element_size(Precision::int32), 4u);
  EXPECT_EQ(bufreg::element_size(Precision::int64), 8u);
  EXPECT_EQ(bufreg::element_size(Precision::uint8), 1u);
}

TEST(Precision, CxxTypesMapToTheirPrecision) {
  static_assert(bufreg::precision_of<float>() == Precision::float32);
  static_assert(bufreg::precision_of<const double>() == Precision::float64);
  static_assert(bufreg::precision_of<std::int32_t>() == Precision::int32);
  static_assert(bufreg::precision_of<std::int64_t>() == Precision::int64);
  static_assert(bufreg::precision_of<std::uint8_t>() == Precision::uint8);
  static_assert(bufreg::precision_of<bufreg::float16>() == Precision::float16);
  EXPECT_EQ(sizeof(bufreg::float16), bufreg::element_size(Precision::float16));
}

TEST(Precision, NamesAreTheEnumerators) {
  EXPECT_EQ(bufreg::to_string(Precision::float16), "float16");
  EXPECT_EQ(bufreg::to_string(Precision::uint8), "uint8");
  EXPECT_EQ(bufreg::to_string(static_cast<Precision>(99)), "<invalid precision>");
}

}  // namespace
