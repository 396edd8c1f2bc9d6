#include <bufreg/cuda_buffer.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <type_traits>

#include "expect_error.hpp"

namespace {

using bufreg::CUDABuffer;
using bufreg::Location;
using bufreg::Precision;
using bufreg::Region;
using bufreg::Slice;
using bufreg::test::throws_with;

TEST(CUDABuffer, KeepsWhatItWasGiven) {
  const CUDABuffer buffer("stage", 40, Location::local, true, "state", Precision::float64);
  EXPECT_EQ(buffer.name(), "stage");
  EXPECT_EQ(buffer.size(), 40u);
  EXPECT_EQ(buffer.location(), Location::local);
  EXPECT_TRUE(buffer.persistent());
  EXPECT_EQ(buffer.aliases(), "state");
  EXPECT_EQ(buffer.precision(), Precision::float64);
  EXPECT_EQ(buffer.bytes(), 320u);
}

TEST(CUDABuffer, DefaultsAreNonPersistentUnaliasedFloat32) {
  const CUDABuffer buffer("x", 3, Location::shared);
  EXPECT_FALSE(buffer.persistent());
  EXPECT_FALSE(buffer.aliases().has_value());
  EXPECT_EQ(buffer.precision(), Precision::float32);
  EXPECT_EQ(buffer.bytes(), 12u);
}

TEST(CUDABuffer, LocationPredicatesPartitionTheThreeArenas) {
  const CUDABuffer shared("a", 1, Location::shared);
  const CUDABuffer persistent("b", 1, Location::local, true);
  const CUDABuffer local("c", 1, Location::local, false);
  EXPECT_TRUE(shared.is_shared());
  EXPECT_FALSE(shared.is_persistent_local());  // persistence only applies to local buffers
  EXPECT_FALSE(shared.is_local());
  EXPECT_EQ(shared.home_region(), Region::shared);
  EXPECT_TRUE(persistent.is_persistent_local());
  EXPECT_FALSE(persistent.is_local());
  EXPECT_EQ(persistent.home_region(), Region::persistent);
  EXPECT_TRUE(local.is_local());
  EXPECT_EQ(local.home_region(), Region::local);
}

TEST(CUDABuffer, LocalArenaReservesAtLeastOneElement) {
  const CUDABuffer empty("e", 0, Location::local, false, std::nullopt, Precision::float64);
  EXPECT_EQ(empty.bytes(), 0u);
  EXPECT_EQ(empty.bytes_in(Region::local), 8u);
  EXPECT_EQ(empty.bytes_in(Region::shared), 0u);
  EXPECT_EQ(empty.bytes_in(Region::persistent), 0u);
}

TEST(CUDABuffer, BuildAllocatorTakesSharedThenPersistentThenLocal) {
  const CUDABuffer buffer("x", 4, Location::local, false, std::nullopt, Precision::int32);
  const Slice a{16, 32}, b{32, 48}, c{0, 16};
  const auto shared = buffer.build_allocator(a, b, c);
  EXPECT_EQ(shared.region, Region::shared);
  EXPECT_EQ(shared.offset, 16u);
  const auto persistent = buffer.build_allocator(std::nullopt, b, c, true);
  EXPECT_EQ(persistent.region, Region::persistent);
  EXPECT_EQ(persistent.offset, 32u);
  EXPECT_TRUE(persistent.zero);
  const auto local = buffer.build_allocator(std::nullopt, std::nullopt, c);
  EXPECT_EQ(local.region, Region::local);
  EXPECT_EQ(local.offset, 0u);
  EXPECT_EQ(local.bytes(), 16u);
  EXPECT_EQ(local.count, 4u);
  EXPECT_EQ(local.precision, Precision::int32);
  EXPECT_FALSE(local.zero);
  EXPECT_EQ(bufreg::buffer_name(local.name_id), "x");
}

TEST(CUDABuffer, AllocatorIsSmallPlainData) {
  static_assert(std::is_trivially_copyable_v<bufreg::Allocator>);
  static_assert(std::is_standard_layout_v<bufreg::Allocator>);
  EXPECT_EQ(sizeof(bufreg::Allocator), 32u);
}

TEST(CUDABuffer, BuildAllocatorRejectsMissingOrWrongSlices) {
  const CUDABuffer buffer("x", 4, Location::shared);
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] { buffer.build_allocator(std::nullopt, std::nullopt, std::nullopt); },
      {"'x'", "no slice"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        buffer.build_allocator(Slice{0, 12}, std::nullopt, std::nullopt);
      },
      {"'x'", "[0, 12)", "16 bytes"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [&] {
        buffer.build_allocator(Slice{20, 4}, std::nullopt, std::nullopt);
      },
      {"'x'"}));
}

TEST(CUDABuffer, RejectsInvalidDescriptionsNamingTheBuffer) {
  EXPECT_TRUE(throws_with<std::invalid_argument>([] { CUDABuffer("", 1, Location::shared); },
                                                 {"name must not be empty"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { CUDABuffer("a", 1, Location::shared, false, "a"); }, {"'a'", "cannot alias itself"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { CUDABuffer("a", 1, Location::shared, false, ""); }, {"'a'", "must not be empty"}));
  const std::size_t huge = std::numeric_limits<std::size_t>::max() / 4 + 1;
  EXPECT_TRUE(throws_with<std::invalid_argument>([&] { CUDABuffer("a", huge, Location::shared); },
                                                 {"'a'", "overflow"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { CUDABuffer("a", 1, Location::shared, false, std::nullopt, static_cast<Precision>(9)); },
      {"'a'", "precision 9"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { CUDABuffer("a", 1, static_cast<Location>(7)); }, {"'a'", "location 7"}));
}

TEST(CUDABuffer, LargestRepresentableSizeIsAccepted) {
  const std::size_t most = std::numeric_limits<std::size_t>::max() / 8;
  EXPECT_EQ(
      CUDABuffer("a", most, Location::shared, false, std::nullopt, Precision::float64).bytes(),
      most * 8);
}

TEST(CUDABuffer, RefusesAPersistentSharedBuffer) {
  // Shared memory lives for one launch: a persistent shared buffer would lose its data silently.
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      [] { CUDABuffer("carry", 4, Location::shared, true); },
      {"bufreg: buffer 'carry': is persistent, but shared memory does not survive the launch"}));
  EXPECT_TRUE(CUDABuffer("carry", 4, Location::local, true).persistent());
}

TEST(CUDABuffer, EqualityComparesEveryField) {
  const CUDABuffer a("a", 1, Location::shared);
  EXPECT_EQ(a, CUDABuffer("a", 1, Location::shared));
  EXPECT_NE(a, CUDABuffer("a", 2, Location::shared));
  EXPECT_NE(a, CUDABuffer("a", 1, Location::local));
  EXPECT_NE(CUDABuffer("a", 1, Location::local), CUDABuffer("a", 1, Location::local, true));
  EXPECT_NE(a, CUDABuffer("a", 1, Location::shared, false, "b"));
  EXPECT_NE(a, CUDABuffer("a", 1, Location::shared, false, std::nullopt, Precision::int32));
}

}  // namespace
