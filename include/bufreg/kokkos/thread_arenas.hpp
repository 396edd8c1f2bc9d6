#pragma once
/// \file
/// One thread's three arenas inside a kernel, and typed access to the buffers in them.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>

#include <bufreg/allocator.hpp>
#include <bufreg/detail/kokkos_debug.hpp>
#include <bufreg/kokkos/local_arena.hpp>
#include <bufreg/kokkos/precision.hpp>

namespace bufreg {

/// The base address and size of one thread's shared, persistent and local arenas. Small and
/// trivially copyable; made by KernelArenas::thread() once per team member.
///
/// \code
/// double* state = arenas.get<double>(state_allocator);
/// \endcode
class ThreadArenas {
 public:
  KOKKOS_DEFAULTED_FUNCTION ThreadArenas() = default;

  KOKKOS_INLINE_FUNCTION ThreadArenas(unsigned char* shared, std::size_t shared_bytes,
                                      unsigned char* persistent, std::size_t persistent_bytes,
                                      unsigned char* local, std::size_t local_bytes,
                                      detail::DeviceNames names = {})
      : m_shared(shared),
        m_persistent(persistent),
        m_local(local),
        m_shared_bytes(shared_bytes),
        m_persistent_bytes(persistent_bytes),
        m_local_bytes(local_bytes),
        m_names(names) {}

  /// The buffer `allocator` describes, as `T*`. A `zero` allocator is zero-filled by this call.
  /// Debug builds abort, naming the buffer, when T is not the buffer's precision or the slice
  /// lies outside its arena.
  template <class T>
  KOKKOS_INLINE_FUNCTION T* get(const Allocator& allocator) const {
    unsigned char* base;
    if (allocator.region == Region::shared) {
      base = m_shared;
    } else if (allocator.region == Region::persistent) {
      base = m_persistent;
    } else {
      base = m_local;
    }
#if BUFREG_IMPL_DEBUG
    check<T>(allocator);
#endif
    unsigned char* bytes = base + allocator.offset;
    if (allocator.zero) zero_fill(bytes, allocator.bytes);
    return reinterpret_cast<T*>(bytes);
  }

  /// The same buffer as an unmanaged rank-1 View of `allocator.count` elements.
  template <class T>
  KOKKOS_INLINE_FUNCTION Kokkos::View<T*, Kokkos::AnonymousSpace, Kokkos::MemoryUnmanaged> view(
      const Allocator& allocator) const {
    return Kokkos::View<T*, Kokkos::AnonymousSpace, Kokkos::MemoryUnmanaged>(get<T>(allocator),
                                                                             allocator.count);
  }

  /// The arenas of a child component rolled up with BufferRegistry::register_child: its shared
  /// and persistent arenas are the parent's `{name}_shared` and `{name}_persistent` buffers; its
  /// local buffers live in the child's own LocalArena.
  template <std::size_t Capacity, std::size_t Alignment>
  KOKKOS_INLINE_FUNCTION ThreadArenas child(const Allocator& shared, const Allocator& persistent,
                                            LocalArena<Capacity, Alignment>& local) const {
    return ThreadArenas(get<unsigned char>(as_bytes(shared)), shared.bytes,
                        get<unsigned char>(as_bytes(persistent)), persistent.bytes, local.bytes,
                        Capacity, m_names);
  }

  /// Where this thread's shared and persistent arenas start (the local one is the caller's).
  KOKKOS_INLINE_FUNCTION unsigned char* shared_base() const { return m_shared; }
  KOKKOS_INLINE_FUNCTION unsigned char* persistent_base() const { return m_persistent; }

 private:
  /// The child entries are uint8 buffers unless wider alignment made them wider types.
  KOKKOS_INLINE_FUNCTION static Allocator as_bytes(Allocator allocator) {
    allocator.precision = Precision::uint8;
    allocator.count = allocator.bytes;
    return allocator;
  }

  KOKKOS_INLINE_FUNCTION static void zero_fill(unsigned char* bytes, std::size_t count) {
    // Slices start aligned to at least their element size; use 4-byte stores where both the
    // start and the length allow.
    if (reinterpret_cast<std::uintptr_t>(bytes) % 4 == 0 && count % 4 == 0) {
      auto* words = reinterpret_cast<std::uint32_t*>(bytes);
      for (std::size_t i = 0; i < count / 4; ++i) words[i] = 0;
    } else {
      for (std::size_t i = 0; i < count; ++i) bytes[i] = 0;
    }
  }

  template <class T>
  KOKKOS_INLINE_FUNCTION void check(const Allocator& allocator) const {
    std::size_t arena_bytes = m_local_bytes;
    if (allocator.region == Region::shared) arena_bytes = m_shared_bytes;
    if (allocator.region == Region::persistent) arena_bytes = m_persistent_bytes;
    if (precision_of<T>() != allocator.precision) {
      detail::buffer_abort(m_names, allocator.name_id,
                           "accessed through a type that is not its precision");
    }
    if (allocator.bytes > arena_bytes || allocator.offset > arena_bytes - allocator.bytes) {
      detail::buffer_abort(m_names, allocator.name_id, "slice lies outside its arena");
    }
  }

  unsigned char* m_shared = nullptr;
  unsigned char* m_persistent = nullptr;
  unsigned char* m_local = nullptr;
  std::size_t m_shared_bytes = 0;
  std::size_t m_persistent_bytes = 0;
  std::size_t m_local_bytes = 0;
  detail::DeviceNames m_names;
};

}  // namespace bufreg
