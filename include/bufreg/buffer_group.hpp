#pragma once
/// \file
/// One component's buffers and their layout in three per-thread arenas.

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <bufreg/allocator.hpp>
#include <bufreg/cuda_buffer.hpp>
#include <bufreg/detail/name_index.hpp>
#include <bufreg/detail/registration_order_layout.hpp>
#include <bufreg/layout.hpp>

namespace bufreg {

/// A change to a registered buffer; fields left empty are not changed.
struct BufferUpdate {
  std::optional<std::size_t> size;
  std::optional<Location> location;
  std::optional<bool> persistent;
  std::optional<std::optional<std::string>> aliases;  ///< `std::optional<std::string>{}` un-aliases
  std::optional<Precision> precision;
  std::optional<std::optional<LiveInterval>>
      live;  ///< `std::optional<LiveInterval>{}`: whole kernel
};

/// A component's buffers and their layout: a shared arena, a persistent-local arena and a local
/// arena, each sized in bytes per thread.
///
/// Layout rules, applied in this order: non-aliased shared buffers, then non-aliased
/// persistent-local, then non-aliased local, each in registration order; then aliased buffers in
/// registration order, each placed inside its parent when both select the same arena (shared,
/// persistent-local or local) or the parent is shared and the alias local, and the parent has
/// room after earlier aliases; else at the end of its own arena. A persistent buffer never lands
/// in non-persistent storage (a persistent alias of a shared parent goes to the persistent arena;
/// a persistent shared buffer is refused), nor a non-persistent one in persistent storage. Every
/// slice starts at a multiple of max(options().alignment, element size).
///
/// The layout is computed on first query and cached until the buffers change. A rejected call
/// throws (std::invalid_argument, or std::out_of_range for unknown names) and changes nothing.
/// Not thread-safe, even for queries; BufferRegistry serialises access to its groups.
///
/// \code
/// BufferGroup group;
/// group.register_buffer("state", 8, Location::shared);
/// group.register_buffer("scratch", 8, Location::shared, false, "state");  // reuses state
/// group.shared_buffer_size();  // 32 bytes: scratch fits inside state
/// \endcode
class BufferGroup {
 public:
  BufferGroup();
  /// Throws std::invalid_argument unless options.alignment is a power of two, options.planner
  /// a Planner and options.plan_budget_ms a number >= 0 (+inf: no limit).
  explicit BufferGroup(LayoutOptions options);

  /// Adds a buffer, or replaces the entry of that name in place. `aliases` must name a buffer
  /// registered earlier that is not itself an alias, and the buffer being registered must not be
  /// the parent of another alias if it becomes one: alias chains are not supported.
  void register_buffer(std::string name, std::size_t size, Location location,
                       bool persistent = false, std::optional<std::string> aliases = std::nullopt,
                       Precision precision = Precision::float32,
                       std::optional<LiveInterval> live = std::nullopt);

  /// Applies the fields `update` sets to `name` and keeps the others: {recognized, changed}.
  /// An unknown name is {false, false}; an update that changes nothing is {true, false} and
  /// keeps the cached layout. The result must pass register_buffer's checks, else this throws
  /// as register_buffer would and changes nothing.
  std::pair<bool, bool> update_buffer(const std::string& name, const BufferUpdate& update);

  /// Drops the cached layout; the next query computes it again.
  void invalidate_layouts();

  /// Slices of every buffer placed in each arena, by name.
  const std::map<std::string, Slice>& shared_layout() const;
  const std::map<std::string, Slice>& persistent_layout() const;
  const std::map<std::string, Slice>& local_layout() const;
  /// Bytes reserved per buffer in the local arena (at least one element each).
  const std::map<std::string, std::size_t>& local_sizes() const;

  /// BYTES per thread of each arena: the end of its last slice, 0 if it holds none.
  std::size_t shared_buffer_size() const;
  std::size_t persistent_local_buffer_size() const;
  std::size_t local_buffer_size() const;
  /// Bytes per thread of `region`.
  std::size_t arena_size(Region region) const;
  /// What Planner::best did with `region`: planned it, or kept registration order's offsets
  /// and why (Outcome::not_planned for Planner::registration_order).
  const ArenaPlan& arena_plan(Region region) const;
  /// The alignment every slice in `region` has: max(options().alignment, the element size of
  /// each buffer placed there). Kernels must start each thread's arena at a multiple of it.
  std::size_t arena_alignment(Region region) const;
  /// The widest element of the buffers placed in `region` (0 when it holds none): kernels on
  /// GPUs lay threads out in units of it (see ThreadLayout).
  std::size_t element_width(Region region) const;

  /// Where `name` lives, in the layout of generation(). Throws std::out_of_range naming it if it
  /// is not registered.
  Allocator get_allocator(const std::string& name, bool zero = false) const;

  /// Buffers in registration order, and the placement of each (same order).
  const std::vector<CUDABuffer>& entries() const { return m_entries; }
  const std::vector<Placement>& placements() const;
  bool contains(const std::string& name) const;
  const LayoutOptions& options() const { return m_options; }

  /// How many times the layout was computed (queries on a valid layout do not compute it).
  std::size_t layout_builds() const { return m_layout_builds; }
  /// The layout's generation: a number, never 0 and unique among the layouts of the process,
  /// that changes whenever the layout does (a buffer's arena, offset, bytes, element count or
  /// precision, or an arena's size) and only then: a registration or update that leaves the
  /// layout as it was keeps it. Allocators carry the generation they were taken from, and a
  /// KernelPlan refuses those of another. Computes the layout if need be.
  std::uint32_t generation() const;

  /// A text table, one row per buffer: name, location, persistent, alias target, live interval,
  /// arena, offset, bytes, and whether an alias landed inside its parent; then the planner and
  /// each arena's peak, LOAD (the most bytes live at once) and their ratio; with Planner::best,
  /// a line per arena it had buffers for: planned, or fell back to registration order, and what
  /// the budget left out (arena_plan()). Names show
  /// backslashes doubled, newlines, tabs and CRs as `\n`, `\t`, `\r`, and other control
  /// characters and bytes that are not UTF-8 as `\xNN`; a name longer than 40 characters is
  /// printed whole but does not widen its column.
  std::string describe() const;
  /// The same as a JSON object: {"alignment", "planner", "arenas": {...}, "buffers": [...]};
  /// each arena's "plan" is null or {"outcome": "planned" or "fell_back", "buffers",
  /// "planned_bytes", "method", "note"}.
  /// Always valid UTF-8: control characters in names become `\u00XX`, and so does each byte
  /// that is not part of well-formed UTF-8 (`\u00XX` of the byte, U+0080..U+00FF: the byte can
  /// be recovered, but reads like the Latin-1 character of that value).
  std::string to_json() const;

 private:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);

  std::size_t find(std::string_view name) const;
  std::size_t find(std::string_view name, std::size_t hash) const;
  std::size_t find_or_throw(const std::string& name) const;
  /// Checks `buffer` against the group as if it replaced entry `slot` (npos: appended);
  /// returns the index of its parent (npos when it aliases nothing).
  std::size_t check_registration(const CUDABuffer& buffer, std::size_t slot) const;
  /// The group's bound on any arena's size with `buffer` in `slot` (npos: appended); throws if
  /// it would overflow.
  std::size_t checked_byte_bound(const CUDABuffer& buffer, std::size_t slot) const;
  /// Puts `buffer` in `slot`, or appends it under `hash` when `slot` is npos.
  void store(CUDABuffer buffer, std::size_t slot, std::size_t parent, std::size_t byte_bound,
             std::size_t hash);
  void ensure_layout() const;
  void ensure_maps() const;

  LayoutOptions m_options;
  std::vector<CUDABuffer> m_entries;
  std::vector<detail::LayoutItem> m_items;  // entry -> what the layout reads, alias links too
  detail::NameIndex m_index;                // name -> entry
  std::size_t m_byte_bound = 0;             // sum of every entry's bytes plus alignment padding

  mutable bool m_layout_valid = false;
  mutable std::size_t m_layout_builds = 0;
  mutable std::uint32_t m_generation = 0;  // 0: no layout built yet
  mutable bool m_entries_changed = false;  // an entry's size or precision changed since then
  mutable std::vector<Placement> m_placements;
  mutable std::array<std::size_t, 3> m_arena_sizes{};
  mutable std::array<ArenaPlan, 3> m_arena_plans{};
  mutable bool m_maps_valid = false;
  mutable std::map<std::string, Slice> m_shared_layout;
  mutable std::map<std::string, Slice> m_persistent_layout;
  mutable std::map<std::string, Slice> m_local_layout;
  mutable std::map<std::string, std::size_t> m_local_sizes;
};

}  // namespace bufreg
