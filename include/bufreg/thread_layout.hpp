#pragma once
/// \file
/// How a kernel lays out its threads' copies of an arena: contiguous for CPUs, warp-shaped for
/// GPUs.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <bufreg/allocator.hpp>
#include <bufreg/detail/host_device.hpp>

namespace bufreg {

class BufferGroup;
class BufferRegistry;

/// The shape of the per-thread copies of a group's arenas in a kernel. KernelPlan picks one per
/// execution space (warp_shaped on GPUs, thread_contiguous on CPUs); either runs everywhere.
enum class ThreadLayout : std::uint8_t {
  /// Each thread's arenas are contiguous; level-0 arenas lie the arena size rounded up to the
  /// arena's alignment apart, persistent rows the row size rounded up to a 64-byte cache line
  /// apart (no two CPU threads write one line).
  thread_contiguous,
  /// For 32-lane warps. Level-0 arenas stay contiguous per thread but lie an odd multiple of
  /// max(4 B, the arena's widest element) apart, so a warp's access to one element of a buffer
  /// hits every shared-memory bank evenly: the ideal wavefronts for buffers as wide as the
  /// widest element, at most twice the ideal for narrower ones. Persistent storage interleaves
  /// tiles of 32 threads element by element, thread index fastest: a warp's access is
  /// coalesced. Each thread's level-0 arena starts at a multiple of its element width; the
  /// group's alignment applies to offsets inside the arena.
  warp_shaped
};

/// "thread_contiguous" or "warp_shaped".
const char* to_string(ThreadLayout layout);

/// Threads interleaved by the warp_shaped layout's persistent storage: one warp.
inline constexpr std::size_t warp_tile_threads = 32;

/// Where each thread's copy of an arena lies in the storage of all threads: thread `t`'s byte
/// `b`, in an element of `element_size` bytes, is at
/// `(t / tile_threads) * tile_bytes + b * tile_threads + (t % tile_threads) * element_size`.
/// With one thread a tile, rows `tile_bytes` apart; with 32, the element-by-element interleave
/// of warp_shaped persistent storage.
struct ArenaAddressing {
  std::size_t tile_threads = 1;
  std::size_t tile_bytes = 0;

  /// The offset of thread `thread`'s element starting at arena byte `byte`.
  BUFREG_HOST_DEVICE constexpr std::size_t offset(std::size_t thread, std::size_t byte,
                                                  std::size_t element_size) const {
    return thread / tile_threads * tile_bytes + byte * tile_threads +
           thread % tile_threads * element_size;
  }
  /// Elements between a thread's element k and k + 1 of one buffer.
  BUFREG_HOST_DEVICE constexpr std::size_t element_stride() const { return tile_threads; }
  /// Bytes the storage of `threads` threads takes.
  constexpr std::size_t bytes_for(std::size_t threads) const {
    return (threads + tile_threads - 1) / tile_threads * tile_bytes;
  }
};

/// The addressing of `group`'s arena `region` under `layout`. For warp_shaped persistent storage
/// it is thread_contiguous's instead when two buffers of different widths share bytes there
/// (an alias, or Planner::best): interleaving them element by element would hand one thread's
/// bytes to another (see interleave_conflict()).
ArenaAddressing arena_addressing(const BufferGroup& group, Region region, ThreadLayout layout);

/// The addressing of `group`'s arena `region` kept in global memory for many threads at once
/// (persistent storage, local buffers in level-1 scratch): under warp_shaped, tiles of 32
/// threads interleaved element by element (a warp's access is coalesced) unless two buffers of
/// different widths share bytes there; otherwise rows rounded up to the arena's alignment and a
/// 64-byte cache line.
ArenaAddressing global_memory_addressing(const BufferGroup& group, Region region,
                                         ThreadLayout layout);

/// Why `group`'s `region` cannot be interleaved element by element: the first two buffers of
/// different element widths whose slices overlap; nothing when there are none.
std::optional<std::string> interleave_conflict(const BufferGroup& group, Region region);
/// The same for `parent`'s group and, recursively, every child component's: their buffers share
/// the parent's storage.
std::optional<std::string> interleave_conflict(BufferRegistry& registry, const void* parent,
                                               Region region);

}  // namespace bufreg
