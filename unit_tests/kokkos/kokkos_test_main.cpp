// The Kokkos tests' main: Kokkos lives for the whole run, as in Kokkos' own unit tests.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include "gpu_or_skip.hpp"

int main(int argc, char* argv[]) {
  ::testing::InitGoogleTest(&argc, argv);
  // Test discovery parses the listing: keep backend start-up messages out of it.
  if (::testing::GTEST_FLAG(list_tests)) return RUN_ALL_TESTS();
  // Death tests re-run the binary instead of forking a process with live backend threads.
  ::testing::GTEST_FLAG(death_test_style) = "threadsafe";
  if (!bufreg_test::gpu_present_or_not_needed(argv[0])) return bufreg_test::skipped_exit_code;
  Kokkos::initialize(argc, argv);
  const int result = RUN_ALL_TESTS();
  Kokkos::finalize();
  return result;
}
