// Automatic placement: a time loop and its Dormand-Prince step, 128 states each, placed for an
// H100 by bufreg's model. The step's eight stage vectors would take 8 KiB of shared memory per
// thread as registered; the model keeps the block large and moves only the hottest vectors.
#include <bufreg/core.hpp>

#include <cstdio>
#include <string>

int main() {
  using bufreg::Location;
  using bufreg::Precision;
  bufreg::BufferRegistry registry;
  int loop = 0, step = 0;  // the components, keyed by address
  bufreg::PlacementOptions options;
  for (const char* name : {"state", "proposal", "error"}) {
    registry.register_buffer(name, &loop, 128, Location::local, false, {}, Precision::float64);
    options.relocatable.push_back(name);
  }
  for (const char* name : {"k1", "k2", "k3", "k4", "k5", "k6", "k7"}) {
    registry.register_buffer(name, &step, 128, Location::shared, false, {}, Precision::float64);
    options.relocatable.push_back(std::string("step/") + name);  // a child's buffer: its path
  }
  registry.register_buffer("stage", &step, 128, Location::shared, false, "k7", Precision::float64);
  registry.register_child(&loop, &step, "step");
  options.relocatable.push_back("step/stage");
  options.weights = {{"state", 8}, {"step/stage", 7}};  // accesses per element and step

  const bufreg::PlacementModel h100 =
      bufreg::PlacementModel::for_device(bufreg::described_device("sm_90"));
  const bufreg::PlacementDecision decision = registry.place_automatically(&loop, h100, options);
  std::printf("%s", decision.describe().c_str());
  // The registry now holds the placement: the loop's level 0 is what the decision says.
  return registry.shared_buffer_size(&loop) == decision.footprint.shared_bytes ? 0 : 1;
}
