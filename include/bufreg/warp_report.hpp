#pragma once
/// \file
/// What a kernel's buffers cost a warp under a thread layout: every shared and persistent buffer
/// of a component and its children, priced by the warp-access model.

#include <cstddef>
#include <string>
#include <vector>

#include <bufreg/allocator.hpp>
#include <bufreg/thread_layout.hpp>
#include <bufreg/warp_access.hpp>

namespace bufreg {

class BufferRegistry;

/// One buffer as a kernel of `parent` reaches it: a child's buffers (named "child/buffer") at
/// their offset inside the child's region of the parent's arena.
struct KernelBuffer {
  std::string name;
  Region region;
  std::size_t element_width;
  std::size_t offset;  ///< bytes from the start of the parent's arena
  std::size_t count;   ///< elements
};

/// Every buffer of `parent`'s kernel in shared or persistent storage, children's included
/// (recursively; the entries that hold a child's regions are replaced by the child's buffers).
/// Throws std::out_of_range if `parent` has no buffers.
std::vector<KernelBuffer> kernel_buffers(BufferRegistry& registry, const void* parent);

/// How the plan of `parent` under `layout` addresses its shared and persistent arenas, as
/// KernelPlan(registry, parent, layout) does.
struct KernelAddressing {
  ArenaAddressing shared;
  ArenaAddressing persistent;
};
KernelAddressing kernel_addressing(BufferRegistry& registry, const void* parent,
                                   ThreadLayout layout);

/// The costliest warp access (relative to its ideal) of one buffer.
struct BufferWarpCost {
  KernelBuffer buffer;
  WarpAccessCost shared;      ///< level 0: wavefronts matter (zero for persistent buffers)
  WarpAccessCost persistent;  ///< global memory: sectors matter (zero for shared buffers)
};

/// Every kernel buffer's first, middle and last element, accessed by the 32 lanes of warps 0, 1
/// and 3 of a team whose level-0 block starts at `team_base`, priced by warp_access_cost(); the
/// costliest access of each buffer is kept.
std::vector<BufferWarpCost> warp_costs(BufferRegistry& registry, const void* parent,
                                       ThreadLayout layout, std::size_t team_base = 0);

}  // namespace bufreg
