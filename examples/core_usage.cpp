// Declare a component's buffers, let bufreg lay them out, and find each one.
#include <bufreg/core.hpp>

#include <cstdio>

int main() {
  using bufreg::Location;
  bufreg::BufferGroup group;
  group.register_buffer("state", 8, Location::shared, false, {}, bufreg::Precision::float64);
  group.register_buffer("stage", 8, Location::shared, false, {}, bufreg::Precision::float64);
  // The residual lives while `stage` is dead, so it may reuse stage's storage.
  group.register_buffer("residual", 8, Location::local, false, "stage", bufreg::Precision::float64);
  group.register_buffer("step_size", 1, Location::local, /*persistent=*/true);

  const bufreg::Allocator residual = group.get_allocator("residual");
  std::printf("shared %zu B, persistent %zu B, local %zu B per thread\n",
              group.shared_buffer_size(), group.persistent_local_buffer_size(),
              group.local_buffer_size());
  std::printf("residual: %s arena, offset %zu, %zu bytes\n",
              bufreg::to_string(residual.region).data(), residual.offset, residual.bytes());
}
