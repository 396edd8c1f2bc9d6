#pragma once
/// \file
/// Storage of persistent-local buffers that outlives a launch.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include <bufreg/detail/kokkos_profiling_region.hpp>
#include <bufreg/thread_layout.hpp>

namespace bufreg {

/// The persistent arenas of every thread of a launch (league size × team size), in
/// `MemorySpace`, laid out by an ArenaAddressing: contiguous rows or tiles of interleaved
/// threads. Its View is labelled `label` ("bufreg::persistent" unless told otherwise). Thread
/// (league_rank, team_rank) finds what it left there in the previous launch.
template <class MemorySpace>
class PersistentStorage {
 public:
  using view_type = Kokkos::View<unsigned char*, MemorySpace>;

  explicit PersistentStorage(std::string label = "bufreg::persistent")
      : m_label(std::move(label)) {}

  /// Makes room for `threads` threads laid out by `addressing`, allocating, zeroing and copying
  /// on the instance `space` and waiting for nothing: a kernel on `space` sees the storage ready,
  /// one on another instance must wait for `space` (fence it) first. Growing keeps every
  /// thread's bytes (tiles and rows are appended) and copies them on `space`, so work on other
  /// instances that uses the storage must be finished before. New bytes, and all bytes after a
  /// change of addressing, start zeroed. Returns whether it allocated (and so enqueued work on
  /// `space`). Runs in the profiling region "bufreg::PersistentStorage::reserve".
  template <class ExecutionSpace>
  bool reserve(const ExecutionSpace& space, std::size_t threads,
               const ArenaAddressing& addressing) {
    static_assert(Kokkos::is_execution_space<ExecutionSpace>::value,
                  "bufreg: reserve() takes an execution-space instance first");
    static_assert(Kokkos::SpaceAccessibility<ExecutionSpace, MemorySpace>::accessible,
                  "bufreg: the execution-space instance cannot access the persistent storage's "
                  "memory space");
    const detail::ProfilingRegion region("bufreg::PersistentStorage::reserve");
    const std::size_t bytes = addressing.bytes_for(threads);
    const bool same_addressing = m_addressing.tile_threads == addressing.tile_threads &&
                                 m_addressing.tile_bytes == addressing.tile_bytes;
    if (m_allocated && same_addressing && bytes <= m_bytes.extent(0)) return false;
    // Constructed with its extent (never default-constructed then resized: GCC 12 miscompiles
    // that with Kokkos 4.5-4.6, kokkos#8187). Zeroed on `space`, then the old bytes copied
    // after it on the same instance. The old View may be released while that copy is queued:
    // Kokkos fences before it frees a View's memory.
    view_type grown(Kokkos::view_alloc(space, m_label), bytes);
    if (m_allocated && same_addressing) {
      Kokkos::deep_copy(
          space, Kokkos::subview(grown, std::pair<std::size_t, std::size_t>(0, m_bytes.extent(0))),
          m_bytes);
    }
    m_bytes = grown;
    m_addressing = addressing;
    m_allocated = true;
    return true;
  }

  /// As reserve(space, ...) on a default instance of the memory space's execution space, and
  /// done when it returns (that instance is fenced if anything was allocated).
  bool reserve(std::size_t threads, const ArenaAddressing& addressing) {
    const typename MemorySpace::execution_space space;
    if (!reserve(space, threads, addressing)) return false;
    space.fence();
    return true;
  }

  const view_type& view() const { return m_bytes; }
  const ArenaAddressing& addressing() const { return m_addressing; }
  const std::string& label() const { return m_label; }

 private:
  std::string m_label;
  view_type m_bytes;
  ArenaAddressing m_addressing;
  bool m_allocated = false;
};

}  // namespace bufreg
