// BufferGroup::describe() and BufferGroup::to_json().
#include <bufreg/buffer_group.hpp>

#include <gtest/gtest.h>

namespace {

using bufreg::Location;
using bufreg::Precision;

bufreg::BufferGroup sample() {
  bufreg::BufferGroup group;
  group.register_buffer("state", 8, Location::shared, false, {}, Precision::float64);
  group.register_buffer("stage", 4, Location::local, false, "state", Precision::float64,
                        bufreg::LiveInterval{1, 3});
  group.register_buffer("big", 20, Location::shared, false, "state");
  group.register_buffer("h", 1, Location::local, true);
  group.register_buffer("q\"x", 0, Location::local);
  return group;
}

TEST(Describe, OneRowPerBufferThenArenaSizes) {
  EXPECT_EQ(
      sample().describe(),
      "name   location  persistent  aliases  live    arena       offset  bytes  inside parent\n"
      "state  shared    no          -        -       shared           0     64  -\n"
      "stage  local     no          state    [1, 3)  shared           0     32  yes\n"
      "big    shared    no          state    -       shared          64     80  no\n"
      "h      local     yes         -        -       persistent       0      4  -\n"
      "q\"x    local     no          -        -       local            0      4  -\n"
      "planner registration_order; bytes per thread: shared 144 (LOAD 144, 1.000), "
      "persistent 4 (LOAD 4, 1.000), local 4 (LOAD 4, 1.000)\n");
}

TEST(Describe, EmptyGroup) {
  EXPECT_EQ(bufreg::BufferGroup().describe(),
            "name  location  persistent  aliases  live  arena  offset  bytes  inside parent\n"
            "planner registration_order; bytes per thread: shared 0 (LOAD 0, 1.000), persistent 0 "
            "(LOAD 0, 1.000), local 0 (LOAD 0, 1.000)\n");
}

TEST(Describe, ReportsThePlannerAndHowCloseItCameToLoad) {
  bufreg::BufferGroup group(bufreg::LayoutOptions{16, bufreg::Planner::best});
  for (std::size_t stage = 0; stage < 4; ++stage) {
    group.register_buffer("k" + std::to_string(stage), 4, Location::shared, false, {},
                          Precision::float32, bufreg::LiveInterval{stage, stage + 1});
  }
  EXPECT_NE(group.describe().find("planner best; bytes per thread: shared 16 (LOAD 16, 1.000)"),
            std::string::npos)
      << group.describe();
}

TEST(ToJson, CarriesTheLayoutAndEscapesNames) {
  const std::string json = sample().to_json();
  EXPECT_EQ(
      json.rfind("{\"alignment\": 16, \"planner\": \"registration_order\", \"arenas\": "
                 "{\"shared\": {\"bytes\": 144, \"alignment\": 16, \"load\": 144, "
                 "\"peak_over_load\": 1.000}, \"persistent\": {\"bytes\": 4, \"alignment\": "
                 "16, \"load\": 4, \"peak_over_load\": 1.000}, \"local\": {\"bytes\": 4, "
                 "\"alignment\": 16, \"load\": 4, \"peak_over_load\": 1.000}}, \"buffers\": [",
                 0),
      0u)
      << json;
  EXPECT_NE(json.find("{\"name\": \"stage\", \"size\": 4, \"precision\": \"float64\", "
                      "\"location\": \"local\", \"persistent\": false, \"aliases\": \"state\", "
                      "\"live\": [1, 3], \"region\": \"shared\", \"offset\": 0, \"bytes\": 32, "
                      "\"inside_parent\": true}"),
            std::string::npos);
  EXPECT_NE(json.find("\"name\": \"q\\\"x\""), std::string::npos);
  EXPECT_NE(json.find("\"aliases\": null"), std::string::npos);
  EXPECT_EQ(json.substr(json.size() - 2), "]}");
}

}  // namespace
