// The text form of ModelParameters (to_text / parse_model_parameters): what bufreg_calibrate
// writes must read back, and a malformed entry must be refused by line.
#include <bufreg/core.hpp>

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "expect_error.hpp"

namespace {

using bufreg::ModelParameters;
using bufreg::parse_model_parameters;
using bufreg::test::throws_with;

TEST(ModelParametersText, RoundTrips) {
  ModelParameters parameters;
  parameters.arch = "sm_90";
  parameters.source = "fitted by hand, for this test";
  parameters.on_chip_local_bytes = 1234;
  parameters.shared_bytes_per_thread_max = 4096;
  parameters.shared_bytes_per_block_target = 49152;
  parameters.spill_cost = 7.25;
  parameters.saturating_threads = 96;
  const ModelParameters read = parse_model_parameters(bufreg::to_text(parameters));
  EXPECT_EQ(read.arch, "sm_90");
  EXPECT_EQ(read.source, "fitted by hand, for this test");
  EXPECT_EQ(read.on_chip_local_bytes, 1234u);
  EXPECT_EQ(read.shared_bytes_per_thread_max, 4096u);
  EXPECT_EQ(read.shared_bytes_per_block_target, 49152u);
  EXPECT_EQ(read.spill_cost, 7.25);
  EXPECT_EQ(read.saturating_threads, 96);
}

TEST(ModelParametersText, CommentsBlankLinesAndLeftOutKeys) {
  const ModelParameters read =
      parse_model_parameters("# calibrated\n\n  spill_cost = 3  # per access\r\n");
  EXPECT_EQ(read.spill_cost, 3);
  EXPECT_EQ(read.on_chip_local_bytes, ModelParameters{}.on_chip_local_bytes);
  EXPECT_EQ(read.arch, ModelParameters{}.arch);
}

TEST(ModelParametersText, RefusesMalformedLinesByNumber) {
  const auto parse = [](std::string text) { return [text] { parse_model_parameters(text); }; };
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("arch = sm_90\nregisters = 64\n"),
      {"bufreg: model parameters, line 2", "unknown key 'registers'"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("spill_cost 4\n"), {"bufreg: model parameters, line 1", "needs `key = value`"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("spill_cost = 4\n# again\nspill_cost = 5\n"),
      {"bufreg: model parameters, line 3", "gives spill_cost again"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("on_chip_local_bytes = 2k\n"),
      {"bufreg: model parameters, line 1", "needs a whole number of bytes"}));
  EXPECT_TRUE(
      throws_with<std::invalid_argument>(parse("on_chip_local_bytes = 99999999999999999999999\n"),
                                         {"bufreg: model parameters, line 1", "is out of range"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("spill_cost = 0.5\n"),
      {"bufreg: model parameters, line 1", "needs a finite number of at least 1"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("spill_cost = nan\n"), {"bufreg: model parameters, line 1", "needs a finite number"}));
  EXPECT_TRUE(throws_with<std::invalid_argument>(
      parse("saturating_threads = 32.5\n"),
      {"bufreg: model parameters, line 1", "needs a whole number of threads"}));
}

}  // namespace
