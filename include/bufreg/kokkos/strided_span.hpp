#pragma once
/// \file
/// The one accessor kernels use for a buffer, whatever the thread layout.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <bufreg/detail/kokkos_debug.hpp>

namespace bufreg {

/// One thread's buffer of `size()` elements, element k at `data()[k * stride()]`: stride 1 in
/// contiguous arenas, the tile's thread count in interleaved ones (ThreadLayout::warp_shaped
/// persistent storage). Indexing is one multiply-add; trivially copyable, 16 bytes (a kernel
/// holds many: 32-bit counts keep them in few registers).
///
/// \code
/// bufreg::StridedSpan<double> x = arenas.span<double>(x_allocator);
/// for (std::size_t k = 0; k < x.size(); ++k) x[k] = 0.5 * k;
/// \endcode
template <class T>
class StridedSpan {
 public:
  using element_type = T;

  KOKKOS_DEFAULTED_FUNCTION StridedSpan() = default;
  /// `size` elements from `first`, `stride` elements apart.
  KOKKOS_INLINE_FUNCTION StridedSpan(T* first, std::size_t size, std::size_t stride = 1)
      : m_first(first),
        m_size(static_cast<std::uint32_t>(size)),
        m_stride(static_cast<std::uint32_t>(stride)) {}

  template <class Index, class = std::enable_if_t<std::is_integral_v<Index>>>
  KOKKOS_INLINE_FUNCTION T& operator[](Index k) const {
    return m_first[static_cast<std::size_t>(k) * m_stride];
  }
  template <class Index, class = std::enable_if_t<std::is_integral_v<Index>>>
  KOKKOS_INLINE_FUNCTION T& operator()(Index k) const {
    return (*this)[k];
  }

  KOKKOS_INLINE_FUNCTION std::size_t size() const { return m_size; }
  KOKKOS_INLINE_FUNCTION std::size_t stride() const { return m_stride; }
  KOKKOS_INLINE_FUNCTION bool is_contiguous() const { return m_stride == 1; }
  /// The elements as a plain pointer: for contiguous spans only (debug builds abort on others,
  /// whose element 1 is not at data() + 1).
  KOKKOS_INLINE_FUNCTION T* data() const {
#if BUFREG_IMPL_DEBUG
    if (m_stride != 1) {
      Kokkos::abort("bufreg: StridedSpan::data() on an interleaved buffer: index it instead");
    }
#endif
    return m_first;
  }

 private:
  T* m_first = nullptr;
  std::uint32_t m_size = 0;  // KernelPlan checks that every arena fits 32 bits
  std::uint32_t m_stride = 1;
};

}  // namespace bufreg
