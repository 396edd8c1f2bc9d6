#pragma once
// Everything observable about a BufferGroup, to check that a rejected call changed nothing.

#include <bufreg/buffer_group.hpp>

#include <map>
#include <string>
#include <vector>

namespace bufreg::test {

struct GroupSnapshot {
  std::vector<CUDABuffer> entries;
  std::map<std::string, Slice> shared, persistent, local;
  std::map<std::string, std::size_t> local_sizes;
  std::size_t shared_size, persistent_size, local_size, layout_builds;

  explicit GroupSnapshot(const BufferGroup& group)
      : entries(group.entries()),
        shared(group.shared_layout()),
        persistent(group.persistent_layout()),
        local(group.local_layout()),
        local_sizes(group.local_sizes()),
        shared_size(group.shared_buffer_size()),
        persistent_size(group.persistent_local_buffer_size()),
        local_size(group.local_buffer_size()),
        layout_builds(group.layout_builds()) {}

  friend bool operator==(const GroupSnapshot& a, const GroupSnapshot& b) {
    return a.entries == b.entries && a.shared == b.shared && a.persistent == b.persistent &&
           a.local == b.local && a.local_sizes == b.local_sizes && a.shared_size == b.shared_size &&
           a.persistent_size == b.persistent_size && a.local_size == b.local_size &&
           a.layout_builds == b.layout_builds;
  }
};

}  // namespace bufreg::test
