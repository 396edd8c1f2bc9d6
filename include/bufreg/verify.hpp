#pragma once
/// \file
/// An independent check of a computed layout.

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include <bufreg/buffer_group.hpp>

namespace bufreg {

/// One broken invariant: the buffer it concerns and what is wrong.
struct Violation {
  std::string buffer;
  std::string problem;
};

/// Re-derives from the registrations alone whether `group`'s layout is safe, without using the
/// code that built it, and lists what is wrong (nothing, when the layout is valid):
/// - every buffer has exactly one placement, whose slice covers exactly its bytes;
/// - every slice starts at a multiple of max(alignment, element size);
/// - buffers overlap in memory only when one is an alias inside the other or their live
///   intervals do not overlap (so aliases of one parent that live together never overlap);
/// - an alias inside its parent lies within the parent, in the parent's arena, and only where
///   the rules allow (both in the same arena, or a local alias in a shared parent);
/// - a buffer outside any parent lies in the arena its own settings select;
/// - no non-persistent buffer lands in persistent storage, and no persistent buffer outside it;
/// - each arena's size is the end of its last slice;
/// - the layout maps, local sizes and allocators agree with the placements.
/// Reports at most `limit` violations.
std::vector<Violation> verify(const BufferGroup& group, std::size_t limit = 100);

/// The same checks on a layout given as placements (one per entry, in entry order) and arena
/// sizes (indexed by Region): for layouts made elsewhere, and for testing the checks.
std::vector<Violation> verify(const std::vector<CUDABuffer>& entries,
                              const std::vector<Placement>& placements,
                              const std::array<std::size_t, 3>& arena_sizes,
                              const LayoutOptions& options, std::size_t limit = 100);

}  // namespace bufreg
