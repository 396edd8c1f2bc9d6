// Every public entry point of the layout engine given bad input: the exception type, a message
// that names the buffer, and no change. The table of messages is README.md's "Errors" section.
#include <bufreg/core.hpp>

#include <gtest/gtest.h>

#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "error_table.hpp"
#include "group_snapshot.hpp"
#include "readme_path.hpp"

namespace {

using bufreg::BufferGroup;
using bufreg::BufferRegistry;
using bufreg::CUDABuffer;
using bufreg::Location;
using bufreg::Precision;
using bufreg::test::ErrorCase;
using bufreg::test::GroupSnapshot;

constexpr std::size_t huge = std::numeric_limits<std::size_t>::max() / 2;

TEST(BadInput, EveryEntryPointRefusesClearlyAndChangesNothing) {
  bufreg::test::ErrorTable table;

  // A group with a parent, an alias of it and a persistent buffer, shared by the cases below.
  BufferGroup group;
  group.register_buffer("state", 8, Location::shared);
  group.register_buffer("stage", 4, Location::shared, false, "state");
  group.register_buffer("carry", 2, Location::local, true);
  const GroupSnapshot before(group);
  const auto group_unchanged = [&] { return GroupSnapshot(group) == before; };

  const auto refused = [&](const std::string& call, std::function<void()> run,
                           const std::type_info& type, std::vector<std::string> mentions) {
    table.check({call, std::move(run), type, std::move(mentions), group_unchanged});
  };
  const auto& invalid = typeid(std::invalid_argument);
  const auto& out_of_range = typeid(std::out_of_range);

  refused("register_buffer(\"\", 4, shared)",
          [&] { group.register_buffer("", 4, Location::shared); }, invalid, {"name"});
  refused("register_buffer(\"x\", 4, shared, false, \"x\")",
          [&] { group.register_buffer("x", 4, Location::shared, false, "x"); }, invalid,
          {"'x'", "itself"});
  refused("register_buffer(\"x\", 4, shared, false, \"\")",
          [&] { group.register_buffer("x", 4, Location::shared, false, ""); }, invalid, {"'x'"});
  refused("register_buffer(\"x\", 4, shared, false, \"later\")",
          [&] { group.register_buffer("x", 4, Location::shared, false, "later"); }, invalid,
          {"'x'", "register 'later' before 'x'"});
  refused("register_buffer(\"x\", 4, shared, false, \"stage\")  // stage aliases state",
          [&] { group.register_buffer("x", 4, Location::shared, false, "stage"); }, invalid,
          {"'x'", "chains are not supported"});
  refused("register_buffer(\"state\", 8, shared, false, \"carry\")  // stage aliases state",
          [&] { group.register_buffer("state", 8, Location::shared, false, "carry"); }, invalid,
          {"'state'", "chains are not supported"});
  refused(
      "register_buffer(\"x\", SIZE_MAX / 2, shared, false, {}, float64)",
      [&] { group.register_buffer("x", huge, Location::shared, false, {}, Precision::float64); },
      invalid, {"'x'", "overflow"});
  refused("register_buffer(\"x\", SIZE_MAX / 2, local, false, {}, uint8)  // after one as big",
          [&] {
            BufferGroup big;
            big.register_buffer("y", huge, Location::local, false, {}, Precision::uint8);
            big.register_buffer("x", huge, Location::local, false, {}, Precision::uint8);
          },
          invalid, {"'x'", "overflow"});
  refused("register_buffer(\"x\", 4, Location(7))",
          [&] { group.register_buffer("x", 4, static_cast<Location>(7)); }, invalid,
          {"'x'", "location 7"});
  refused("register_buffer(\"x\", 4, shared, false, {}, Precision(9))",
          [&] {
            group.register_buffer("x", 4, Location::shared, false, {}, static_cast<Precision>(9));
          },
          invalid, {"'x'", "precision 9"});

  refused("register_buffer(\"x\", 4, shared, false, {}, float32, LiveInterval{3, 3})",
          [&] {
            group.register_buffer("x", 4, Location::shared, false, {}, Precision::float32,
                                  bufreg::LiveInterval{3, 3});
          },
          invalid, {"'x'", "[3, 3)"});
  refused("register_buffer(\"x\", 4, local, true, {}, float32, LiveInterval{0, 2})",
          [&] {
            group.register_buffer("x", 4, Location::local, true, {}, Precision::float32,
                                  bufreg::LiveInterval{0, 2});
          },
          invalid, {"'x'", "persistent"});
  refused("register_buffer(\"x\", 4, shared, true)",
          [&] { group.register_buffer("x", 4, Location::shared, true); }, invalid,
          {"'x'", "persistent", "shared memory does not survive the launch"});

  const auto update = [](auto set) {
    bufreg::BufferUpdate change;
    set(change);
    return change;
  };
  refused("update_buffer(\"state\", {.aliases = \"carry\"})",
          [&] { group.update_buffer("state", update([](auto& u) { u.aliases = "carry"; })); },
          invalid, {"'state'", "chains are not supported"});
  refused("update_buffer(\"carry\", {.aliases = \"stage\"})",
          [&] { group.update_buffer("carry", update([](auto& u) { u.aliases = "stage"; })); },
          invalid, {"'carry'", "chains are not supported"});
  refused("update_buffer(\"carry\", {.size = SIZE_MAX / 2})",
          [&] { group.update_buffer("carry", update([](auto& u) { u.size = huge; })); }, invalid,
          {"'carry'", "overflow"});
  refused(
      "update_buffer(\"stage\", {.live = LiveInterval{3, 3}})",
      [&] {
        group.update_buffer("stage", update([](auto& u) { u.live = bufreg::LiveInterval{3, 3}; }));
      },
      invalid, {"'stage'", "[3, 3) is empty"});
  refused(
      "update_buffer(\"carry\", {.location = shared})  // carry is persistent",
      [&] { group.update_buffer("carry", update([](auto& u) { u.location = Location::shared; })); },
      invalid, {"'carry'", "shared memory does not survive the launch"});
  refused("update_buffer(\"state\", {.persistent = true})  // state is shared",
          [&] { group.update_buffer("state", update([](auto& u) { u.persistent = true; })); },
          invalid, {"'state'", "shared memory does not survive the launch"});
  refused("get_allocator(\"ghost\")", [&] { group.get_allocator("ghost"); }, out_of_range,
          {"'ghost'"});
  refused("BufferGroup(LayoutOptions{12})", [] { BufferGroup bad(bufreg::LayoutOptions{12}); },
          invalid, {"12", "power of two"});
  refused("BufferGroup(LayoutOptions{16, Planner(5)})",
          [] {
            BufferGroup bad(bufreg::LayoutOptions{16, static_cast<bufreg::Planner>(5)});
          },
          invalid, {"planner 5"});
  refused("BufferGroup(LayoutOptions{16, Planner::best, 50, Scope(7)})",
          [] {
            BufferGroup bad(bufreg::LayoutOptions{16, bufreg::Planner::best, 50,
                                                  static_cast<bufreg::Scope>(7)});
          },
          invalid, {"scope 7"});
  refused("BufferGroup(LayoutOptions{16, Planner::best, -1.0})",
          [] {
            BufferGroup bad(bufreg::LayoutOptions{16, bufreg::Planner::best, -1.0});
          },
          invalid, {"budget"});
  refused("BufferGroup(LayoutOptions{16, Planner::best, NAN})",
          [] {
            BufferGroup bad(bufreg::LayoutOptions{16, bufreg::Planner::best,
                                                  std::numeric_limits<double>::quiet_NaN()});
          },
          invalid, {"budget", "not a number"});
  refused("plan_offsets({{0, 2, 8}, {5, 5, 8}})",
          [] {
            bufreg::plan_offsets({{0, 2, 8, 1}, {5, 5, 8, 1}});
          },
          invalid, {"live buffer 1", "empty"});
  refused("plan_offsets({{0, 2, 8}}, {-1.0})",
          [] {
            bufreg::plan_offsets({{0, 2, 8, 1}}, {-1.0});
          },
          invalid, {"budget", "negative"});
  refused("plan_offsets({{0, 2, 8}}, {NAN})",
          [] {
            bufreg::plan_offsets({{0, 2, 8, 1}}, {std::numeric_limits<double>::quiet_NaN()});
          },
          invalid, {"budget", "not a number"});
  refused("parse_location(\"texture\")", [] { bufreg::parse_location("texture"); }, invalid,
          {"'texture'"});
  refused("CUDABuffer(\"x\", 4, shared).build_allocator({}, {}, {})",
          [] { CUDABuffer("x", 4, Location::shared).build_allocator({}, {}, {}); }, invalid,
          {"'x'"});
  refused("CUDABuffer(\"x\", 4, shared).build_allocator(Slice{0, 8}, {}, {})",
          [] {
            CUDABuffer("x", 4, Location::shared).build_allocator(bufreg::Slice{0, 8}, {}, {});
          },
          invalid, {"'x'", "16 bytes"});

  // Automatic placement and its model.
  const bufreg::PlacementModel h100 =
      bufreg::PlacementModel::for_device(bufreg::described_device("sm_90"));
  const auto placement = [](std::vector<std::string> relocatable,
                            std::map<std::string, double> weights = {}) {
    bufreg::PlacementOptions options;
    options.relocatable = std::move(relocatable);
    options.weights = std::move(weights);
    return options;
  };
  refused("place_automatically(group, h100, {.relocatable = {\"ghost\"}})",
          [&] { bufreg::place_automatically(group, h100, placement({"ghost"})); }, out_of_range,
          {"'ghost'", "not registered"});
  refused("place_automatically(group, h100, {.relocatable = {\"carry\"}})  // persistent",
          [&] { bufreg::place_automatically(group, h100, placement({"carry"})); }, invalid,
          {"'carry'", "persistent"});
  refused("place_automatically(group, h100, {.relocatable = {\"state\", \"state\"}})",
          [&] {
            bufreg::place_automatically(group, h100, placement({"state", "state"}));
          },
          invalid, {"'state'", "twice"});
  refused("place_automatically(group, h100, {.weights = {{\"state\", -1}}})",
          [&] {
            bufreg::place_automatically(group, h100, placement({}, {{"state", -1}}));
          },
          invalid, {"'state'", "weight -1"});
  refused("place_automatically(group, h100, {.weights = {{\"state\", NAN}}})",
          [&] {
            bufreg::place_automatically(
                group, h100, placement({}, {{"state", std::numeric_limits<double>::quiet_NaN()}}));
          },
          invalid, {"'state'", "weight nan"});
  refused("place_automatically(group, h100, {.weights = {{\"ghost\", 2}}})",
          [&] {
            bufreg::place_automatically(group, h100, placement({}, {{"ghost", 2}}));
          },
          out_of_range, {"'ghost'"});
  refused("place_automatically(group, h100, {.relocatable = {\"state\"}, .kernel = {0, 64}})",
          [&] {
            bufreg::PlacementOptions options = placement({"state"});
            options.kernel.team_size_max = 0;
            bufreg::place_automatically(group, h100, options);
          },
          invalid, {"team size of 1 or more"});
  refused("place_automatically(group, {h100.device, {.spill_cost = 0.5}}, {...})",
          [&] {
            bufreg::PlacementModel cheap = h100;
            cheap.parameters.spill_cost = 0.5;
            bufreg::place_automatically(group, cheap, placement({"state"}));
          },
          invalid, {"spill_cost of 1 or more"});
  {
    BufferGroup huge_group;
    huge_group.register_buffer("table", 40000, Location::shared, false, {}, Precision::float64);
    huge_group.register_buffer("x", 8, Location::shared);
    const GroupSnapshot huge_before(huge_group);
    table.check(
        {"place_automatically(group, h100, {.relocatable = {\"x\"}})  // table: 312 KiB "
         "of level 0",
         [&] { bufreg::place_automatically(huge_group, h100, placement({"x"})); },
         invalid,
         {"no placement", "H100", "above the device's 227.0 KiB"},
         [&] { return GroupSnapshot(huge_group) == huge_before; }});
    BufferGroup team_group(
        bufreg::LayoutOptions{16, bufreg::Planner::registration_order, 50, bufreg::Scope::team});
    team_group.register_buffer("x", 8, Location::shared);
    const GroupSnapshot team_before(team_group);
    table.check({"place_automatically(team_group, h100, {.relocatable = {\"x\"}})",
                 [&] { bufreg::place_automatically(team_group, h100, placement({"x"})); },
                 invalid,
                 {"per-team buffers"},
                 [&] { return GroupSnapshot(team_group) == team_before; }});
  }
  {
    bufreg::PlacementTiming timing{"n40/all_local", {}, {}, 1e-3};
    timing.footprint.local_bytes = 3360;
    timing.footprint.local_traffic = 3360;
    refused("fit_placement_model(h100, {timing, timing})",
            [&] {
              bufreg::fit_placement_model(h100, {timing, timing});
            },
            invalid, {"3 timings or more, not 2"});
    bufreg::PlacementTiming never = timing;
    never.label = "n40/never";
    never.seconds = 0;
    refused("fit_placement_model(h100, {timing, timing, {\"n40/never\", ..., 0 s}})",
            [&] {
              bufreg::fit_placement_model(h100, {timing, timing, never});
            },
            invalid, {"'n40/never'", "time 0 s"});
    bufreg::PlacementTiming oversized = timing;
    oversized.label = "n40/huge";
    oversized.footprint.shared_bytes = 1 << 20;
    refused("fit_placement_model(h100, {timing, timing, {\"n40/huge\", 1 MiB of level 0}})",
            [&] {
              bufreg::fit_placement_model(h100, {timing, timing, oversized});
            },
            invalid, {"'n40/huge'", "does not fit"});
  }
  refused("described_device(\"sm_75\")", [] { bufreg::described_device("sm_75"); }, invalid,
          {"'sm_75'", "sm_80 sm_89 sm_90 host"});
  refused("described_device(\"host\", 0)", [] { bufreg::described_device("host", 0); }, invalid,
          {"1 thread or more"});
  refused("parse_model_parameters(\"spill_cost 4\")",
          [] { bufreg::parse_model_parameters("spill_cost 4"); }, invalid,
          {"line 1", "key = value"});
  refused("parse_model_parameters(\"speed = 2\")",
          [] { bufreg::parse_model_parameters("speed = 2"); }, invalid, {"line 1", "'speed'"});
  refused("parse_model_parameters(\"spill_cost = 4\\nspill_cost = 5\")",
          [] { bufreg::parse_model_parameters("spill_cost = 4\nspill_cost = 5"); }, invalid,
          {"line 2", "again"});
  refused("parse_model_parameters(\"spill_cost = 0.5\")",
          [] { bufreg::parse_model_parameters("spill_cost = 0.5"); }, invalid,
          {"line 1", "at least 1"});
  refused("parse_model_parameters(\"on_chip_local_bytes = -1\")",
          [] { bufreg::parse_model_parameters("on_chip_local_bytes = -1"); }, invalid,
          {"line 1", "whole number of bytes"});
  refused("parse_model_parameters(\"saturating_threads = 1.5\")",
          [] { bufreg::parse_model_parameters("saturating_threads = 1.5"); }, invalid,
          {"line 1", "whole number of threads"});

  // The registry: unknown parents and children, self-children, bad settings.
  BufferRegistry registry;
  int loop = 0, step = 0, stranger = 0;
  registry.register_buffer("state", &loop, 4, Location::local);
  registry.register_buffer("carry", &loop, 2, Location::local, true);
  registry.register_child(&loop, &step, "inner");
  registry.register_buffer("pool_shared", &loop, 2, Location::local);
  const GroupSnapshot loop_before(*registry.group(&loop));
  const auto registry_unchanged = [&] {
    return registry.group(&step) == nullptr && registry.group(&stranger) == nullptr &&
           GroupSnapshot(*registry.group(&loop)) == loop_before;
  };
  const auto registry_refused = [&](const std::string& call, std::function<void()> run,
                                    const std::type_info& type, std::vector<std::string> mentions) {
    table.check({call, std::move(run), type, std::move(mentions), registry_unchanged});
  };
  registry_refused("registry.get_allocator(\"state\", &stranger)",
                   [&] { registry.get_allocator("state", &stranger); }, out_of_range, {"'state'"});
  registry_refused("registry.get_allocator(\"ghost\", &loop)",
                   [&] { registry.get_allocator("ghost", &loop); }, out_of_range, {"'ghost'"});
  registry_refused("registry.register_buffer(\"x\", &step, 4, shared, false, \"y\")",
                   [&] { registry.register_buffer("x", &step, 4, Location::shared, false, "y"); },
                   invalid, {"'x'", "'y'"});
  registry_refused("registry.register_child(&loop, &loop, \"self\")",
                   [&] { registry.register_child(&loop, &loop, "self"); }, invalid,
                   {"'self'", "own child"});
  registry_refused("registry.register_child(&loop, &step, \"\")",
                   [&] { registry.register_child(&loop, &step, ""); }, invalid, {"child name"});
  registry_refused("registry.register_child(&step, &loop, \"outer\")  // step is loop's 'inner'",
                   [&] { registry.register_child(&step, &loop, "outer"); }, invalid,
                   {"'outer'", "'inner'", "cycle"});
  registry_refused("registry.register_child(&loop, &stranger, \"inner\")  // step's name",
                   [&] { registry.register_child(&loop, &stranger, "inner"); }, invalid,
                   {"'inner'", "another child"});
  registry_refused(
      "registry.register_child(&loop, &stranger, \"pool\")  // loop has a buffer 'pool_shared'",
      [&] { registry.register_child(&loop, &stranger, "pool"); }, invalid,
      {"'pool_shared'", "'pool'"});
  registry_refused("registry.get_child_allocators(&step, &loop, \"outer\")  // a cycle",
                   [&] { registry.get_child_allocators(&step, &loop, "outer"); }, invalid,
                   {"'outer'", "'inner'", "cycle"});
  registry_refused("registry.register_buffer(\"inner_shared\", &loop, 4, local)  // step's entry",
                   [&] { registry.register_buffer("inner_shared", &loop, 4, Location::local); },
                   invalid, {"'inner_shared'", "'inner'", "another name"});
  registry_refused("registry.update_buffer(\"inner_persistent\", &loop, {.size = 4})",
                   [&] {
                     bufreg::BufferUpdate grow;
                     grow.size = 4;
                     registry.update_buffer("inner_persistent", &loop, grow);
                   },
                   invalid, {"'inner_persistent'", "'inner'"});
  registry_refused("registry.update(&loop, {{\"inner_shared_location\", \"local\"}})",
                   [&] {
                     registry.update(&loop, {{"inner_shared_location", "local"}});
                   },
                   invalid, {"'inner_shared'", "'inner'"});
  registry_refused("registry.update(&loop, {{\"state_location\", \"texture\"}})",
                   [&] {
                     registry.update(&loop, {{"state_location", "texture"}});
                   },
                   invalid, {"'state'", "'texture'"});
  registry_refused("registry.update(&loop, {{\"carry_location\", \"shared\"}})  // persistent",
                   [&] {
                     registry.update(&loop, {{"carry_location", "shared"}});
                   },
                   invalid, {"'carry'", "shared memory does not survive the launch"});

  const bufreg::PlacementModel model =
      bufreg::PlacementModel::for_device(bufreg::described_device("sm_90"));
  registry_refused("registry.place_automatically(&stranger, h100, {})",
                   [&] { registry.place_automatically(&stranger, model, {}); }, out_of_range,
                   {"unknown parent"});
  registry_refused("registry.place_automatically(&loop, h100, {.relocatable = {\"inner_shared\"}})",
                   [&] {
                     bufreg::PlacementOptions options;
                     options.relocatable = {"inner_shared"};
                     registry.place_automatically(&loop, model, options);
                   },
                   invalid, {"'inner_shared'", "'inner'"});
  registry_refused("registry.place_automatically(&loop, h100, {.relocatable = {\"outer/x\"}})",
                   [&] {
                     bufreg::PlacementOptions options;
                     options.relocatable = {"outer/x"};
                     registry.place_automatically(&loop, model, options);
                   },
                   out_of_range, {"'outer/x'", "not registered"});

  table.expect_in_readme(readme_path, "layout engine");
}

}  // namespace
