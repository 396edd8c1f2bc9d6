#pragma once
/// \file
/// Per-thread storage of persistent-local buffers that outlives a launch.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace bufreg {

/// One row of bytes per thread of a launch (league size × team size), in `MemorySpace`, labelled
/// "bufreg::persistent". Rows keep their contents from one launch to the next: thread
/// (league_rank, team_rank) finds what it left there.
template <class MemorySpace>
class PersistentStorage {
 public:
  using view_type = Kokkos::View<unsigned char**, Kokkos::LayoutRight, MemorySpace>;

  /// Makes room for `threads` rows of `row_bytes`, each row starting at a multiple of
  /// `alignment`. Growing keeps existing rows; a new row size starts over with zeroed rows.
  void reserve(std::size_t threads, std::size_t row_bytes, std::size_t alignment) {
    if (!m_allocated || row_bytes != m_row_bytes) {
      m_rows = view_type("bufreg::persistent", threads, row_bytes);
      m_row_bytes = row_bytes;
      m_allocated = true;
    } else if (threads > m_rows.extent(0)) {
      Kokkos::resize(m_rows, threads, row_bytes);
    }
    if (m_rows.data() && reinterpret_cast<std::uintptr_t>(m_rows.data()) % alignment != 0) {
      throw std::runtime_error("bufreg: persistent storage is not " + std::to_string(alignment) +
                               "-byte aligned");
    }
  }

  const view_type& view() const { return m_rows; }

 private:
  view_type m_rows;
  std::size_t m_row_bytes = 0;
  bool m_allocated = false;
};

}  // namespace bufreg
