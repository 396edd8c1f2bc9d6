// Automatic placement: the reference design's published boundaries reproduced from the model's
// thresholds, the device's limits never exceeded, the choice never worse on the model than
// all local or all shared, deterministic, and exactly what it says applied.
#include <bufreg/core.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace {

using bufreg::BufferGroup;
using bufreg::BufferRegistry;
using bufreg::described_device;
using bufreg::Location;
using bufreg::PlacementDecision;
using bufreg::PlacementModel;
using bufreg::PlacementOptions;
using bufreg::Precision;

/// `count` buffers of `bytes` each (float64), registered in `location`, all relocatable; the
/// first `hot` weigh 8 accesses per element and step, the others 1.
struct Workload {
  BufferGroup group;
  PlacementOptions options;

  Workload(std::size_t count, std::size_t bytes, std::size_t hot, Location location) {
    for (std::size_t i = 0; i < count; ++i) {
      const std::string name = "b" + std::to_string(i);
      group.register_buffer(name, bytes / 8, location, false, {}, Precision::float64);
      options.relocatable.push_back(name);
      if (i < hot) options.weights[name] = 8;
    }
  }
};

Location location_of(const BufferGroup& group, const std::string& name) {
  for (const bufreg::CUDABuffer& buffer : group.entries()) {
    if (buffer.name() == name) return buffer.location();
  }
  throw std::out_of_range(name);
}

const PlacementModel rtx4070 = PlacementModel::for_device(described_device("sm_89"));

// Published: all local is best while the thread's working set fits on chip (3.5 KiB).
TEST(AutomaticPlacement, AllLocalWhileTheWorkingSetFitsOnChip) {
  for (const std::size_t count : {std::size_t{2}, std::size_t{4}, std::size_t{7}}) {
    Workload workload(count, 512, 2, Location::shared);
    const PlacementDecision decision =
        bufreg::place_automatically(workload.group, rtx4070, workload.options);
    EXPECT_EQ(workload.group.shared_buffer_size(), 0u) << count << " buffers";
    EXPECT_EQ(decision.footprint.local_bytes, count * 512);
    for (const auto& buffer : decision.buffers) {
      EXPECT_EQ(buffer.location, Location::local) << buffer.name;
      EXPECT_TRUE(buffer.moved);
    }
  }
}

// Published: past 3.5 KiB a bounded slice of the hottest buffers in shared wins 1.1-2.9x; past
// 2.5 KiB of shared per thread the block shrinks and loses more than it saves.
TEST(AutomaticPlacement, PastTheOnChipShareTheHottestBuffersMoveToSharedWithinTheBound) {
  Workload workload(16, 512, 4, Location::local);  // 8 KiB
  const PlacementDecision decision =
      bufreg::place_automatically(workload.group, rtx4070, workload.options);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(decision.buffers[i].location, Location::shared) << decision.describe();
  }
  EXPECT_GT(decision.footprint.shared_bytes, 0u);
  EXPECT_LE(decision.footprint.shared_bytes, 2560u);
  const double all_local = decision.fixed[1].estimate.time;
  ASSERT_EQ(decision.fixed[1].placement, "all local");
  EXPECT_GE(all_local / decision.estimate.time, 1.1);
  EXPECT_LE(all_local / decision.estimate.time, 2.9);

  Workload large(40, 512, 40, Location::local);  // 20 KiB, every buffer hot
  const PlacementDecision bounded =
      bufreg::place_automatically(large.group, rtx4070, large.options);
  EXPECT_LE(bounded.footprint.shared_bytes, 2560u);
  EXPECT_GE(bounded.estimate.team_size, 12);
  const auto& all_shared = bounded.fixed.back();
  ASSERT_EQ(all_shared.placement, "all shared");
  EXPECT_LT(all_shared.estimate.team_size, 2);
}

TEST(AutomaticPlacement, TheThresholdsDecide) {
  PlacementModel roomy = rtx4070;
  roomy.parameters.on_chip_local_bytes = 8192;  // the 8 KiB workload now fits on chip
  Workload workload(16, 512, 4, Location::shared);
  bufreg::place_automatically(workload.group, roomy, workload.options);
  EXPECT_EQ(workload.group.shared_buffer_size(), 0u);

  PlacementModel tight = rtx4070;
  tight.parameters.shared_bytes_per_thread_max = 1024;
  Workload bounded(16, 512, 4, Location::local);
  bufreg::place_automatically(bounded.group, tight, bounded.options);
  EXPECT_EQ(bounded.group.shared_buffer_size(), 1024u);
}

TEST(AutomaticPlacement, ExplainsEachBuffer) {
  Workload workload(16, 512, 4, Location::local);
  const PlacementDecision decision =
      bufreg::place_automatically(workload.group, rtx4070, workload.options);
  ASSERT_EQ(decision.buffers.size(), 16u);
  EXPECT_EQ(decision.buffers[0].reason.rfind("shared: 8 accesses per element and step", 0), 0u)
      << decision.buffers[0].reason;
  EXPECT_EQ(decision.buffers[15].reason.rfind("local: in shared, level 0 would take", 0), 0u)
      << decision.buffers[15].reason;
  const std::string text = decision.describe();
  EXPECT_NE(text.find("automatic placement on NVIDIA GeForce RTX 4070 SUPER (sm_89) (a model, "
                      "not a measurement): team "),
            std::string::npos)
      << text;
  for (const char* fixed : {"as registered: ", "all local: ", "all shared: "}) {
    EXPECT_NE(text.find(fixed), std::string::npos) << text;
  }
  const std::string json = decision.to_json();
  EXPECT_EQ(json.rfind("{\"device\": \"NVIDIA GeForce RTX 4070 SUPER (sm_89)\"", 0), 0u) << json;
  EXPECT_NE(json.find("{\"name\": \"b0\", \"location\": \"shared\", \"moved\": true, \"reason\": "),
            std::string::npos)
      << json;
}

/// A random group: buffers of random sizes and precisions, some aliased, some live only part
/// of the kernel, some persistent; a random relocatable subset with random weights.
Workload random_workload(std::mt19937_64& random) {
  Workload workload(0, 0, 0, Location::local);
  const std::size_t count = 2 + random() % 30;
  const Precision precisions[] = {Precision::float64, Precision::float32, Precision::float16,
                                  Precision::int32, Precision::uint8};
  for (std::size_t i = 0; i < count; ++i) {
    const std::string name = "b" + std::to_string(i);
    const bool persistent = random() % 8 == 0;
    const Location location = !persistent && random() % 2 ? Location::shared : Location::local;
    std::optional<std::string> alias;
    if (i > 0 && !persistent && random() % 5 == 0) {
      const bufreg::CUDABuffer& parent = workload.group.entries()[random() % i];
      if (!parent.aliases() && !parent.persistent()) alias = parent.name();
    }
    std::optional<bufreg::LiveInterval> live;
    if (!persistent && random() % 3 == 0) {
      const std::size_t first = random() % 10;
      live = bufreg::LiveInterval{first, first + 1 + random() % 10};
    }
    workload.group.register_buffer(name, 1 + random() % 600, location, persistent, alias,
                                   precisions[random() % 5], live);
    if (!persistent && random() % 4 != 0) workload.options.relocatable.push_back(name);
    if (random() % 2) workload.options.weights[name] = static_cast<double>(random() % 17);
  }
  return workload;
}

/// The choice fits the device, and is no slower on the model than all local, nor than all
/// shared where that is within the model's level-0 bound.
void expect_within_limits_and_never_worse(const PlacementDecision& decision,
                                          const PlacementModel& model) {
  EXPECT_LE(
      decision.footprint.team_shared_bytes +
          decision.footprint.shared_bytes * static_cast<std::size_t>(decision.estimate.team_size),
      model.device.shared_bytes_per_block_optin);
  const bufreg::FixedPlacement& all_local = decision.fixed[1];
  const bufreg::FixedPlacement& all_shared = decision.fixed.back();
  if (all_local.estimate.fits) {
    EXPECT_LE(decision.estimate.time, all_local.estimate.time);
  }
  if (all_shared.estimate.fits &&
      all_shared.footprint.shared_bytes <= model.parameters.shared_bytes_per_thread_max) {
    EXPECT_LE(decision.estimate.time, all_shared.estimate.time);
  }
}

TEST(AutomaticPlacement, RandomGroupsStayWithinLimitsAndBeatAllLocalAndAllShared) {
  std::mt19937_64 random(13);
  const std::vector<std::string> architectures = {"sm_80", "sm_89", "sm_90"};
  int refusals = 0;
  for (int round = 0; round < 300; ++round) {
    Workload workload = random_workload(random);
    const PlacementModel model = PlacementModel::for_device(
        described_device(architectures[static_cast<std::size_t>(round % 3)]));
    const BufferGroup before = workload.group;
    PlacementDecision decision;
    try {
      decision = bufreg::place_automatically(workload.group, model, workload.options);
    } catch (const std::invalid_argument& refused) {
      // Only when not even all local fits the device: the group is then left as it was.
      EXPECT_NE(std::string(refused.what()).find("no placement of the relocatable buffers fits"),
                std::string::npos)
          << refused.what();
      EXPECT_EQ(workload.group.entries(), before.entries());
      ++refusals;
      continue;
    }
    SCOPED_TRACE("round " + std::to_string(round) + "\n" + decision.describe());
    ASSERT_TRUE(decision.estimate.fits);
    expect_within_limits_and_never_worse(decision, model);
    // What it says is what it did: each relocatable buffer where the decision put it, the
    // arenas the footprint's, every other field as it was.
    EXPECT_EQ(workload.group.shared_buffer_size(), decision.footprint.shared_bytes);
    EXPECT_EQ(workload.group.local_buffer_size(),
              decision.footprint.local_bytes + decision.footprint.level1_bytes);
    for (const auto& buffer : decision.buffers) {
      EXPECT_EQ(location_of(workload.group, buffer.name), buffer.location) << buffer.name;
    }
    for (std::size_t i = 0; i < before.entries().size(); ++i) {
      const bufreg::CUDABuffer& was = before.entries()[i];
      const bufreg::CUDABuffer& now = workload.group.entries()[i];
      EXPECT_EQ(now.name(), was.name());
      EXPECT_EQ(now.size(), was.size());
      EXPECT_EQ(now.precision(), was.precision());
      EXPECT_EQ(now.aliases(), was.aliases());
      EXPECT_EQ(now.live(), was.live());
      EXPECT_EQ(now.persistent(), was.persistent());
      const bool relocatable =
          std::find(workload.options.relocatable.begin(), workload.options.relocatable.end(),
                    was.name()) != workload.options.relocatable.end();
      if (!relocatable) {
        EXPECT_EQ(now.location(), was.location()) << was.name();
      }
    }
    // Deterministic: the same group and options give the same decision.
    BufferGroup again = before;
    EXPECT_EQ(bufreg::place_automatically(again, model, workload.options).to_json(),
              decision.to_json());
  }
  EXPECT_LT(refusals, 30);  // the rounds test placements, not refusals
}

TEST(AutomaticPlacement, RandomRegistriesStayWithinLimitsAndBeatAllLocalAndAllShared) {
  std::mt19937_64 random(29);
  const std::vector<std::string> architectures = {"sm_80", "sm_89", "sm_90"};
  int with_shared = 0;  // rounds whose choice keeps some relocatable buffer in shared memory
  for (int round = 0; round < 60; ++round) {
    // A parent with one or two children, one of them with a grandchild, random buffers in each.
    BufferRegistry registry;
    int components[4] = {};
    const char* names[4] = {"", "a", "b", "a/c"};
    const std::size_t count = 2 + random() % 3;
    PlacementOptions options;
    for (std::size_t c = 0; c < count; ++c) {
      for (std::size_t i = 0, n = 1 + random() % 6; i < n; ++i) {
        const std::string name = "x" + std::to_string(i);
        const bool persistent = random() % 6 == 0;
        registry.register_buffer(name, &components[c], 1 + random() % 300,
                                 !persistent && random() % 2 ? Location::shared : Location::local,
                                 persistent, {}, Precision::float64);
        const std::string path = c == 0 ? name : std::string(names[c]) + "/" + name;
        if (!persistent && random() % 4 != 0) options.relocatable.push_back(path);
        options.weights[path] = static_cast<double>(random() % 9);
      }
    }
    registry.register_child(&components[0], &components[1], "a");
    if (count > 2) registry.register_child(&components[0], &components[2], "b");
    if (count > 3) registry.register_child(&components[1], &components[3], "c");
    const PlacementModel model = PlacementModel::for_device(
        described_device(architectures[static_cast<std::size_t>(round % 3)]));
    const PlacementDecision decision = registry.place_automatically(&components[0], model, options);
    SCOPED_TRACE("round " + std::to_string(round) + "\n" + decision.describe());
    ASSERT_TRUE(decision.estimate.fits);
    with_shared +=
        std::any_of(decision.buffers.begin(), decision.buffers.end(),
                    [](const auto& buffer) { return buffer.location == Location::shared; });
    expect_within_limits_and_never_worse(decision, model);
    // Applied as described, and rolled up: the parent's level 0 and every component's locals.
    EXPECT_EQ(registry.shared_buffer_size(&components[0]), decision.footprint.shared_bytes);
    std::size_t local = 0;
    for (std::size_t c = 0; c < count; ++c) local += registry.local_buffer_size(&components[c]);
    EXPECT_EQ(local, decision.footprint.local_bytes);
    for (const auto& buffer : decision.buffers) {
      const auto slash = buffer.name.rfind('/');
      const std::string prefix = slash == std::string::npos ? "" : buffer.name.substr(0, slash);
      const std::size_t c = static_cast<std::size_t>(
          std::find(std::begin(names), std::end(names), prefix) - std::begin(names));
      ASSERT_LT(c, count) << buffer.name;
      EXPECT_EQ(location_of(*registry.group(&components[c]), buffer.name.substr(slash + 1)),
                buffer.location)
          << buffer.name;
    }
  }
  std::printf("%d of 60 rounds keep a relocatable buffer in shared memory\n", with_shared);
  EXPECT_GE(with_shared, 10);
}

/// The ODE integrator's shape: a loop with four local vectors and a child step with seven
/// shared stage vectors and an accumulator aliasing the last.
struct Integrator {
  BufferRegistry registry;
  int loop = 0, step = 0;
  PlacementOptions options;

  explicit Integrator(std::size_t n) {
    for (const char* name : {"state", "proposal", "error"}) {
      registry.register_buffer(name, &loop, n, Location::local, false, {}, Precision::float64);
      options.relocatable.push_back(name);
    }
    registry.register_buffer("carry", &loop, 1, Location::local, true, {}, Precision::float64);
    for (const char* name : {"k1", "k2", "k3", "k4", "k5", "k6", "k7"}) {
      registry.register_buffer(name, &step, n, Location::shared, false, {}, Precision::float64);
      options.relocatable.push_back(std::string("step/") + name);
    }
    registry.register_buffer("stage", &step, n, Location::shared, false, "k7", Precision::float64);
    options.relocatable.push_back("step/stage");
    registry.register_child(&loop, &step, "step");
    options.weights = {{"state", 8}, {"step/stage", 6}, {"carry", 2}};
  }
};

TEST(AutomaticPlacement, ARegistryParentIsPlacedWithItsChildrenInOneStep) {
  Integrator integrator(128);  // 10 KiB per thread: past the on-chip share
  const std::uint32_t step_generation = integrator.registry.group(&integrator.step)->generation();
  const PlacementDecision decision =
      integrator.registry.place_automatically(&integrator.loop, rtx4070, integrator.options);
  BufferRegistry& registry = integrator.registry;
  // Where it says, and the parent rolled up from the moved child.
  for (const auto& buffer : decision.buffers) {
    const bool in_step = buffer.name.rfind("step/", 0) == 0;
    const BufferGroup& group = *registry.group(in_step ? &integrator.step : &integrator.loop);
    const std::string name = in_step ? buffer.name.substr(5) : buffer.name;
    EXPECT_EQ(location_of(group, name), buffer.location) << buffer.name;
  }
  EXPECT_EQ(registry.shared_buffer_size(&integrator.loop), decision.footprint.shared_bytes);
  EXPECT_EQ(
      registry.local_buffer_size(&integrator.loop) + registry.local_buffer_size(&integrator.step),
      decision.footprint.local_bytes);
  EXPECT_NE(registry.group(&integrator.step)->generation(), step_generation);
  EXPECT_EQ(decision.buffers[0].name, "state");
  EXPECT_EQ(decision.buffers[0].location, Location::shared) << decision.describe();
  EXPECT_GT(decision.footprint.shared_bytes, 0u);
  EXPECT_LE(decision.footprint.shared_bytes, 2560u);
  // Persistent traffic counts, in global memory, whatever the placement.
  EXPECT_DOUBLE_EQ(decision.footprint.global_traffic, 2 * 8);

  // Placing again from there changes nothing and says so.
  const PlacementDecision again =
      registry.place_automatically(&integrator.loop, rtx4070, integrator.options);
  EXPECT_EQ(again.footprint.shared_bytes, decision.footprint.shared_bytes);
  for (const auto& buffer : again.buffers) EXPECT_FALSE(buffer.moved) << buffer.name;
}

TEST(AutomaticPlacement, SmallSystemsStayLocalOnEveryDevice) {
  for (const char* arch : {"sm_80", "sm_89", "sm_90", "host"}) {
    Integrator integrator(8);  // 672 B per thread
    const PlacementDecision decision = integrator.registry.place_automatically(
        &integrator.loop, PlacementModel::for_device(described_device(arch)), integrator.options);
    EXPECT_EQ(decision.footprint.shared_bytes, 0u) << arch << "\n" << decision.describe();
  }
}

}  // namespace
