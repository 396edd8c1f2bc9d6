#include <bufreg/allocator.hpp>
#include <bufreg/location.hpp>

#include <gtest/gtest.h>

#include <stdexcept>

namespace {

using bufreg::Location;

TEST(Location, ParsesSharedAndLocal) {
  EXPECT_EQ(bufreg::parse_location("shared"), Location::shared);
  EXPECT_EQ(bufreg::parse_location("local"), Location::local);
  EXPECT_EQ(bufreg::to_string(Location::shared), "shared");
  EXPECT_EQ(bufreg::to_string(bufreg::Region::persistent), "persistent");
}

TEST(Location, RejectsAnythingElseQuotingIt) {
  for (const char* text : {"", "Shared", "global", "local ", "persistent"}) {
    try {
      bufreg::parse_location(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(std::string("'") + text + "'"), std::string::npos)
          << error.what();
    }
  }
}

}  // namespace
