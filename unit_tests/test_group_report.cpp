// BufferGroup::describe() and BufferGroup::to_json().
#include <bufreg/buffer_group.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

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

TEST(Describe, SaysPerArenaWhetherPlannerBestPlannedIt) {
  bufreg::BufferGroup group(bufreg::LayoutOptions{16, bufreg::Planner::best});
  for (std::size_t stage = 0; stage < 4; ++stage) {
    group.register_buffer("k" + std::to_string(stage), 4, Location::shared, false, {},
                          Precision::float32, bufreg::LiveInterval{stage, stage + 1});
  }
  group.register_buffer("h", 1, Location::local, true);
  const std::string text = group.describe();
  // The line of sizes, then one line per arena the planner had buffers for.
  EXPECT_NE(text.find("local 0 (LOAD 0, 1.000)\n"
                      "shared arena planned: 4 buffers by best fit by start\n"
                      "persistent arena fell back to registration order: the best plan found "
                      "for its 1 buffers (4 bytes by best fit by start) is no smaller\n"),
            std::string::npos)
      << text;
  EXPECT_EQ(group.arena_plan(bufreg::Region::shared).outcome, bufreg::ArenaPlan::Outcome::planned);
  EXPECT_EQ(group.arena_plan(bufreg::Region::local).outcome,
            bufreg::ArenaPlan::Outcome::not_planned);
}

TEST(Describe, SaysWhyAnArenaFellBackToRegistrationOrder) {
  // LOAD is 64 bytes (b and c together), reached by putting b first; the sweep by start, all a
  // budget of 0 affords, stacks all three like registration order does.
  const auto group_with_budget = [](double budget_ms) {
    bufreg::BufferGroup group(bufreg::LayoutOptions{16, bufreg::Planner::best, budget_ms});
    group.register_buffer("a", 4, Location::shared, false, {}, Precision::float32,
                          bufreg::LiveInterval{0, 2});
    group.register_buffer("b", 8, Location::shared, false, {}, Precision::float32,
                          bufreg::LiveInterval{1, 3});
    group.register_buffer("c", 8, Location::shared, false, {}, Precision::float32,
                          bufreg::LiveInterval{2, 4});
    return group;
  };
  const auto group = group_with_budget(0.0);
  const std::string text = group.describe();
  EXPECT_NE(text.find("shared arena fell back to registration order: the best plan found for "
                      "its 3 buffers (80 bytes by best fit by start) is no smaller; budget spent "
                      "before 7 of 8 heuristics (pairs of buffers that meet: 2); search skipped: "
                      "the budget left is less than one descent\n"),
            std::string::npos)
      << text;
  const auto& plan = group.arena_plan(bufreg::Region::shared);
  EXPECT_EQ(plan.outcome, bufreg::ArenaPlan::Outcome::fell_back);
  EXPECT_EQ(plan.planned_bytes, group.shared_buffer_size());
  EXPECT_NE(group.to_json().find("\"plan\": {\"outcome\": \"fell_back\", \"buffers\": 3, "
                                 "\"planned_bytes\": 80, \"method\": \"best fit by start\", "
                                 "\"note\": \"budget spent before 7 of 8 heuristics (pairs of "
                                 "buffers that meet: 2); search skipped: the budget left is less "
                                 "than one descent\"}"),
            std::string::npos)
      << group.to_json();
  // With the default budget the other heuristics run and reach LOAD.
  const auto planned = group_with_budget(50);
  EXPECT_EQ(planned.shared_buffer_size(), 64u);
  EXPECT_NE(planned.describe().find("shared arena planned: 3 buffers by best fit by size\n"),
            std::string::npos)
      << planned.describe();
}

TEST(ToJson, CarriesTheLayoutAndEscapesNames) {
  const std::string json = sample().to_json();
  EXPECT_EQ(
      json.rfind("{\"alignment\": 16, \"planner\": \"registration_order\", \"scope\": "
                 "\"thread\", \"arenas\": "
                 "{\"shared\": {\"bytes\": 144, \"alignment\": 16, \"load\": 144, "
                 "\"peak_over_load\": 1.000, \"plan\": null}, \"persistent\": {\"bytes\": 4, "
                 "\"alignment\": 16, \"load\": 4, \"peak_over_load\": 1.000, \"plan\": null}, "
                 "\"local\": {\"bytes\": 4, \"alignment\": 16, \"load\": 4, "
                 "\"peak_over_load\": 1.000, \"plan\": null}}, \"buffers\": [",
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

/// Whether `text` is well-formed UTF-8, checked here byte by byte from Unicode's table 3-7.
bool is_utf8(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto at = [&](std::size_t k) {
      return k < text.size() ? static_cast<unsigned>(static_cast<unsigned char>(text[k])) : 0u;
    };
    const unsigned lead = at(i);
    std::size_t length = 1;
    unsigned low = 0x80, high = 0xbf;
    if (lead < 0x80) {
      ++i;
      continue;
    }
    if (lead >= 0xc2 && lead <= 0xdf)
      length = 2;
    else if (lead >= 0xe0 && lead <= 0xef)
      length = 3;
    else if (lead >= 0xf0 && lead <= 0xf4)
      length = 4;
    else
      return false;
    if (lead == 0xe0) low = 0xa0;
    if (lead == 0xed) high = 0x9f;
    if (lead == 0xf0) low = 0x90;
    if (lead == 0xf4) high = 0x8f;
    if (at(i + 1) < low || at(i + 1) > high) return false;
    for (std::size_t k = 2; k < length; ++k) {
      if (at(i + k) < 0x80 || at(i + k) > 0xbf) return false;
    }
    i += length;
  }
  return true;
}

/// The JSON text to_json() gives a buffer's name.
std::string json_name_of(const std::string& name) {
  bufreg::BufferGroup group;
  group.register_buffer(name, 1, Location::shared);
  const std::string json = group.to_json();
  EXPECT_TRUE(is_utf8(json)) << json;
  const std::string key = "{\"name\": ";
  const auto start = json.find(key) + key.size();
  return json.substr(start, json.find(", \"size\"", start) - start);
}

TEST(ToJson, IsValidUtf8WhateverTheNames) {
  EXPECT_EQ(json_name_of("plain"), "\"plain\"");
  EXPECT_EQ(json_name_of("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
            "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");  // kept as they are
  EXPECT_EQ(json_name_of(std::string("a\0b\n\x1f\x7f", 6)), "\"a\\u0000b\\u000a\\u001f\\u007f\"");
  EXPECT_EQ(json_name_of("bad\xff\xfe"), "\"bad\\u00ff\\u00fe\"");
  EXPECT_EQ(json_name_of("latin1 caf\xe9"), "\"latin1 caf\\u00e9\"");
  EXPECT_EQ(json_name_of("cut \xe2\x82"), "\"cut \\u00e2\\u0082\"");            // truncated
  EXPECT_EQ(json_name_of("overlong \xc0\xaf"), "\"overlong \\u00c0\\u00af\"");  // '/' in 2 bytes
  EXPECT_EQ(json_name_of("surrogate \xed\xa0\x80"), "\"surrogate \\u00ed\\u00a0\\u0080\"");
  EXPECT_EQ(json_name_of("beyond \xf4\x90\x80\x80"),
            "\"beyond \\u00f4\\u0090\\u0080\\u0080\"");  // past U+10FFFF
  EXPECT_EQ(json_name_of("q\"\\"), "\"q\\\"\\\\\"");

  bufreg::BufferGroup group;  // alias names are escaped the same way
  group.register_buffer("p\xff", 8, Location::shared);
  group.register_buffer("a", 4, Location::shared, false, std::string("p\xff"));
  EXPECT_NE(group.to_json().find("\"aliases\": \"p\\u00ff\""), std::string::npos);
  EXPECT_TRUE(is_utf8(group.to_json()));
}

TEST(Describe, EscapesControlCharactersAndBytesThatAreNotUtf8) {
  bufreg::BufferGroup group;
  group.register_buffer(std::string("nul\0here", 8), 1, Location::shared);
  group.register_buffer("two\nlines\tand\\", 1, Location::shared, false,
                        std::string("nul\0here", 8));
  group.register_buffer("caf\xc3\xa9\xff", 1, Location::shared);
  const std::string text = group.describe();
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 5) << text;  // header, 3 rows, sizes
  EXPECT_EQ(text.find('\0'), std::string::npos);
  EXPECT_TRUE(is_utf8(text));
  std::istringstream lines(text);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[1].rfind("nul\\x00here        shared    no          -          ", 0), 0u)
      << rows[1];
  EXPECT_EQ(rows[2].rfind("two\\nlines\\tand\\\\  shared    no          nul\\x00here  ", 0), 0u)
      << rows[2];
  // Columns count characters: é is one, so this row lines up with the others.
  EXPECT_EQ(rows[3].rfind("caf\xc3\xa9\\xff           shared    no          -          ", 0), 0u)
      << rows[3];
}

TEST(Describe, ALongNameDoesNotWidenEveryRow) {
  bufreg::BufferGroup group;
  const std::string huge(1 << 20, 'n');
  group.register_buffer(huge, 1, Location::shared);
  for (int i = 0; i < 200; ++i) {
    group.register_buffer("b" + std::to_string(i), 1, Location::shared, false, huge);
  }
  const std::string text = group.describe();
  // The huge name appears in full in its own row and the alias column of the 200 others: once
  // per row, never as padding.
  EXPECT_LT(text.size(), 201u * huge.size() + 201u * 200u) << "padded to the longest name";
  std::istringstream lines(text);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 203u);
  EXPECT_EQ(rows[1].substr(0, huge.size() + 10), huge + "  shared  ");
  EXPECT_EQ(rows[2].rfind("b0    shared    no          " + huge + "  -     shared", 0), 0u);

  // Names up to 40 characters still set the width.
  bufreg::BufferGroup forty;
  const std::string name(40, 'x');
  forty.register_buffer(name, 1, Location::shared);
  forty.register_buffer("y", 1, Location::shared);
  const std::string table = forty.describe();
  EXPECT_NE(table.find("\n" + name + "  shared"), std::string::npos) << table;
  EXPECT_NE(table.find("\ny" + std::string(39, ' ') + "  shared"), std::string::npos) << table;
}

}  // namespace
