// The warp-access model against costs worked out by hand.
#include <bufreg/warp_access.hpp>

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "expect_error.hpp"

namespace {

/// Lane i at base + i * stride.
std::vector<std::uint64_t> strided(std::uint64_t stride, std::size_t lanes = 32,
                                   std::uint64_t base = 0) {
  std::vector<std::uint64_t> addresses(lanes);
  for (std::size_t i = 0; i < lanes; ++i) addresses[i] = base + i * stride;
  return addresses;
}

void expect_cost(const bufreg::WarpAccessCost& cost, std::size_t wavefronts,
                 std::size_t ideal_wavefronts, std::size_t sectors, std::size_t ideal_sectors) {
  EXPECT_EQ(cost.wavefronts, wavefronts);
  EXPECT_EQ(cost.ideal_wavefronts, ideal_wavefronts);
  EXPECT_EQ(cost.sectors, sectors);
  EXPECT_EQ(cost.ideal_sectors, ideal_sectors);
}

TEST(WarpAccess, ConsecutiveElementsCostTheIdeal) {
  expect_cost(bufreg::warp_access_cost(strided(4), 4), 1, 1, 4, 4);  // 128 B: one of each bank
  expect_cost(bufreg::warp_access_cost(strided(8), 8), 2, 2, 8, 8);  // 256 B: two words a bank
  expect_cost(bufreg::warp_access_cost(strided(2), 2), 1, 1, 2, 2);  // two lanes per word
  expect_cost(bufreg::warp_access_cost(strided(1), 1), 1, 1, 1, 1);
  expect_cost(bufreg::warp_access_cost(strided(16), 16), 4, 4, 16, 16);
}

TEST(WarpAccess, StridedAccessesConflict) {
  // float32 two words apart: banks 0, 2, 4, ... each hold two distinct words.
  expect_cost(bufreg::warp_access_cost(strided(8), 4), 2, 1, 8, 4);
  // float32 128 bytes apart: every lane in bank 0, each in a sector of its own.
  expect_cost(bufreg::warp_access_cost(strided(128), 4), 32, 1, 32, 4);
  // float32 16 bytes apart: banks 0, 4, ..., 28 hold four words each.
  expect_cost(bufreg::warp_access_cost(strided(16), 4), 4, 1, 16, 4);
  // An odd number of words apart: one word in every bank.
  expect_cost(bufreg::warp_access_cost(strided(12), 4), 1, 1, 12, 4);
}

TEST(WarpAccess, SixtyFourBitAccessesCountBothWords) {
  // Doubles 16 bytes apart: lane i covers words 4i and 4i + 1, so banks 0, 1, 4, 5, ... hold
  // four distinct words each: twice the ideal.
  expect_cost(bufreg::warp_access_cost(strided(16), 8), 4, 2, 16, 8);
  // Doubles 448 bytes (112 words) apart, the ODE kernel's old shared stride: lanes alternate
  // between banks {0, 1} and {16, 17}, 16 distinct words in each.
  expect_cost(bufreg::warp_access_cost(strided(448), 8), 16, 2, 32, 8);
  // An odd number of doubles apart: two words in every bank, the ideal.
  expect_cost(bufreg::warp_access_cost(strided(24), 8), 2, 2, 24, 8);
}

TEST(WarpAccess, BroadcastCostsOneWordAndOneSector) {
  expect_cost(bufreg::warp_access_cost(std::vector<std::uint64_t>(32, 4096), 4), 1, 1, 1, 4);
  expect_cost(bufreg::warp_access_cost(std::vector<std::uint64_t>(32, 4096), 8), 1, 2, 1, 8);
}

TEST(WarpAccess, PartialWarpsHaveSmallerIdeals) {
  expect_cost(bufreg::warp_access_cost(strided(4, 16), 4), 1, 1, 2, 2);
  expect_cost(bufreg::warp_access_cost(strided(8, 1, 8), 8), 1, 1, 1, 1);
  // A misaligned start spreads 32 consecutive floats over five sectors.
  expect_cost(bufreg::warp_access_cost(strided(4, 32, 16), 4), 1, 1, 5, 4);
}

TEST(WarpAccess, RefusesWhatNoWarpCanDo) {
  EXPECT_TRUE(bufreg::test::throws_with<std::invalid_argument>(
      [] { bufreg::warp_access_cost({}, 4); },
      {"bufreg: a warp access needs 1 to 32 lanes, not 0"}));
  EXPECT_TRUE(bufreg::test::throws_with<std::invalid_argument>(
      [] { bufreg::warp_access_cost(strided(4, 33), 4); },
      {"bufreg: a warp access needs 1 to 32 lanes, not 33"}));
  EXPECT_TRUE(bufreg::test::throws_with<std::invalid_argument>(
      [] { bufreg::warp_access_cost(strided(4), 3); },
      {"bufreg: a warp access is 1, 2, 4, 8 or 16 bytes wide, not 3"}));
  EXPECT_TRUE(bufreg::test::throws_with<std::invalid_argument>(
      [] { bufreg::warp_access_cost(strided(4), 8); },
      {"bufreg: lane 1 accesses address 4, not a multiple of its 8-byte width"}));
}

}  // namespace
