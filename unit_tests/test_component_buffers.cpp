// ComponentBuffers: a component's registrations end with the component.
#include <bufreg/component_buffers.hpp>

#include <gtest/gtest.h>

#include <optional>

namespace {

using bufreg::BufferRegistry;
using bufreg::ComponentBuffers;
using bufreg::Location;

// A solver component as users write one: its buffers live exactly as long as it does.
class Step {
 public:
  Step(BufferRegistry& registry, std::size_t n) : m_buffers(this, registry) {
    m_buffers.register_buffer("k1", n, Location::shared);
    m_buffers.register_buffer("k2", n, Location::shared, false, "k1");
  }
  const ComponentBuffers& buffers() const { return m_buffers; }

 private:
  ComponentBuffers m_buffers;
};

class Loop {
 public:
  Loop(BufferRegistry& registry, std::size_t n) : m_buffers(this, registry), m_step(registry, n) {
    m_buffers.register_buffer("state", n, Location::shared);
    m_buffers.register_child(m_step.buffers(), "step");
  }
  const ComponentBuffers& buffers() const { return m_buffers; }

 private:
  ComponentBuffers m_buffers;
  Step m_step;
};

TEST(ComponentBuffers, RegistrationsEndWithTheComponent) {
  BufferRegistry registry;
  std::optional<Step> step;
  step.emplace(registry, 4);
  const void* address = &*step;
  EXPECT_EQ(registry.shared_buffer_size(address), 16u);
  EXPECT_EQ(step->buffers().get_allocator("k2").offset, 0u);
  step.reset();
  EXPECT_EQ(registry.group(address), nullptr);
}

TEST(ComponentBuffers, ParentAndChildrenRollUpAndAreClearedTogether) {
  BufferRegistry registry;
  std::optional<Loop> loop;
  loop.emplace(registry, 4);
  const void* address = &*loop;
  EXPECT_EQ(registry.shared_buffer_size(address), 32u);  // state + the step's 16 bytes
  const auto& buffers = loop->buffers();
  EXPECT_EQ(&buffers.registry(), &registry);
  EXPECT_EQ(buffers.owner(), address);
  loop.reset();
  EXPECT_EQ(registry.group(address), nullptr);
}

TEST(ComponentBuffers, UsesTheDefaultRegistryUnlessGivenOne) {
  int owner = 0;
  {
    ComponentBuffers buffers(&owner);
    buffers.register_buffer("x", 1, Location::local);
    EXPECT_EQ(&buffers.registry(), &bufreg::buffer_registry());
    EXPECT_EQ(bufreg::buffer_registry().local_buffer_size(&owner), 4u);
  }
  EXPECT_EQ(bufreg::buffer_registry().group(&owner), nullptr);
}

}  // namespace
