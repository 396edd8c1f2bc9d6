#pragma once
/// \file
/// Storage of persistent-local buffers that outlives a launch.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include <bufreg/thread_layout.hpp>

namespace bufreg {

/// The persistent arenas of every thread of a launch (league size × team size), in
/// `MemorySpace`, laid out by an ArenaAddressing: contiguous rows or tiles of interleaved
/// threads. Labelled "bufreg::persistent". Thread (league_rank, team_rank) finds what it left
/// there in the previous launch.
template <class MemorySpace>
class PersistentStorage {
 public:
  using view_type = Kokkos::View<unsigned char*, MemorySpace>;

  /// Makes room for `threads` threads laid out by `addressing`. Growing keeps every thread's
  /// bytes (tiles and rows are appended); new bytes, and all bytes after a change of
  /// addressing, start zeroed.
  void reserve(std::size_t threads, const ArenaAddressing& addressing) {
    const std::size_t bytes = addressing.bytes_for(threads);
    const bool same_addressing = m_addressing.tile_threads == addressing.tile_threads &&
                                 m_addressing.tile_bytes == addressing.tile_bytes;
    if (m_allocated && same_addressing && bytes <= m_bytes.extent(0)) return;
    // Constructed with its extent (never default-constructed then resized: GCC 12 miscompiles
    // that with Kokkos 4.5-4.6, kokkos#8187).
    view_type grown("bufreg::persistent", bytes);
    if (m_allocated && same_addressing) {
      Kokkos::deep_copy(
          Kokkos::subview(grown, std::pair<std::size_t, std::size_t>(0, m_bytes.extent(0))),
          m_bytes);
    }
    m_bytes = grown;
    m_addressing = addressing;
    m_allocated = true;
  }

  const view_type& view() const { return m_bytes; }
  const ArenaAddressing& addressing() const { return m_addressing; }

 private:
  view_type m_bytes;
  ArenaAddressing m_addressing;
  bool m_allocated = false;
};

}  // namespace bufreg
