#pragma once
/// \file
/// What a kernel captures to find each thread's arenas.

#include <Kokkos_Core.hpp>

#include <cstddef>

#include <bufreg/detail/kokkos_debug.hpp>
#include <bufreg/kokkos/local_arena.hpp>
#include <bufreg/kokkos/thread_arenas.hpp>

namespace bufreg {

/// Captured by value in a kernel launched with the policy KernelPlan::configure() returned;
/// made by KernelPlan::kernel_arenas(). The kernel declares a
/// `LocalArena<LocalCapacity, LocalAlignment>` per thread for the local buffers.
template <class ExecutionSpace, std::size_t LocalCapacity, std::size_t LocalAlignment = 16>
class KernelArenas {
 public:
  using memory_space = typename ExecutionSpace::memory_space;
  using local_arena_type = LocalArena<LocalCapacity, LocalAlignment>;

  struct Layout {
    std::size_t shared_stride;     // bytes between two threads' shared arenas
    std::size_t shared_alignment;  // start of the team's shared block
    std::size_t shared_bytes;      // one thread's shared arena
    std::size_t persistent_bytes;  // one thread's persistent arena
    std::size_t local_bytes;       // one thread's local arena
    int team_size;                 // the team size the plan was configured for
  };

  /// An empty handle, for functor prototypes that only size a launch (KernelPlan::configure).
  KernelArenas() = default;

  KernelArenas(const Layout& layout,
               Kokkos::View<unsigned char**, Kokkos::LayoutRight, memory_space> persistent,
               Kokkos::View<const char*, memory_space> names)
      : m_layout(layout), m_persistent(persistent), m_names(names) {}

  /// This team member's arenas: its slice of the team's level-0 scratch, its row of persistent
  /// storage and `local`. Call it once per team member and kernel invocation: each call takes
  /// the team's scratch again.
  template <class TeamMember>
  KOKKOS_INLINE_FUNCTION ThreadArenas thread(const TeamMember& member,
                                             local_arena_type& local) const {
    const detail::DeviceNames names{
        m_names.data(), static_cast<std::uint32_t>(m_names.extent(0) / detail::device_name_width)};
    const auto team_size = static_cast<std::size_t>(member.team_size());
    const auto rank = static_cast<std::size_t>(member.team_rank());
    unsigned char* shared = nullptr;
    if (m_layout.shared_stride > 0) {
      void* team_block = member.team_scratch(0).get_shmem_aligned(
          m_layout.shared_stride * team_size,
          static_cast<std::ptrdiff_t>(m_layout.shared_alignment));
      if (team_block == nullptr) {
        Kokkos::abort(
            "bufreg: level-0 scratch exhausted: launch with the policy KernelPlan::configure() "
            "returned, and call KernelArenas::thread() once per team member");
      }
      shared = static_cast<unsigned char*>(team_block) + rank * m_layout.shared_stride;
    }
    const std::size_t row = static_cast<std::size_t>(member.league_rank()) * team_size + rank;
#if BUFREG_IMPL_DEBUG
    if (member.team_size() != m_layout.team_size || row >= m_persistent.extent(0)) {
      Kokkos::abort(
          "bufreg: kernel launched with another policy than kernel_arenas() was made for");
    }
#endif
    unsigned char* persistent = m_persistent.data() + row * m_persistent.extent(1);
    return ThreadArenas(shared, m_layout.shared_bytes, persistent, m_layout.persistent_bytes,
                        local.bytes, LocalCapacity, names);
  }

 private:
  Layout m_layout{};
  Kokkos::View<unsigned char**, Kokkos::LayoutRight, memory_space> m_persistent;
  Kokkos::View<const char*, memory_space> m_names;
};

}  // namespace bufreg
