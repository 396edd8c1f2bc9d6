#pragma once
/// \file
/// One thread's three arenas inside a kernel, and typed access to the buffers in them.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <bufreg/allocator.hpp>
#include <bufreg/detail/kokkos_debug.hpp>
#include <bufreg/kokkos/local_arena.hpp>
#include <bufreg/kokkos/precision.hpp>
#include <bufreg/kokkos/strided_span.hpp>
#include <bufreg/thread_layout.hpp>

namespace bufreg {

/// Where one thread's shared, persistent and local arenas are, and how big. Small and trivially
/// copyable; made by KernelArenas::thread() once per team member.
///
/// \code
/// bufreg::StridedSpan<double> state = arenas.span<double>(state_allocator);
/// \endcode
class ThreadArenas {
 public:
  /// Where this thread's arena lies in storage it shares with other threads (persistent
  /// storage; local buffers in level-1 scratch): its tile, its place in the tile and the tile's
  /// thread count (1 for contiguous rows; see ArenaAddressing).
  struct Interleaved {
    unsigned char* tile = nullptr;
    std::size_t bytes = 0;
    std::size_t lane = 0;
    std::size_t tile_threads = 1;
  };

  /// The team's per-team buffers (KernelPlan::set_team_buffers): its arenas in level-0 and
  /// level-1 scratch, and the generation of their layout.
  struct Team {  // no member initializers: it is a default argument inside this class
    unsigned char* shared;
    std::size_t shared_bytes;
    unsigned char* level1;
    std::size_t level1_bytes;
    std::uint32_t generation;
  };

  KOKKOS_DEFAULTED_FUNCTION ThreadArenas() = default;

  KOKKOS_INLINE_FUNCTION ThreadArenas(unsigned char* shared, std::size_t shared_bytes,
                                      Interleaved persistent, Interleaved local,
                                      detail::DeviceNames names = {}, std::uint32_t generation = 0,
                                      Team team = {})
      : m_shared(shared),
        m_persistent(persistent),
        m_local(local),
        m_team(team),
        m_shared_bytes(shared_bytes),
        m_names(names),
        m_generation(generation) {}

  /// The buffer `allocator` describes: this thread's copy, or the team's for a per-team buffer
  /// (Scope::team), which every thread of the team sees. A `zero` allocator is zero-filled by
  /// this call (a per-team one by every thread that calls it: take it with one thread, or zero
  /// it in a TeamThreadRange loop). T must
  /// be an element type (PrecisionOf): `bufreg::float16` for float16 buffers, Kokkos' `half_t`
  /// only where it is 2 bytes, else this does not compile. Debug builds abort, naming the
  /// buffer, when T is not the buffer's precision, the slice lies outside its arena or the
  /// allocator is of another layout generation than the plan's (KernelPlan::check() refuses
  /// that on the host, in every build).
  template <class T>
  KOKKOS_INLINE_FUNCTION StridedSpan<T> span(const Allocator& allocator) const {
    // Instantiated in every build, not only where check_type() runs: a type bufreg does not
    // know, or Kokkos' half_t where it is not 2 bytes, stops the build with its message.
    static_assert(sizeof(PrecisionOf<std::remove_cv_t<T>>) > 0);
#if BUFREG_IMPL_DEBUG
    check_generation(allocator);
    check_type<T>(allocator);
    check_slice(allocator);
#endif
    const StridedSpan<T> elements(reinterpret_cast<T*>(first_byte(allocator, sizeof(T))),
                                  allocator.count, stride(allocator));
    if (allocator.zero) {
      for (std::size_t k = 0; k < allocator.count; ++k) elements[k] = T{};
    }
    return elements;
  }

  /// The same buffer as a plain `T*`, for buffers in contiguous storage (every buffer except
  /// those warp_shaped interleaves: persistent ones, and local ones in level-1 scratch). Debug
  /// builds abort on an interleaved buffer.
  template <class T>
  KOKKOS_INLINE_FUNCTION T* get(const Allocator& allocator) const {
#if BUFREG_IMPL_DEBUG
    if (stride(allocator) != 1) {
      detail::buffer_abort(m_names, allocator.name_id,
                           "is interleaved with other threads: take it with span<T>, not get<T>");
    }
#endif
    return span<T>(allocator).data();
  }

  /// The same buffer as an unmanaged rank-1 View (LayoutStride) of `allocator.count` elements.
  template <class T>
  KOKKOS_INLINE_FUNCTION
      Kokkos::View<T*, Kokkos::LayoutStride, Kokkos::AnonymousSpace, Kokkos::MemoryUnmanaged>
      view(const Allocator& allocator) const {
    const StridedSpan<T> elements = span<T>(allocator);
    return Kokkos::View<T*, Kokkos::LayoutStride, Kokkos::AnonymousSpace, Kokkos::MemoryUnmanaged>(
        &elements[0], Kokkos::LayoutStride(allocator.count, elements.stride()));
  }

  /// The arenas of a child component rolled up with BufferRegistry::register_child: its shared
  /// and persistent arenas are the parent's `{name}_shared` and `{name}_persistent` buffers; its
  /// local buffers live in the child's own LocalArena (on the stack, whatever the parent's plan
  /// does with its own).
  template <std::size_t Capacity, std::size_t Alignment>
  KOKKOS_INLINE_FUNCTION ThreadArenas child(const Allocator& shared, const Allocator& persistent,
                                            LocalArena<Capacity, Alignment>& local) const {
#if BUFREG_IMPL_DEBUG
    check_generation(shared);
    check_generation(persistent);
    check_slice(shared);
    check_slice(persistent);
#endif
    Interleaved child_persistent = m_persistent;
    child_persistent.tile += persistent.offset * m_persistent.tile_threads;
    child_persistent.bytes = persistent.bytes();
    // The child's allocators are of the child's layout, whose generation the kernel does not
    // know: KernelPlan::check() covers them on the host.
    return ThreadArenas(m_shared + shared.offset, shared.bytes(), child_persistent,
                        Interleaved{local.bytes, Capacity, 0, 1}, m_names, 0, m_team);
  }

  /// Where this thread's shared arena starts, and where its persistent and local arenas lie.
  KOKKOS_INLINE_FUNCTION unsigned char* shared_base() const { return m_shared; }
  KOKKOS_INLINE_FUNCTION const Interleaved& persistent() const { return m_persistent; }
  KOKKOS_INLINE_FUNCTION const Interleaved& local() const { return m_local; }
  KOKKOS_INLINE_FUNCTION const Team& team() const { return m_team; }

 private:
  KOKKOS_INLINE_FUNCTION std::size_t stride(const Allocator& allocator) const {
    if (allocator.region == Region::shared || allocator.scope == Scope::team) return 1;
    return allocator.region == Region::persistent ? m_persistent.tile_threads
                                                  : m_local.tile_threads;
  }

  KOKKOS_INLINE_FUNCTION unsigned char* first_byte(const Allocator& allocator,
                                                   std::size_t element_bytes) const {
    if (allocator.scope == Scope::team) {
      return (allocator.region == Region::shared ? m_team.shared : m_team.level1) +
             allocator.offset;
    }
    if (allocator.region == Region::shared) return m_shared + allocator.offset;
    if (allocator.region == Region::local) return at(m_local, allocator.offset, element_bytes);
    return at(m_persistent, allocator.offset, element_bytes);
  }

  KOKKOS_INLINE_FUNCTION static unsigned char* at(const Interleaved& arena, std::size_t offset,
                                                  std::size_t element_bytes) {
    const ArenaAddressing tile{arena.tile_threads, 0};
    return arena.tile + tile.offset(arena.lane, offset, element_bytes);
  }

  template <class T>
  KOKKOS_INLINE_FUNCTION void check_type(const Allocator& allocator) const {
    // The trait, not precision_of(): a constexpr host function is not callable in CUDA kernels.
    if (PrecisionOf<std::remove_cv_t<T>>::value != allocator.precision) {
      detail::buffer_abort(m_names, allocator.name_id,
                           "accessed through a type that is not its precision");
    }
  }

  KOKKOS_INLINE_FUNCTION void check_generation(const Allocator& allocator) const {
    const std::uint32_t planned = allocator.scope == Scope::team ? m_team.generation : m_generation;
    if (planned != 0 && allocator.generation != planned) {
      detail::buffer_abort(m_names, allocator.name_id,
                           "its allocator is of another layout generation than the plan's: take "
                           "allocators again after a layout changes");
    }
  }

  KOKKOS_INLINE_FUNCTION void check_slice(const Allocator& allocator) const {
    if (allocator.scope == Scope::team && m_team.shared == nullptr && m_team.level1 == nullptr) {
      detail::buffer_abort(m_names, allocator.name_id,
                           "is a per-team buffer, but these arenas hold no team's: take them with "
                           "KernelArenas::team_member(), from a plan given its group");
    }
    std::size_t arena_bytes = m_local.bytes;
    if (allocator.region == Region::shared) arena_bytes = m_shared_bytes;
    if (allocator.region == Region::persistent) arena_bytes = m_persistent.bytes;
    if (allocator.scope == Scope::team) {
      // Persistent per-team buffers do not exist (KernelPlan refuses them): no arena.
      arena_bytes = allocator.region == Region::shared  ? m_team.shared_bytes
                    : allocator.region == Region::local ? m_team.level1_bytes
                                                        : 0;
    }
    const std::size_t bytes = allocator.bytes();
    if (bytes > arena_bytes || allocator.offset > arena_bytes - bytes) {
      detail::buffer_abort(m_names, allocator.name_id, "slice lies outside its arena");
    }
  }

  unsigned char* m_shared = nullptr;
  Interleaved m_persistent;
  Interleaved m_local;
  Team m_team{};
  std::size_t m_shared_bytes = 0;
  detail::DeviceNames m_names;
  std::uint32_t m_generation = 0;  // of the plan's layout; 0 in a child's arenas: not checked
};

}  // namespace bufreg
