// BufferGroup::describe() and BufferGroup::to_json().
#include <bufreg/buffer_group.hpp>

#include <gtest/gtest.h>

namespace {

using bufreg::Location;
using bufreg::Precision;

bufreg::BufferGroup sample() {
  bufreg::BufferGroup group;
  group.register_buffer("state", 8, Location::shared, false, {}, Precision::float64);
  group.register_buffer("stage", 4, Location::local, false, "state", Precision::float64);
  group.register_buffer("big", 20, Location::shared, false, "state");
  group.register_buffer("h", 1, Location::local, true);
  group.register_buffer("q\"x", 0, Location::local);
  return group;
}

TEST(Describe, OneRowPerBufferThenArenaSizes) {
  EXPECT_EQ(sample().describe(),
            "name   location  persistent  aliases  arena       offset  bytes  inside parent\n"
            "state  shared    no          -        shared           0     64  -\n"
            "stage  local     no          state    shared           0     32  yes\n"
            "big    shared    no          state    shared          64     80  no\n"
            "h      local     yes         -        persistent       0      4  -\n"
            "q\"x    local     no          -        local            0      4  -\n"
            "arena sizes per thread: shared 144 B, persistent 4 B, local 4 B\n");
}

TEST(Describe, EmptyGroup) {
  EXPECT_EQ(bufreg::BufferGroup().describe(),
            "name  location  persistent  aliases  arena  offset  bytes  inside parent\n"
            "arena sizes per thread: shared 0 B, persistent 0 B, local 0 B\n");
}

TEST(ToJson, CarriesTheLayoutAndEscapesNames) {
  const std::string json = sample().to_json();
  EXPECT_EQ(json.rfind("{\"alignment\": 16, \"arenas\": {\"shared\": {\"bytes\": 144, "
                       "\"alignment\": 16}, \"persistent\": {\"bytes\": 4, \"alignment\": 16}, "
                       "\"local\": {\"bytes\": 4, \"alignment\": 16}}, \"buffers\": [",
                       0),
            0u);
  EXPECT_NE(json.find("{\"name\": \"stage\", \"size\": 4, \"precision\": \"float64\", "
                      "\"location\": \"local\", \"persistent\": false, \"aliases\": \"state\", "
                      "\"region\": \"shared\", \"offset\": 0, \"bytes\": 32, "
                      "\"inside_parent\": true}"),
            std::string::npos);
  EXPECT_NE(json.find("\"name\": \"q\\\"x\""), std::string::npos);
  EXPECT_NE(json.find("\"aliases\": null"), std::string::npos);
  EXPECT_EQ(json.substr(json.size() - 2), "]}");
}

}  // namespace
