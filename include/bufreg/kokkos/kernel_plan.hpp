#pragma once
/// \file
/// From a layout to a launch: scratch sizing, limit checks, persistent storage.

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <bufreg/automatic_placement.hpp>
#include <bufreg/buffer_group.hpp>
#include <bufreg/buffer_registry.hpp>
#include <bufreg/detail/kokkos_debug.hpp>
#include <bufreg/detail/kokkos_profiling_region.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/name_table.hpp>
#include <bufreg/detail/registration_order_layout.hpp>
#include <bufreg/kokkos/device_description.hpp>
#include <bufreg/kokkos/kernel_arenas.hpp>
#include <bufreg/kokkos/local_storage.hpp>
#include <bufreg/kokkos/persistent_storage.hpp>
#include <bufreg/thread_layout.hpp>
#include <bufreg/warp_access.hpp>

namespace bufreg {

/// The ThreadLayout a plan on `ExecutionSpace` uses unless told otherwise: warp_shaped where
/// the space's memory is not the host's (GPUs), thread_contiguous on CPU backends.
template <class ExecutionSpace>
constexpr ThreadLayout default_thread_layout() {
  return Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                    typename ExecutionSpace::memory_space>::accessible
             ? ThreadLayout::thread_contiguous
             : ThreadLayout::warp_shaped;
}

/// The per-thread and per-team bytes a group's layout needs in a `Kokkos::TeamPolicy` kernel on
/// `ExecutionSpace`, laid out for its threads by a ThreadLayout, and the persistent storage that
/// outlives launches. Takes a snapshot of the layout and records its generation: once the
/// layout moves, configure(), largest_team_size() and kernel_arenas() refuse the plan
/// (std::logic_error: make a new one), and check() refuses allocators taken from another
/// layout than the plan's. The group (or registry) must outlive the plan.
///
/// kernel_arenas(), the one call that allocates and copies, takes the execution-space instance
/// to do that on first, as Kokkos' own calls do; without one it uses `ExecutionSpace()` and waits
/// for it. Its allocations are labelled "bufreg::..." behind the prefix the plan was given
/// (`KernelPlan<Space>("app", group)` labels its storage "app::bufreg::persistent"). Making the
/// plan, configure(), largest_team_size() and kernel_arenas() each run inside a Kokkos Tools
/// profiling region named after them ("bufreg::KernelPlan", "bufreg::KernelPlan::configure",
/// ...), so that tools attribute their time and allocations to bufreg.
///
/// \code
/// bufreg::KernelPlan<ExecSpace> plan(group);
/// auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(league, 64));  // sizes scratch
/// auto arenas = plan.kernel_arenas<256>(policy);  // 256-byte LocalArena per thread
/// plan.check(state_allocator);  // from this plan's layout
/// Kokkos::parallel_for("app::kernel", policy, KOKKOS_LAMBDA(const Member& member) {
///   bufreg::LocalArena<256> local;
///   const bufreg::ThreadArenas mine = arenas.thread(member, local);
///   bufreg::StridedSpan<double> state = mine.span<double>(state_allocator);
/// });
/// \endcode
///
/// With `plan.set_local_storage(bufreg::LocalStorage::level1_scratch)` before configure(), the
/// local buffers live in level-1 scratch sized from the layout: `plan.kernel_arenas(policy)`
/// without a capacity, and `arenas.thread(member)` without a LocalArena.
template <class ExecutionSpace = Kokkos::DefaultExecutionSpace>
class KernelPlan {
 public:
  using execution_space = ExecutionSpace;
  using memory_space = typename ExecutionSpace::memory_space;

  explicit KernelPlan(const BufferGroup& group,
                      ThreadLayout layout = default_thread_layout<ExecutionSpace>())
      : KernelPlan(std::string(), group, layout) {}

  /// As KernelPlan(group, layout), its allocations labelled "`label`::bufreg::...".
  KernelPlan(std::string label, const BufferGroup& group,
             ThreadLayout layout = default_thread_layout<ExecutionSpace>())
      : KernelPlan(detail::ProfilingRegion("bufreg::KernelPlan"), std::move(label), group, layout) {
  }
  /// The plan keeps a pointer to its group: not one of a temporary.
  KernelPlan(const BufferGroup&& group, ThreadLayout layout = {}) = delete;
  KernelPlan(std::string label, const BufferGroup&& group, ThreadLayout layout = {}) = delete;

  /// The plan of `parent`'s group; std::out_of_range if it has none. Warp-shaped persistent
  /// storage is interleaved only if no child component's either has buffers of different
  /// widths sharing bytes. (The snapshot is taken outside the registry's lock: plan while no
  /// other thread changes that component.) The plan covers the components inside `parent`
  /// too: a change of any of them makes it stale, and check() takes their allocators.
  KernelPlan(BufferRegistry& registry, const void* parent,
             ThreadLayout layout = default_thread_layout<ExecutionSpace>())
      : KernelPlan(std::string(), registry, parent, layout) {}

  /// As KernelPlan(registry, parent, layout), its allocations labelled "`label`::bufreg::...".
  KernelPlan(std::string label, BufferRegistry& registry, const void* parent,
             ThreadLayout layout = default_thread_layout<ExecutionSpace>())
      : KernelPlan(detail::ProfilingRegion("bufreg::KernelPlan"), std::move(label), registry,
                   parent, layout) {}

  /// The prefix of the plan's allocation labels; empty for none.
  const std::string& label() const { return m_label; }

  /// Throws, before any launch, std::logic_error when the layout moved since the plan was made
  /// (make a new plan), and std::invalid_argument naming the buffer for an allocator taken from
  /// another layout than the plan's (take it again). Call it with the allocators a kernel uses
  /// before launching it: one comparison each.
  template <class... Allocators>
  void check(const Allocators&... allocators) const {
    static_assert((std::is_same_v<Allocators, Allocator> && ...),
                  "bufreg: KernelPlan::check() takes Allocators");
    check_current();
    (check_allocator(allocators), ...);
  }
  /// The layout generation the plan was made for, of its group and, for a plan of a registry's
  /// component, of each component inside it (BufferRegistry::generations()).
  const std::map<std::string, std::uint32_t>& generations() const { return m_generations; }

  /// The layout asked for, and what it gave each arena.
  ThreadLayout thread_layout() const { return m_layout; }
  const ArenaAddressing& shared_addressing() const { return m_shared; }
  const ArenaAddressing& persistent_addressing() const { return m_persistent_addressing; }
  /// One line per arena: its bytes per thread, where it lives and how threads are laid out, and
  /// why warp-shaped persistent storage fell back to contiguous rows where it did.
  std::string describe() const {
    std::string text = std::string("thread layout: ") + to_string(m_layout) + "\n";
    text +=
        "level 0: " + std::to_string(m_shared_bytes) + " B per thread, threads " +
        std::to_string(m_shared.tile_bytes) + " B apart" +
        (m_layout == ThreadLayout::warp_shaped && m_shared.tile_bytes > 0
             ? " (an odd multiple of " + std::to_string(bank_unit()) + " B: even across the banks)"
             : "") +
        "\n";
    text += "persistent: " + std::to_string(m_persistent_bytes) + " B per thread, ";
    text +=
        m_persistent_addressing.tile_threads > 1
            ? "interleaved in tiles of " + std::to_string(m_persistent_addressing.tile_threads) +
                  " threads (coalesced)"
            : "contiguous rows " + std::to_string(m_persistent_addressing.tile_bytes) + " B apart";
    if (m_persistent_fallback) text += " because " + *m_persistent_fallback;
    text += "\nlocal: " + std::to_string(m_local_bytes) + " B per thread, ";
    if (m_local_storage == LocalStorage::stack) {
      text += "on the stack (LocalArena)";
    } else {
      text += "in level-1 scratch, ";
      text += m_local_addressing.tile_threads > 1
                  ? "interleaved in tiles of " + std::to_string(m_local_addressing.tile_threads) +
                        " threads (coalesced)"
                  : "contiguous rows " + std::to_string(m_local_addressing.tile_bytes) + " B apart";
      if (m_local_fallback) text += " because " + *m_local_fallback;
    }
    text += "\n";
    if (m_fitted) text += m_moved + "\n";
    if (m_team) {
      text += "per team: level 0 " + std::to_string(team_level0_bytes()) + " B, level 1 " +
              std::to_string(team_level1_bytes()) + " B\n";
    }
    return text;
  }

  /// Bytes between two threads' shared arenas in level-0 scratch.
  std::size_t shared_bytes_per_thread() const { return m_shared.tile_bytes; }
  /// Level-0 scratch bytes a team of `team_size` gets from configure(): the threads' shared
  /// arenas, the alignment slack of their common start, and any extra level-0 scratch.
  std::size_t level0_bytes_per_team(int team_size) const {
    return team_bytes() + thread_bytes() * static_cast<std::size_t>(team_size);
  }
  /// Level-0 scratch the kernel uses besides bufreg's; configure() adds it to the policy.
  void add_level0_scratch(std::size_t per_team, std::size_t per_thread) {
    m_extra_team += per_team;
    m_extra_thread += per_thread;
  }
  /// Where the local buffers live (LocalStorage::stack unless set); set it before configure().
  LocalStorage local_storage() const { return m_local_storage; }
  /// Throws std::invalid_argument for a value that is not a LocalStorage.
  void set_local_storage(LocalStorage storage) {
    if (storage != LocalStorage::stack && storage != LocalStorage::level1_scratch) {
      throw std::invalid_argument("bufreg: local storage " +
                                  std::to_string(static_cast<int>(storage)) +
                                  " is not a LocalStorage");
    }
    m_local_storage = storage;
  }
  /// How level-1 scratch lays out the threads' local arenas (LocalStorage::level1_scratch).
  const ArenaAddressing& local_addressing() const { return m_local_addressing; }
  /// Level-1 scratch bytes a team of `team_size` gets from configure(): the threads' local
  /// arenas when they are in level 1 (whole tiles, and the alignment slack of their start), and
  /// any extra level-1 scratch; 0 when level 1 is the policy's own.
  std::size_t level1_bytes_per_team(int team_size) const {
    return level1_team_bytes() + level1_thread_bytes() * static_cast<std::size_t>(team_size);
  }
  /// Level-1 scratch the kernel uses besides bufreg's, for plans that keep local buffers there
  /// (configure() then sets the policy's level 1 from the plan, as it does level 0).
  void add_level1_scratch(std::size_t per_team, std::size_t per_thread) {
    m_extra1_team += per_team;
    m_extra1_thread += per_thread;
  }
  /// Per-team buffers: `team_group` (made with LayoutOptions::scope = Scope::team) holds buffers
  /// with one copy per team, shared by its threads: its shared buffers in level-0 scratch, its
  /// local ones in level-1 scratch, each arena after the threads' in that level (PerTeam bytes
  /// next to the PerThread ones). Kernels take them with the same ThreadArenas calls, the
  /// allocators carrying their scope; `TeamThreadRange` loops over them are the intended use.
  /// Set it before configure(); the plan records the group's generation as it does its own
  /// (check() takes its allocators). Throws std::invalid_argument for a group of thread scope
  /// or with a persistent buffer (scratch does not survive the launch).
  void set_team_buffers(const BufferGroup& team_group) {
    if (team_group.options().scope != Scope::team) {
      throw std::invalid_argument(
          "bufreg: set_team_buffers() takes a group of per-team buffers: make it with "
          "LayoutOptions::scope = Scope::team");
    }
    for (const CUDABuffer& buffer : team_group.entries()) {
      if (buffer.persistent()) {
        throw std::invalid_argument(
            detail::buffer_message(buffer.name(),
                                   "is a persistent per-team buffer, but per-team buffers live in "
                                   "scratch, which does not survive the launch"));
      }
    }
    m_team = TeamArenas{
        &team_group,
        team_group.generation(),
        team_group.arena_size(Region::shared),
        team_group.arena_alignment(Region::shared),
        team_group.arena_size(Region::local),
        std::max<std::size_t>(team_group.arena_alignment(Region::local), global_sector_bytes),
        largest_buffers(team_group, Region::shared),
        largest_buffers(team_group, Region::local)};
  }
  void set_team_buffers(const BufferGroup&& team_group) = delete;  // the plan keeps a pointer
  /// Level-0 and level-1 scratch bytes of the per-team buffers (0 without them).
  std::size_t team_level0_bytes() const { return m_team ? m_team->shared_bytes : 0; }
  std::size_t team_level1_bytes() const { return m_team ? m_team->level1_bytes : 0; }

  /// Automatic fallback across levels: when the plan's level-0 scratch does not fit
  /// `scratch_size_max(0)` at `team_size`, moves shared buffers to level-1 scratch, largest
  /// first (an alias inside a parent with it), until it fits. The plan then lays out a copy of
  /// its group in which they are local buffers, kept in level 1 (set
  /// LocalStorage::level1_scratch first). Take every allocator from allocator() afterwards: the
  /// remaining shared buffers move too, and check() refuses the group's own. describe() names
  /// what moved and why. Returns the moved buffers' names, empty when everything fits. Throws
  /// std::invalid_argument for a team size under 1, std::logic_error for a plan of a registry's
  /// component (its children's regions cannot move)
  /// or with local buffers on the stack, and std::runtime_error when the rest still does not fit
  /// (team buffers or extra scratch alone overflow level 0).
  template <class Policy = Kokkos::TeamPolicy<ExecutionSpace>>
  std::vector<std::string> fit_level0(int team_size) {
    if (team_size < 1) {
      throw std::invalid_argument("bufreg: fit_level0() needs a team size of 1 or more, not " +
                                  std::to_string(team_size));
    }
    if (!m_group) {
      throw std::logic_error(
          "bufreg: fit_level0() moves buffers of a plan's own group; a registry component's "
          "children are laid out inside its shared arena: move buffers with registry.update()");
    }
    if (m_local_storage != LocalStorage::level1_scratch) {
      throw std::logic_error(
          "bufreg: fit_level0() moves buffers to level-1 scratch: "
          "set_local_storage(LocalStorage::level1_scratch) first");
    }
    check_current();
    const auto limit = static_cast<std::size_t>(Policy::scratch_size_max(0));
    auto fitted = std::make_shared<BufferGroup>(m_fitted ? *m_fitted : *m_group);
    std::vector<std::string> moved;
    while (level0_bytes_per_team(team_size) > limit) {
      if (m_largest_shared.empty()) throw std::runtime_error(fits_message(Policy(), team_size));
      const std::string largest = m_largest_shared.front().name;
      BufferUpdate to_local;
      to_local.location = Location::local;
      fitted->update_buffer(largest, to_local);
      moved.push_back(largest);
      for (const CUDABuffer& buffer : std::vector<CUDABuffer>(fitted->entries())) {
        if (buffer.aliases() == largest && buffer.location() == Location::shared) {
          fitted->update_buffer(buffer.name(), to_local);  // its aliases go with it
          moved.push_back(buffer.name());
        }
      }
      take_level_layouts(*fitted);
    }
    if (moved.empty()) return moved;
    m_fitted = std::move(fitted);
    m_moved = "moved to level-1 scratch to fit level 0 (" + detail::format_bytes(limit) +
              ") at team size " + std::to_string(team_size) + ":";
    for (const std::string& name : moved) m_moved += " " + detail::quoted(name);
    return moved;
  }

  /// Automatic placement of the plan's own group on `model` (default: the device the execution
  /// space runs on): bufreg::place_automatically() on a copy, as fit_level0() works, so the
  /// group itself keeps its placement. Take every allocator from allocator() afterwards;
  /// describe() ends with the decision's reasons. Throws what place_automatically() throws,
  /// std::logic_error for a plan of a registry's component (use
  /// BufferRegistry::place_automatically before making the plan) and when the decision keeps
  /// the locals in level-1 scratch (past `options.local_capacity`) but the plan keeps them on
  /// the stack; a refusal changes nothing.
  PlacementDecision place_automatically(
      const PlacementOptions& options,
      const PlacementModel& model = placement_model(ExecutionSpace())) {
    if (!m_group) {
      throw std::logic_error(
          "bufreg: place_automatically() moves buffers of a plan's own group; place a registry "
          "component with BufferRegistry::place_automatically() before making its plan");
    }
    check_current();
    auto placed = std::make_shared<BufferGroup>(m_fitted ? *m_fitted : *m_group);
    PlacementDecision decision = bufreg::place_automatically(*placed, model, options);
    if (decision.locals_in_level1 && m_local_storage != LocalStorage::level1_scratch) {
      throw std::logic_error(
          "bufreg: the placement keeps " + std::to_string(decision.footprint.level1_bytes) +
          " B of local buffers per thread, past local_capacity: "
          "set_local_storage(LocalStorage::level1_scratch) first, or raise local_capacity");
    }
    take_level_layouts(*placed);
    m_fitted = std::move(placed);
    m_moved = decision.describe();
    m_moved.pop_back();  // describe() prints its own newline
    return decision;
  }

  /// The allocator of buffer `name` in the plan's layout: the group's, or after fit_level0() or
  /// place_automatically() moved buffers, that of the plan's copy. Throws std::out_of_range for an
  /// unknown name, and std::logic_error for a plan of a registry's component (take those from the
  /// registry).
  Allocator allocator(const std::string& name, bool zero = false) const {
    if (m_fitted) return m_fitted->get_allocator(name, zero);
    if (!m_group) {
      throw std::logic_error(
          "bufreg: a registry component's plan hands out no allocators: take them from the "
          "registry");
    }
    return m_group->get_allocator(name, zero);
  }

  /// Bytes of persistent storage each thread of a launch takes.
  std::size_t persistent_bytes_per_thread() const {
    return m_persistent_addressing.tile_bytes / m_persistent_addressing.tile_threads;
  }
  std::size_t local_bytes_per_thread() const { return m_local_bytes; }

  /// `policy` with its level-0 scratch set to level0_bytes_per_team() and, when the local
  /// buffers are in level-1 scratch, its level 1 to level1_bytes_per_team(); everything else
  /// the policy carries is kept. Throws std::runtime_error, before any launch, when a level
  /// exceeds `TeamPolicy::scratch_size_max(level)`, naming the largest buffers there and the
  /// largest team size that would fit; std::invalid_argument for a policy whose team size is
  /// still AUTO (use the overload taking the functor), whose vector length is over 1, or that
  /// already asks for level-1 scratch when the plan sets level 1 (declare the kernel's own with
  /// add_level1_scratch()).
  template <class... Properties>
  Kokkos::TeamPolicy<Properties...> configure(Kokkos::TeamPolicy<Properties...> policy) const {
    check_space<Properties...>();
    const detail::ProfilingRegion region("bufreg::KernelPlan::configure");
    check_current();
    check_vector_length(policy);
    check_level1_is_free(policy);
    if (policy.impl_auto_team_size() || policy.team_size() <= 0) {
      throw std::invalid_argument(
          "bufreg: the policy's team size is AUTO; pass the functor to configure() so the "
          "plan can pick one that fits");
    }
    with_scratch(policy);
    check_fits(policy);
    return policy;
  }

  /// As configure(policy), and with a team size of AUTO picks Kokkos' recommended team size for
  /// `functor` launched as `Tag` (Kokkos::ParallelForTag, ParallelReduceTag or ParallelScanTag),
  /// capped at largest_team_size() and, on GPUs, rounded down to whole warps. The policy's
  /// league size, chunk size, level-1 scratch and properties (work tag, schedule) are kept. An
  /// explicit team size is checked against Kokkos' `team_size_max` for the functor too.
  template <class... Properties, class Functor, class Tag = Kokkos::ParallelForTag>
  Kokkos::TeamPolicy<Properties...> configure(Kokkos::TeamPolicy<Properties...> policy,
                                              const Functor& functor, Tag tag = {}) const {
    check_space<Properties...>();
    const detail::ProfilingRegion region("bufreg::KernelPlan::configure");
    check_current();
    check_vector_length(policy);
    check_level1_is_free(policy);
    if (policy.impl_auto_team_size() || policy.team_size() <= 0) {
      const int largest = largest_team_size(policy, functor, tag);
      with_scratch(policy);
      const int team = whole_warps(std::min(policy.team_size_recommended(functor, tag), largest));
      Kokkos::TeamPolicy<Properties...> chosen(policy.space(), policy.league_size(), team, 1);
      chosen.set_chunk_size(policy.chunk_size());
      // Kokkos keeps level-1 scratch per team and per thread; the two sizes are read back from
      // the totals at team sizes 1 and 2 (Serial, whose teams are one thread, reports one sum).
      const auto level1 = [&](int size) {
        return static_cast<std::size_t>(policy.scratch_size(1, size));
      };
      const std::size_t per_thread = level1(2) - level1(1);
      chosen.set_scratch_size(1, Kokkos::PerTeam(scratch_count(level1(1) - per_thread)),
                              Kokkos::PerThread(scratch_count(per_thread)));
      policy = chosen;
      with_scratch(policy);
    } else {
      with_scratch(policy);
      const int kokkos_max = policy.team_size_max(functor, tag);
      if (policy.team_size() > kokkos_max) {
        throw std::runtime_error("bufreg: team size " + std::to_string(policy.team_size()) +
                                 " exceeds the " + std::to_string(kokkos_max) + " that " +
                                 ExecutionSpace::name() + " allows for this kernel");
      }
    }
    check_fits(policy);
    return policy;
  }

  /// The largest team size whose scratch fits `scratch_size_max` at each level and that Kokkos
  /// allows for `functor` launched as `Tag` once the scratch is set. Throws std::runtime_error
  /// if not even one thread fits.
  template <class... Properties, class Functor, class Tag = Kokkos::ParallelForTag>
  int largest_team_size(Kokkos::TeamPolicy<Properties...> policy, const Functor& functor,
                        Tag tag = {}) const {
    check_space<Properties...>();
    const detail::ProfilingRegion region("bufreg::KernelPlan::largest_team_size");
    check_current();
    with_scratch(policy);
    const int kokkos_max = policy.team_size_max(functor, tag);
    const int fits = team_size_that_fits(policy);
    if (fits < 1) throw std::runtime_error(fits_message(policy, 1));
    return std::min(kokkos_max, fits);
  }

  /// The handle kernels capture, for launches with `policy` (as configure() returned it) and a
  /// `LocalArena<LocalCapacity, LocalAlignment>` per thread (no capacity for a plan whose local
  /// buffers are in level-1 scratch, or that has none). Grows the persistent storage to
  /// every thread of the launch, allocating and copying on the instance `space` (debug builds
  /// also copy the buffer names there, once per plan) without waiting for it: launch on `space`,
  /// or fence it before launching on another instance. Throws std::invalid_argument, before
  /// anything is allocated, if the local buffers do not fit the LocalArena (or are in level-1
  /// scratch and a capacity is given), or the policy lacks the scratch configure() adds or has
  /// vector lanes; std::logic_error if the layout moved since
  /// the plan was made. An instance of another execution space than the plan's does not compile.
  template <std::size_t LocalCapacity = 0, std::size_t LocalAlignment = 16, class Space,
            class... Properties>
  KernelArenas<ExecutionSpace, LocalCapacity, LocalAlignment> kernel_arenas(
      const Space& space, const Kokkos::TeamPolicy<Properties...>& policy) {
    static_assert(std::is_same_v<Space, ExecutionSpace>,
                  "bufreg: the execution-space instance is of another execution space than the "
                  "plan");
    check_space<Properties...>();
    const detail::ProfilingRegion region("bufreg::KernelPlan::kernel_arenas");
    check_current();
    return arenas_on<LocalCapacity, LocalAlignment>(space, policy).first;
  }

  /// As kernel_arenas(ExecutionSpace(), policy), and done when it returns: that instance is
  /// fenced when anything was allocated or copied, so any instance may launch the kernel.
  template <std::size_t LocalCapacity = 0, std::size_t LocalAlignment = 16, class... Properties>
  KernelArenas<ExecutionSpace, LocalCapacity, LocalAlignment> kernel_arenas(
      const Kokkos::TeamPolicy<Properties...>& policy) {
    check_space<Properties...>();
    const detail::ProfilingRegion region("bufreg::KernelPlan::kernel_arenas");
    check_current();
    const ExecutionSpace space;
    const auto [arenas, enqueued] = arenas_on<LocalCapacity, LocalAlignment>(space, policy);
    if (enqueued) space.fence();
    return arenas;
  }

  /// Throws std::invalid_argument unless the local arena fits `capacity` bytes aligned to
  /// `alignment`.
  void check_local_capacity(std::size_t capacity, std::size_t alignment) const {
    if (m_local_bytes <= capacity && m_local_alignment <= alignment) return;
    const std::size_t needed_alignment = std::max(alignment, m_local_alignment);
    const std::string declare =
        "; declare LocalArena<" + std::to_string(std::max(capacity, m_local_bytes)) +
        (needed_alignment > 16 ? ", " + std::to_string(needed_alignment) : std::string()) + ">";
    if (m_local_bytes > capacity) {
      throw std::invalid_argument("bufreg: the local buffers need " +
                                  detail::format_bytes(m_local_bytes) +
                                  " per thread, but the LocalArena holds " +
                                  detail::format_bytes(capacity) + declare + " or larger");
    }
    throw std::invalid_argument("bufreg: the local buffers need " +
                                std::to_string(m_local_alignment) +
                                "-byte alignment, but the LocalArena is " +
                                std::to_string(alignment) + "-byte aligned" + declare);
  }

  PersistentStorage<memory_space>& persistent_storage() { return m_storage; }

 private:
  struct NamedSize {
    std::string name;
    std::size_t bytes;
  };

  // The region is an argument so that it is pushed before the members are initialised and popped
  // after.
  KernelPlan(const detail::ProfilingRegion&, std::string label, const BufferGroup& group,
             ThreadLayout layout)
      : KernelPlan(std::move(label), group, layout,
                   interleave_conflict(group, Region::persistent)) {}

  KernelPlan(const detail::ProfilingRegion&, std::string label, BufferRegistry& registry,
             const void* parent, ThreadLayout layout)
      : KernelPlan(std::move(label), group_of(registry, parent), layout,
                   interleave_conflict(registry, parent, Region::persistent)) {
    m_group = nullptr;
    m_registry = &registry;
    m_parent = parent;
    m_generations = registry.generations(parent);
  }

  KernelPlan(std::string label, const BufferGroup& group, ThreadLayout layout,
             std::optional<std::string> persistent_conflict)
      : m_group(&thread_scoped(group)),
        m_generations{{"", group.generation()}},
        m_layout(layout),
        m_persistent_addressing(
            arena_addressing(group, Region::persistent,
                             persistent_conflict ? ThreadLayout::thread_contiguous : layout)),
        m_persistent_fallback(layout == ThreadLayout::warp_shaped ? persistent_conflict
                                                                  : std::nullopt),
        m_persistent_bytes(group.persistent_local_buffer_size()),
        m_label(std::move(label)),
        m_storage(labelled(m_label, "bufreg::persistent")) {
    take_level_layouts(group);
  }

  /// The shared and local arenas' sizes and addressing, from `group` (the planned one, or the
  /// copy fit_level0() moved buffers in).
  void take_level_layouts(const BufferGroup& group) {
    m_shared = arena_addressing(group, Region::shared, m_layout);
    m_shared_alignment = group.arena_alignment(Region::shared);
    m_shared_width = group.element_width(Region::shared);
    m_shared_bytes = group.shared_buffer_size();
    m_local_alignment = group.arena_alignment(Region::local);
    m_local_bytes = group.local_buffer_size();
    m_local_addressing = global_memory_addressing(group, Region::local, m_layout);
    m_local_fallback = m_layout == ThreadLayout::warp_shaped
                           ? interleave_conflict(group, Region::local)
                           : std::nullopt;
    m_largest_shared = largest_buffers(group, Region::shared);
    m_largest_local = largest_buffers(group, Region::local);
  }

  /// The generations of the plan's layouts as they are now.
  std::map<std::string, std::uint32_t> current_generations() const {
    if (m_registry) return m_registry->generations(m_parent);
    return {{"", m_group->generation()}};
  }

  std::string component(const std::string& path) const {
    if (!path.empty()) return "component " + detail::quoted(path);
    return m_registry ? "the planned component" : "its group";
  }

  void check_current() const {
    if (m_team && m_team->group->generation() != m_team->generation) {
      throw std::logic_error("bufreg: the plan was made for layout generation " +
                             std::to_string(m_team->generation) +
                             " of its team group, which is now generation " +
                             std::to_string(m_team->group->generation()) +
                             ": make a new KernelPlan after a layout changes");
    }
    const std::map<std::string, std::uint32_t> now = current_generations();
    if (now == m_generations) return;
    const auto stale = [](const std::string& what) {
      return std::logic_error("bufreg: " + what + ": make a new KernelPlan after a layout changes");
    };
    for (const auto& [path, generation] : m_generations) {
      const auto found = now.find(path);
      const std::string made_for = "the plan was made for layout generation " +
                                   std::to_string(generation) + " of " + component(path);
      if (found == now.end()) throw stale(made_for + ", which is no longer registered");
      if (found->second != generation) {
        throw stale(made_for + ", which is now generation " + std::to_string(found->second));
      }
    }
    const auto added = std::find_if(now.begin(), now.end(), [&](const auto& entry) {
      return m_generations.count(entry.first) == 0;
    });
    throw stale(component(added->first) + " was put inside the planned component after the " +
                "plan was made");
  }

  void check_allocator(const Allocator& allocator) const {
    if (allocator.scope == Scope::team) {
      if (m_team && allocator.generation == m_team->generation) return;
      throw std::invalid_argument(detail::buffer_message(
          buffer_name(allocator.name_id),
          m_team ? "its allocator is from layout generation " +
                       std::to_string(allocator.generation) + ", but the plan's team group is " +
                       "generation " + std::to_string(m_team->generation) +
                       ": take allocators again after a layout changes"
                 : std::string("is a per-team buffer, but the plan has no team group: pass its "
                               "group to set_team_buffers()")));
    }
    if (m_fitted) {
      if (allocator.generation == m_fitted->generation()) return;
      throw std::invalid_argument(detail::buffer_message(
          buffer_name(allocator.name_id),
          "its allocator is from layout generation " + std::to_string(allocator.generation) +
              ", but the plan moved buffers (fit_level0() or place_automatically()): take "
              "allocators from KernelPlan::allocator()"));
    }
    for (const auto& entry : m_generations) {
      if (entry.second == allocator.generation) return;
    }
    std::string planned;
    for (const auto& [path, generation] : m_generations) {
      planned +=
          (planned.empty() ? "" : ", ") + std::to_string(generation) + " (" + component(path) + ")";
    }
    throw std::invalid_argument(detail::buffer_message(
        buffer_name(allocator.name_id), "its allocator is from layout generation " +
                                            std::to_string(allocator.generation) +
                                            ", but the plan is for generation " + planned +
                                            ": take allocators again after a layout changes"));
  }

  std::size_t bank_unit() const { return std::max<std::size_t>(m_shared_width, 4); }

  /// Team sizes on GPUs are whole warps where they can be.
  static int whole_warps(int team) {
    constexpr int warp = static_cast<int>(warp_tile_threads);
    if (default_thread_layout<ExecutionSpace>() != ThreadLayout::warp_shaped || team < warp) {
      return team;
    }
    return team / warp * warp;
  }

  /// A byte count as the scratch-size type of this Kokkos (int before 3.7, size_t after);
  /// std::runtime_error past what Kokkos 3 can take (no scratch level holds that much anyway).
  static auto scratch_count(std::size_t bytes) {
    using Count = decltype(Kokkos::PerTeam(0).value);
    if (bytes > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      throw std::runtime_error("bufreg: " + detail::format_bytes(bytes) +
                               " of scratch per team or thread cannot be requested");
    }
    return static_cast<Count>(bytes);
  }

  /// `value` as the 32-bit field a kernel captures; std::runtime_error if it does not fit.
  static std::uint32_t narrow(std::size_t value, const char* what) {
    if (value > std::numeric_limits<std::uint32_t>::max()) {
      throw std::runtime_error(std::string("bufreg: ") + std::to_string(value) + " " + what +
                               " do not fit the 32 bits a kernel captures");
    }
    return static_cast<std::uint32_t>(value);
  }

  template <class Policy>
  static void check_vector_length(const Policy& policy) {
    if (!policy.impl_auto_vector_length() && policy.impl_vector_length() > 1) {
      throw std::invalid_argument(
          "bufreg: the policy's vector length is " + std::to_string(policy.impl_vector_length()) +
          "; bufreg's arenas are per thread, and the vector lanes of a thread would share and "
          "race on them: launch with a vector length of 1");
    }
  }

  static const BufferGroup& thread_scoped(const BufferGroup& group) {
    if (group.options().scope == Scope::team) {
      throw std::invalid_argument(
          "bufreg: the group holds per-team buffers (Scope::team): plan a group of per-thread "
          "buffers and pass this one to set_team_buffers()");
    }
    return group;
  }

  static const BufferGroup& group_of(BufferRegistry& registry, const void* parent) {
    const BufferGroup* group = registry.group(parent);
    if (!group) throw std::out_of_range("bufreg: the component has no buffers registered");
    return *group;
  }

  /// The three largest buffers of `region` that take space of their own (not inside a parent).
  static std::vector<NamedSize> largest_buffers(const BufferGroup& group, Region region) {
    std::vector<NamedSize> sizes;
    const auto& placements = group.placements();
    for (std::size_t i = 0; i < placements.size(); ++i) {
      if (placements[i].region == region && !placements[i].inside_parent) {
        sizes.push_back({group.entries()[i].name(), placements[i].slice.size()});
      }
    }
    const auto larger = [](const NamedSize& a, const NamedSize& b) { return a.bytes > b.bytes; };
    std::stable_sort(sizes.begin(), sizes.end(), larger);
    if (sizes.size() > 3) sizes.resize(3);
    return sizes;
  }

  template <class... Properties>
  static void check_space() {
    static_assert(
        std::is_same_v<typename Kokkos::TeamPolicy<Properties...>::execution_space, ExecutionSpace>,
        "bufreg: the policy runs on another execution space than the plan");
  }

  std::size_t team_bytes() const {
    return m_extra_team + (m_shared.tile_bytes > 0 ? m_shared_alignment : 0) +
           (team_level0_bytes() > 0 ? team_level0_bytes() + m_team->shared_alignment : 0);
  }
  std::size_t thread_bytes() const { return m_extra_thread + m_shared.tile_bytes; }

  /// Whether the local buffers are in level-1 scratch.
  bool local_in_level1() const {
    return m_local_storage == LocalStorage::level1_scratch && m_local_bytes > 0;
  }
  /// Whether configure() sets level 1: local or per-team buffers are there.
  bool sets_level1() const { return local_in_level1() || team_level1_bytes() > 0; }
  /// A team's tiles of local arenas take ceil(team / tile_threads) tiles: per thread a tile's
  /// share, per team one tile more (the partial one) and the alignment slack; then the team's
  /// own arena and its slack.
  std::size_t level1_team_bytes() const {
    if (!sets_level1()) return 0;
    std::size_t bytes = m_extra1_team;
    if (local_in_level1()) {
      const bool tiled = m_local_addressing.tile_threads > 1;
      bytes += (tiled ? m_local_addressing.tile_bytes : 0) + level1_alignment();
    }
    if (team_level1_bytes() > 0) bytes += team_level1_bytes() + m_team->level1_alignment;
    return bytes;
  }
  /// Of a team's block of local arenas in level 1 (global memory on GPUs): the group's
  /// alignment, and at least a 32-byte sector, so that a warp's access to a tile is as few
  /// sectors as its bytes need (test_thread_layout prices it).
  std::size_t level1_alignment() const {
    return std::max<std::size_t>(m_local_alignment, global_sector_bytes);
  }
  std::size_t level1_thread_bytes() const {
    if (!sets_level1()) return 0;
    return m_extra1_thread + (local_in_level1()
                                  ? m_local_addressing.tile_bytes / m_local_addressing.tile_threads
                                  : 0);
  }

  template <class Policy>
  void with_scratch(Policy& policy) const {
    policy.set_scratch_size(0, Kokkos::PerTeam(scratch_count(team_bytes())),
                            Kokkos::PerThread(scratch_count(thread_bytes())));
    if (sets_level1()) {
      policy.set_scratch_size(1, Kokkos::PerTeam(scratch_count(level1_team_bytes())),
                              Kokkos::PerThread(scratch_count(level1_thread_bytes())));
    }
  }

  /// Refuses a policy with level-1 scratch of its own when the plan sets level 1: configure()
  /// would replace it, and the kernel would lose it silently.
  template <class Policy>
  void check_level1_is_free(const Policy& policy) const {
    if (!sets_level1()) return;
    const auto requested = static_cast<std::size_t>(policy.scratch_size(1, 1));
    if (requested == 0) return;
    throw std::invalid_argument(
        "bufreg: the policy asks for " + detail::format_bytes(requested) +
        " of level-1 scratch, but the plan keeps buffers there and sets level 1 itself: "
        "declare the kernel's own with KernelPlan::add_level1_scratch()");
  }

  /// Largest team size whose team and thread bytes fit `limit` (0: not one thread).
  static int team_size_within(std::size_t limit, std::size_t per_team, std::size_t per_thread) {
    if (per_team > limit) return 0;
    if (per_thread == 0) return std::numeric_limits<int>::max();
    return static_cast<int>(
        std::min<std::size_t>((limit - per_team) / per_thread, std::numeric_limits<int>::max()));
  }

  /// Largest team size whose scratch fits at both levels.
  template <class Policy>
  int team_size_that_fits(const Policy&) const {
    return std::min(team_size_within(static_cast<std::size_t>(Policy::scratch_size_max(0)),
                                     team_bytes(), thread_bytes()),
                    team_size_within(static_cast<std::size_t>(Policy::scratch_size_max(1)),
                                     level1_team_bytes(), level1_thread_bytes()));
  }

  template <class Policy>
  void check_fits(const Policy& policy) const {
    if (policy.team_size() > team_size_that_fits(policy)) {
      throw std::runtime_error(fits_message(policy, policy.team_size()));
    }
  }

  /// Why a team of `team_size` does not fit: the first level it overflows.
  template <class Policy>
  std::string fits_message(const Policy& policy, int team_size) const {
    const bool level0 =
        level0_bytes_per_team(team_size) > static_cast<std::size_t>(Policy::scratch_size_max(0));
    const int fits = team_size_that_fits(policy);
    const std::vector<NamedSize> none;
    std::string message =
        level0 ? level_message<Policy>(0, level0_bytes_per_team(team_size), m_shared.tile_bytes,
                                       team_level0_bytes(), "shared", m_largest_shared,
                                       m_team ? m_team->largest_shared : none)
               : level_message<Policy>(1, level1_bytes_per_team(team_size), level1_thread_bytes(),
                                       team_level1_bytes(), "local",
                                       local_in_level1() ? m_largest_local : none,
                                       m_team ? m_team->largest_local : none);
    message = "bufreg: a team of " + std::to_string(team_size) + " needs " + message;
    message += fits >= 1 ? "; a team size of " + std::to_string(fits) + " fits"
               : level0  ? "; not even one thread fits: move buffers to local memory"
                         : "; not even one thread fits: make the local buffers smaller";
    return message;
  }

  /// The level's bytes, per thread and (`per_team` > 0) of per-team buffers, against its limit,
  /// and its three largest buffers of either kind.
  template <class Policy>
  static std::string level_message(int level, std::size_t needed, std::size_t per_thread,
                                   std::size_t per_team, const char* kind,
                                   std::vector<NamedSize> largest,
                                   const std::vector<NamedSize>& largest_team) {
    largest.insert(largest.end(), largest_team.begin(), largest_team.end());
    std::stable_sort(largest.begin(), largest.end(),
                     [](const NamedSize& a, const NamedSize& b) { return a.bytes > b.bytes; });
    if (largest.size() > 3) largest.resize(3);
    const std::string team =
        per_team > 0 ? ", " + std::to_string(per_team) + " B of per-team buffers" : "";
    std::string message =
        detail::format_bytes(needed) + " of level-" + std::to_string(level) + " scratch (" +
        std::to_string(per_thread) + " B of " + kind + " buffers per thread" + team +
        "), over the " +
        detail::format_bytes(static_cast<std::size_t>(Policy::scratch_size_max(level))) + " " +
        ExecutionSpace::name() + " allows; largest " + kind + " buffers:";
    for (std::size_t i = 0; i < largest.size(); ++i) {
      message += (i ? ", " : " ") + detail::quoted(largest[i].name) + " (" +
                 std::to_string(largest[i].bytes) + " B)";
    }
    return message;
  }

  /// kernel_arenas() on `space`, and whether it enqueued work there.
  template <std::size_t LocalCapacity, std::size_t LocalAlignment, class... Properties>
  std::pair<KernelArenas<ExecutionSpace, LocalCapacity, LocalAlignment>, bool> arenas_on(
      const ExecutionSpace& space, const Kokkos::TeamPolicy<Properties...>& policy) {
    check_vector_length(policy);
    if (!local_in_level1()) {
      check_local_capacity(LocalCapacity, LocalAlignment);
    } else if (LocalCapacity > 0) {
      throw std::invalid_argument(
          "bufreg: the plan keeps local buffers in level-1 scratch: call kernel_arenas(policy) "
          "without a LocalArena capacity, and KernelArenas::thread(member) without a LocalArena");
    }
    const int team_size = policy.team_size();
    for (int level : {0, 1}) {
      // Kokkos 3 on CUDA reports scratch as int, elsewhere as size_t.
      const auto scratch = static_cast<std::size_t>(policy.scratch_size(level, team_size));
      const std::size_t needed =
          level == 0 ? level0_bytes_per_team(team_size) : level1_bytes_per_team(team_size);
      if (policy.impl_auto_team_size() || team_size <= 0 || scratch < needed) {
        throw std::invalid_argument(
            "bufreg: kernel_arenas() needs the policy configure() returned (it has " +
            std::to_string(scratch) + " bytes of level-" + std::to_string(level) +
            " scratch, bufreg needs " + std::to_string(needed) + ")");
      }
    }
    const auto threads =
        static_cast<std::size_t>(policy.league_size()) * static_cast<std::size_t>(team_size);
    using Arenas = KernelArenas<ExecutionSpace, LocalCapacity, LocalAlignment>;
    const typename Arenas::Layout layout{
        narrow(m_shared.tile_bytes, "level-0 bytes per thread"),
        narrow(m_shared_alignment, "level-0 alignment"),
        narrow(m_shared_bytes, "level-0 bytes per thread"),
        narrow(m_persistent_addressing.tile_threads, "threads per persistent tile"),
        m_persistent_addressing.tile_bytes,
        narrow(m_persistent_bytes, "persistent bytes per thread"),
        narrow(m_local_bytes, "local bytes per thread"),
        narrow(m_local_addressing.tile_threads, "threads per level-1 tile"),
        narrow(m_local_addressing.tile_bytes, "level-1 bytes per tile"),
        local_in_level1() ? narrow(level1_alignment(), "level-1 alignment") : 0,
        narrow(team_level0_bytes(), "per-team level-0 bytes"),
        m_team ? narrow(m_team->shared_alignment, "per-team level-0 alignment") : 1,
        narrow(team_level1_bytes(), "per-team level-1 bytes"),
        m_team ? narrow(m_team->level1_alignment, "per-team level-1 alignment") : 1,
        m_team ? m_team->generation : 0,
        narrow(static_cast<std::size_t>(team_size), "team size"),
        narrow(threads, "threads in the launch"),
        m_fitted ? m_fitted->generation() : m_generations.at("")};
    // Once everything fits.
    const bool grown = m_storage.reserve(space, threads, m_persistent_addressing);
    const bool named = copy_names(space);
    return {Arenas(layout, m_storage.view(), m_names), grown || named};
  }

  /// `name` behind the plan's label.
  static std::string labelled(const std::string& label, const char* name) {
    return label.empty() ? std::string(name) : label + "::" + name;
  }

  /// In debug builds, the first time: copies every interned buffer name to device memory on
  /// `space` (the plan's buffers were all interned before it was made) and says it did. The
  /// host side stays in the plan, for the copy may still be reading it when this returns.
  bool copy_names([[maybe_unused]] const ExecutionSpace& space) {
#if BUFREG_IMPL_DEBUG
    if (m_names_copied) return false;
    const std::vector<std::string> names = detail::interned_names();
    const std::size_t bytes = names.size() * detail::device_name_width;
    m_names = Kokkos::View<char*, memory_space>(
        Kokkos::view_alloc(space, Kokkos::WithoutInitializing, labelled(m_label, "bufreg::names")),
        bytes);
    m_names_host = Kokkos::create_mirror_view(m_names);  // m_names itself in host memory
    std::fill_n(m_names_host.data(), bytes, '\0');
    for (std::size_t i = 0; i < names.size(); ++i) {
      char* row = m_names_host.data() + i * detail::device_name_width;
      std::memcpy(row, names[i].data(), std::min(names[i].size(), detail::device_name_width - 1));
    }
    if (m_names_host.data() != m_names.data()) Kokkos::deep_copy(space, m_names, m_names_host);
    m_names_copied = true;
    return true;
#else
    return false;
#endif
  }

  const BufferGroup* m_group;            // the planned group, or null for a registry's component:
  BufferRegistry* m_registry = nullptr;  // then the registry
  const void* m_parent = nullptr;        // and the component
  std::map<std::string, std::uint32_t> m_generations;  // the layouts the plan was made for
  ThreadLayout m_layout;
  ArenaAddressing m_shared;
  // The group after fit_level0() or place_automatically() moved buffers, and what moved.
  std::shared_ptr<const BufferGroup> m_fitted;
  std::string m_moved;
  ArenaAddressing m_persistent_addressing;
  std::optional<std::string> m_persistent_fallback;  // why persistent storage is not interleaved
  std::size_t m_shared_alignment;
  std::size_t m_shared_width;
  std::size_t m_shared_bytes;
  std::size_t m_persistent_bytes;
  std::size_t m_local_alignment;
  std::size_t m_local_bytes;
  ArenaAddressing m_local_addressing;           // of the local arenas in level-1 scratch
  std::optional<std::string> m_local_fallback;  // why they are not interleaved there
  std::vector<NamedSize> m_largest_shared;
  std::vector<NamedSize> m_largest_local;
  /// The per-team buffers' group as the plan saw it (set_team_buffers()).
  struct TeamArenas {
    const BufferGroup* group;
    std::uint32_t generation;
    std::size_t shared_bytes;
    std::size_t shared_alignment;
    std::size_t level1_bytes;
    std::size_t level1_alignment;
    std::vector<NamedSize> largest_shared;
    std::vector<NamedSize> largest_local;
  };
  std::optional<TeamArenas> m_team;
  LocalStorage m_local_storage = LocalStorage::stack;
  std::size_t m_extra_team = 0;
  std::size_t m_extra_thread = 0;
  std::size_t m_extra1_team = 0;
  std::size_t m_extra1_thread = 0;
  std::string m_label;
  PersistentStorage<memory_space> m_storage;
  Kokkos::View<char*, memory_space> m_names;  // the buffer names, in debug builds
  typename Kokkos::View<char*, memory_space>::host_mirror_type m_names_host;
  bool m_names_copied = false;
};

}  // namespace bufreg
