// The occupancy and traffic model: team sizes, residency and spills computed exactly from a
// device's published limits (the parameters' text form: test_model_parameters_text.cpp).
#include <bufreg/core.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using bufreg::described_device;
using bufreg::Estimate;
using bufreg::Footprint;
using bufreg::KernelShape;
using bufreg::PlacementModel;

Footprint level0(std::size_t per_thread) {
  Footprint footprint;
  footprint.shared_bytes = per_thread;
  footprint.shared_traffic = static_cast<double>(per_thread);
  return footprint;
}

TEST(PlacementModel, TeamSizeIsTheLargestWholeWarpsWithinTheLevel0Target) {
  const PlacementModel model = PlacementModel::for_device(described_device("sm_89"));
  const KernelShape shape;  // 256 threads, 64 registers
  // No level 0: 256 threads; 64 registers make 2048 per warp, so 32 warps (4 blocks) per SM.
  Estimate estimate = model.estimate(level0(0), shape);
  EXPECT_EQ(estimate.team_size, 256);
  EXPECT_EQ(estimate.resident_threads, 1024);
  // 200 B per thread: 163 threads fit 32 KiB, 160 in whole warps; 3 blocks of 33024 B per SM.
  estimate = model.estimate(level0(200), shape);
  EXPECT_EQ(estimate.team_size, 160);
  EXPECT_EQ(estimate.resident_threads, 480);
  // 1 KiB per thread: 32 threads, 3 blocks.
  estimate = model.estimate(level0(1024), shape);
  EXPECT_EQ(estimate.team_size, 32);
  EXPECT_EQ(estimate.resident_threads, 96);
  EXPECT_EQ(estimate.residency, 1.0);
  // 8 KiB per thread: 4 threads, 3 blocks: 12 resident, fewer than the 36 that hide latency.
  estimate = model.estimate(level0(8192), shape);
  EXPECT_EQ(estimate.team_size, 4);
  EXPECT_EQ(estimate.resident_threads, 12);
  EXPECT_DOUBLE_EQ(estimate.residency, 12.0 / 36);
  EXPECT_DOUBLE_EQ(estimate.time, 8192 / (12.0 / 36));
}

TEST(PlacementModel, HardLimitsAreExact) {
  const PlacementModel model = PlacementModel::for_device(described_device("sm_89"));
  const std::size_t optin = model.device.shared_bytes_per_block_optin;  // 99 KiB
  Estimate estimate = model.estimate(level0(optin), {});
  EXPECT_TRUE(estimate.fits);
  EXPECT_EQ(estimate.team_size, 1);
  EXPECT_EQ(estimate.resident_threads, 1);  // 99 KiB + the 1 KiB reserve fill the 100 KiB
  Footprint team_bytes = level0(optin - 64);
  team_bytes.team_shared_bytes = 65;
  for (const Footprint& over : {level0(optin + 1), team_bytes}) {
    estimate = model.estimate(over, {});
    EXPECT_FALSE(estimate.fits);
    EXPECT_NE(estimate.limit.find("above the device's 99.0 KiB (101376 B)"), std::string::npos)
        << estimate.limit;
  }
  // Registers are allocated per warp in units of 256: 65 registers take 2304 per warp, so 28
  // warps (3 blocks of 8) fit where 64 registers let 32 (4 blocks) in.
  EXPECT_EQ(model.estimate(level0(0), {256, 65}).resident_threads, 768);
  EXPECT_EQ(model.estimate(level0(0), {512, 128}).resident_threads, 512);
  estimate = model.estimate(level0(0), {1024, 128});
  EXPECT_FALSE(estimate.fits);
  EXPECT_EQ(estimate.limit, "no block of 1024 threads fits a multiprocessor");
  estimate = model.estimate(level0(0), {256, 256});
  EXPECT_FALSE(estimate.fits);
  EXPECT_EQ(estimate.limit, "256 registers per thread, above 255");
}

TEST(PlacementModel, ThreadPrivateBytesPastTheOnChipShareSpill) {
  const PlacementModel model = PlacementModel::for_device(described_device("sm_90"));
  Footprint footprint;
  footprint.local_bytes = 7168;  // twice the 3.5 KiB that stays on chip
  footprint.local_traffic = 7168;
  footprint.global_traffic = 100;
  const Estimate estimate = model.estimate(footprint, {});
  EXPECT_EQ(estimate.spilled_bytes, 3584u);
  EXPECT_DOUBLE_EQ(estimate.spilled_fraction, 0.5);
  EXPECT_DOUBLE_EQ(estimate.on_chip_traffic, 3584);
  EXPECT_DOUBLE_EQ(estimate.off_chip_traffic, 3684);
  EXPECT_DOUBLE_EQ(estimate.time, 3584 + 4 * 3684);
  footprint.local_bytes = 3584;
  EXPECT_EQ(model.estimate(footprint, {}).spilled_fraction, 0);
}

TEST(PlacementModel, OnTheHostNothingSpillsAndATeamIsOneThreadAtATime) {
  const PlacementModel model = PlacementModel::for_device(described_device("host", 8));
  Footprint footprint = level0(1 << 20);
  footprint.local_bytes = 1 << 20;
  footprint.local_traffic = 1 << 20;
  const Estimate estimate = model.estimate(footprint, {});
  EXPECT_TRUE(estimate.fits);
  EXPECT_EQ(estimate.team_size, 1);
  EXPECT_EQ(estimate.spilled_fraction, 0);
  EXPECT_DOUBLE_EQ(estimate.time, 2 << 20);
}

TEST(PlacementModel, ResidencyAtTheSharedBoundIsWhatHidesLatency) {
  // 2.5 KiB per thread under a 32 KiB block: 12 threads, and as many blocks as fit an SM.
  EXPECT_EQ(PlacementModel::for_device(described_device("sm_89")).parameters.saturating_threads,
            36);  // 3 blocks of 31 KiB in 100 KiB
  EXPECT_EQ(PlacementModel::for_device(described_device("sm_80")).parameters.saturating_threads,
            60);  // 5 in 164 KiB
  EXPECT_EQ(PlacementModel::for_device(described_device("sm_90")).parameters.saturating_threads,
            84);  // 7 in 228 KiB
  EXPECT_EQ(bufreg::ModelParameters{}.saturating_threads, 36);
}

TEST(PlacementModel, DevicesCarryTheirPublishedLimits) {
  EXPECT_EQ(described_device("sm_80").shared_bytes_per_block_optin, 166912u);
  EXPECT_EQ(described_device("sm_89").max_threads_per_multiprocessor, 1536);
  EXPECT_EQ(described_device("sm_90").shared_bytes_per_multiprocessor, 233472u);
  EXPECT_EQ(described_device("host", 3).multiprocessors, 3);
  for (const std::string& arch : bufreg::described_architectures()) {
    EXPECT_EQ(described_device(arch).arch, arch);
  }
}

}  // namespace
