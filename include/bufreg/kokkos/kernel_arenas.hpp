#pragma once
/// \file
/// What a kernel captures to find each thread's arenas.

#include <Kokkos_Core.hpp>

#include <cstddef>
#include <cstdint>

#include <bufreg/detail/kokkos_debug.hpp>
#include <bufreg/kokkos/local_arena.hpp>
#include <bufreg/kokkos/thread_arenas.hpp>
#include <bufreg/thread_layout.hpp>

namespace bufreg {

/// Captured by value in a kernel launched with the policy KernelPlan::configure() returned;
/// made by KernelPlan::kernel_arenas(). For a plan with LocalStorage::stack the kernel declares
/// a `LocalArena<LocalCapacity, LocalAlignment>` per thread for the local buffers and passes it
/// to thread(member, local); with LocalStorage::level1_scratch they are in level-1 scratch, and
/// the kernel calls thread(member).
template <class ExecutionSpace, std::size_t LocalCapacity, std::size_t LocalAlignment = 16>
class KernelArenas {
 public:
  using memory_space = typename ExecutionSpace::memory_space;
  using local_arena_type = LocalArena<LocalCapacity, LocalAlignment>;

  /// Sizes and strides, in bytes unless named otherwise; KernelPlan checks they fit 32 bits
  /// (keeping the functor small: CUDA passes functors over 512 B through constant memory).
  struct Layout {
    std::uint32_t shared_stride;            // between two threads' shared arenas
    std::uint32_t shared_alignment;         // of the team's shared block
    std::uint32_t shared_bytes;             // one thread's shared arena
    std::uint32_t persistent_tile_threads;  // threads a persistent tile interleaves
    std::size_t persistent_tile_bytes;      // bytes of one persistent tile
    std::uint32_t persistent_bytes;         // one thread's persistent arena
    std::uint32_t local_bytes;              // one thread's local arena
    std::uint32_t local_tile_threads;       // in level-1 scratch: threads a tile interleaves,
    std::uint32_t local_tile_bytes;         // bytes of one tile
    std::uint32_t local_alignment;          // and of the team's block; 0: locals on the stack
    std::uint32_t team_shared_bytes;        // per-team buffers in level 0,
    std::uint32_t team_shared_alignment;
    std::uint32_t team_level1_bytes;  // and in level 1
    std::uint32_t team_level1_alignment;
    std::uint32_t team_generation;  // of the per-team buffers' layout (debug builds)
    std::uint32_t team_size;        // the team size the plan was configured for
    std::uint32_t threads;          // threads the persistent storage holds
    std::uint32_t generation;       // of the plan's layout (debug builds check it)
  };

  /// An empty handle, for functor prototypes that only size a launch (KernelPlan::configure).
  KernelArenas() = default;

  KernelArenas(const Layout& layout, Kokkos::View<unsigned char*, memory_space> persistent,
               [[maybe_unused]] Kokkos::View<const char*, memory_space> names)
      : m_layout(layout),
        m_persistent(persistent)
#if BUFREG_IMPL_DEBUG
        ,
        m_names(names)
#endif
  {
  }

  /// This team member's arenas: its slice of the team's level-0 scratch, its part of the
  /// persistent storage and `local`, and the team's per-team buffers. Call it once per team
  /// member and kernel invocation: each call takes the team's scratch again. Aborts the kernel when
  /// the launch has more threads than the plan made persistent storage for (one comparison, always
  /// on).
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas thread(const TeamMember& member,
                                             local_arena_type& local) const {
    return arenas(member, on_stack(local), no_team());
  }

  /// As thread(member, local), for a plan with LocalStorage::level1_scratch (or no local
  /// buffers): this member's local arena is its part of the team's level-1 scratch, taken
  /// here, so call it before the kernel takes level-1 scratch of its own.
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas thread(const TeamMember& member) const {
    return arenas(member, level1_local(member), no_team());
  }

  /// As thread(member, local) and thread(member), and the team's per-team buffers too
  /// (KernelPlan::set_team_buffers): take a kernel's arenas with these when it uses per-team
  /// buffers. (The thread() calls leave them out, so kernels without them keep the registers
  /// the team's scratch pointers would take; debug builds abort, naming the buffer, when a
  /// per-team buffer is taken through them.)
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas team_member(const TeamMember& member,
                                                  local_arena_type& local) const {
    return arenas(member, on_stack(local), team(member));
  }
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas team_member(const TeamMember& member) const {
    const ThreadArenas::Interleaved local = level1_local(member);
    return arenas(member, local, team(member));
  }

 private:
  /// The per-team arenas of the thread() calls: none.
  KOKKOS_INLINE_FUNCTION static ThreadArenas::Team no_team() { return {nullptr, 0, nullptr, 0, 0}; }

  /// This member's local arena on its stack, `local`.
  KOKKOS_INLINE_FUNCTION ThreadArenas::Interleaved on_stack(local_arena_type& local) const {
    if (m_layout.local_alignment != 0) {
      Kokkos::abort(
          "bufreg: the plan keeps local buffers in level-1 scratch: call KernelArenas::thread"
          "(member) or team_member(member), without a LocalArena");
    }
    return ThreadArenas::Interleaved{local.bytes, m_layout.local_bytes, 0, 1};
  }

  /// This member's local arena in the team's level-1 scratch (none without local buffers).
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas::Interleaved level1_local(const TeamMember& member) const {
    if (m_layout.local_alignment == 0) {
      if (m_layout.local_bytes > 0) {
        Kokkos::abort(
            "bufreg: the plan keeps local buffers on the stack: declare a LocalArena and call "
            "KernelArenas::thread(member, local)");
      }
      return ThreadArenas::Interleaved{nullptr, 0, 0, 1};
    }
    const auto team_size = static_cast<std::size_t>(member.team_size());
    const std::size_t tile_threads = m_layout.local_tile_threads;
    const std::size_t tiles = (team_size + tile_threads - 1) / tile_threads;
    unsigned char* const block =
        take(member.team_scratch(1), tiles * m_layout.local_tile_bytes, m_layout.local_alignment,
             "bufreg: level-1 scratch exhausted: launch with the policy KernelPlan::configure() "
             "returned, and call KernelArenas::thread() once per team member before taking "
             "level-1 scratch of the kernel's own");
    const auto rank = static_cast<std::size_t>(member.team_rank());
    return ThreadArenas::Interleaved{block + rank / tile_threads * m_layout.local_tile_bytes,
                                     m_layout.local_bytes, rank % tile_threads, tile_threads};
  }

  /// The team's per-team arenas, after the threads' in each level.
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas::Team team(const TeamMember& member) const {
    return ThreadArenas::Team{
        take(member.team_scratch(0), m_layout.team_shared_bytes, m_layout.team_shared_alignment,
             "bufreg: level-0 scratch exhausted"),
        m_layout.team_shared_bytes,
        take(member.team_scratch(1), m_layout.team_level1_bytes, m_layout.team_level1_alignment,
             "bufreg: level-1 scratch exhausted"),
        m_layout.team_level1_bytes, m_layout.team_generation};
  }

  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas arenas(const TeamMember& member,
                                             const ThreadArenas::Interleaved& local,
                                             const ThreadArenas::Team& team) const {
    const auto team_size = static_cast<std::size_t>(member.team_size());
    const auto rank = static_cast<std::size_t>(member.team_rank());
    unsigned char* shared = nullptr;
    const std::size_t stride = m_layout.shared_stride;
    if (stride > 0) {
      void* team_block = member.team_scratch(0).get_shmem_aligned(
          stride * team_size, static_cast<std::ptrdiff_t>(m_layout.shared_alignment));
      if (team_block == nullptr) {
        Kokkos::abort(
            "bufreg: level-0 scratch exhausted: launch with the policy KernelPlan::configure() "
            "returned, and call KernelArenas::thread() once per team member");
      }
      shared = static_cast<unsigned char*>(team_block) + rank * stride;
    }
    const std::size_t thread = static_cast<std::size_t>(member.league_rank()) * team_size + rank;
    if (thread >= m_layout.threads || team_size != m_layout.team_size) {
      Kokkos::abort(
          "bufreg: kernel launched with another policy than kernel_arenas() was made for");
    }
    const std::size_t tile_threads = m_layout.persistent_tile_threads;
    const ThreadArenas::Interleaved persistent{
        m_persistent.data() + thread / tile_threads * m_layout.persistent_tile_bytes,
        m_layout.persistent_bytes, thread % tile_threads, tile_threads};
#if BUFREG_IMPL_DEBUG
    const detail::DeviceNames names{
        m_names.data(), static_cast<std::uint32_t>(m_names.extent(0) / detail::device_name_width)};
#else
    const detail::DeviceNames names{};
#endif
    return ThreadArenas(shared, m_layout.shared_bytes, persistent, local, names,
                        m_layout.generation, team);
  }

  /// `bytes` of the team's scratch `level` (none for 0 bytes); aborts with `exhausted` when the
  /// policy did not provide them.
  template <class Scratch>
  KOKKOS_INLINE_FUNCTION static unsigned char* take(const Scratch& scratch, std::size_t bytes,
                                                    std::size_t alignment, const char* exhausted) {
    if (bytes == 0) return nullptr;
    void* block = scratch.get_shmem_aligned(bytes, static_cast<std::ptrdiff_t>(alignment));
    if (block == nullptr) Kokkos::abort(exhausted);
    return static_cast<unsigned char*>(block);
  }

  Layout m_layout{};
  Kokkos::View<unsigned char*, memory_space> m_persistent;
#if BUFREG_IMPL_DEBUG
  Kokkos::View<const char*, memory_space> m_names;  // messages name buffers in debug builds
#endif
};

}  // namespace bufreg
