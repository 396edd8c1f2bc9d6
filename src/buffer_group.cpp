#include <bufreg/buffer_group.hpp>
#include <bufreg/detail/dsa.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/planned_layout.hpp>
#include <bufreg/detail/registration_order_layout.hpp>
#include <bufreg/verify.hpp>

#include <algorithm>
#include <atomic>
#include <limits>
#include <stdexcept>

namespace bufreg {
namespace {

LayoutOptions checked(LayoutOptions options) {
  const std::size_t a = options.alignment;
  if (a == 0 || (a & (a - 1)) != 0) {
    throw std::invalid_argument("bufreg: layout alignment " + std::to_string(a) +
                                " is not a power of two");
  }
  if (options.planner != Planner::registration_order && options.planner != Planner::best) {
    throw std::invalid_argument("bufreg: planner " +
                                std::to_string(static_cast<int>(options.planner)) +
                                " is not a Planner");
  }
  if (options.scope != Scope::thread && options.scope != Scope::team) {
    throw std::invalid_argument("bufreg: scope " + std::to_string(static_cast<int>(options.scope)) +
                                " is not a Scope");
  }
  detail::dsa::check_budget(options.plan_budget_ms);
  return options;
}

/// What `buffer` can add to any arena's end: its largest extent plus alignment padding.
/// Returns false when that overflows.
bool byte_bound_of(const CUDABuffer& buffer, std::size_t alignment, std::size_t& bound) {
  const std::size_t padding = detail::slice_alignment(buffer.precision(), alignment) - 1;
  const std::size_t extent = buffer.bytes_in(Region::local);  // >= bytes_in(any region)
  if (extent > std::numeric_limits<std::size_t>::max() - padding) return false;
  bound = extent + padding;
  return true;
}

/// A number for a new layout: never 0 (allocators no layout made carry 0), and unique across
/// groups, so that an allocator of one group is not taken for one of another.
std::uint32_t next_generation() {
  static std::atomic<std::uint32_t> last{0};
  std::uint32_t next = ++last;
  while (next == 0) next = ++last;  // after 2^32 layouts
  return next;
}

bool same_placements(const std::vector<Placement>& a, const std::vector<Placement>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(), [](const Placement& x, const Placement& y) {
        return x.region == y.region && x.inside_parent == y.inside_parent && x.slice == y.slice;
      });
}

/// Grows `vector` geometrically so that one push_back will not allocate (or throw).
template <class T>
void room_for_one_more(std::vector<T>& vector) {
  if (vector.size() == vector.capacity())
    vector.reserve(std::max<std::size_t>(16, 2 * vector.size()));
}

}  // namespace

BufferGroup::BufferGroup() : BufferGroup(LayoutOptions{}) {}

BufferGroup::BufferGroup(LayoutOptions options) : m_options(checked(options)) {}

std::size_t BufferGroup::find(std::string_view name, std::size_t hash) const {
  return m_index.find(
      name, hash, [this](std::size_t slot) -> std::string_view { return m_entries[slot].name(); });
}

std::size_t BufferGroup::find(std::string_view name) const {
  return find(name, detail::NameIndex::hash(name));
}

std::size_t BufferGroup::find_or_throw(const std::string& name) const {
  const std::size_t slot = find(name);
  if (slot == npos) {
    throw std::out_of_range(detail::buffer_message(name, "is not registered in this group"));
  }
  return slot;
}

bool BufferGroup::contains(const std::string& name) const { return find(name) != npos; }

std::size_t BufferGroup::check_registration(const CUDABuffer& buffer, std::size_t slot) const {
  const std::optional<std::string> aliased = buffer.aliases();
  if (!aliased) return npos;
  const std::string& target = *aliased;
  const std::size_t parent = find(target);
  if (parent == npos) {
    throw std::invalid_argument(detail::buffer_message(
        buffer.name(), "aliases " + detail::quoted(target) +
                           ", which is not registered: register " + detail::quoted(target) +
                           " before " + detail::quoted(buffer.name())));
  }
  if (m_items[parent].parent != npos) {
    throw std::invalid_argument(detail::buffer_message(
        buffer.name(), "aliases " + detail::quoted(target) + ", which itself aliases " +
                           detail::quoted(m_entries[m_items[parent].parent].name()) +
                           ": alias chains are not supported"));
  }
  if (slot != npos && m_items[slot].aliased_by > 0) {
    throw std::invalid_argument(detail::buffer_message(
        buffer.name(), "is aliased by " + std::to_string(m_items[slot].aliased_by) +
                           " buffer(s), so it cannot alias " + detail::quoted(target) +
                           ": alias chains are not supported"));
  }
  return parent;
}

std::size_t BufferGroup::checked_byte_bound(const CUDABuffer& buffer, std::size_t slot) const {
  std::size_t bound = m_byte_bound;
  std::size_t added = 0;
  if (slot != npos) {
    std::size_t removed = 0;
    byte_bound_of(m_entries[slot], m_options.alignment, removed);  // was checked when stored
    bound -= removed;
  }
  if (!byte_bound_of(buffer, m_options.alignment, added) ||
      added > std::numeric_limits<std::size_t>::max() - bound) {
    throw std::invalid_argument(detail::buffer_message(
        buffer.name(), std::to_string(buffer.bytes()) +
                           " bytes would overflow the byte count of the group's arenas"));
  }
  return bound + added;
}

void BufferGroup::store(CUDABuffer buffer, std::size_t slot, std::size_t parent,
                        std::size_t byte_bound, std::size_t hash) {
  detail::LayoutItem item = detail::LayoutItem::of(buffer, parent);
  if (slot == npos) {
    if (m_entries.size() >= detail::NameIndex::max_entries) {
      throw std::length_error(detail::buffer_message(buffer.name(), "the group is full"));
    }
    // Make room first: once the index knows the entry, nothing below can throw.
    room_for_one_more(m_entries);
    room_for_one_more(m_items);
    slot = m_entries.size();
    m_index.insert(hash, slot);
    m_entries.push_back(std::move(buffer));
    m_items.push_back(item);
  } else {
    // Allocators carry the element count and precision: a change of either makes a new
    // generation even where the slices stay.
    if (buffer.size() != m_entries[slot].size() ||
        buffer.precision() != m_entries[slot].precision()) {
      m_entries_changed = true;
    }
    if (m_items[slot].parent != npos) --m_items[m_items[slot].parent].aliased_by;
    item.aliased_by = m_items[slot].aliased_by;
    m_entries[slot] = std::move(buffer);
    m_items[slot] = item;
  }
  if (parent != npos) ++m_items[parent].aliased_by;
  m_byte_bound = byte_bound;
  invalidate_layouts();
}

void BufferGroup::register_buffer(std::string name, std::size_t size, Location location,
                                  bool persistent, std::optional<std::string> aliases,
                                  Precision precision, std::optional<LiveInterval> live) {
  CUDABuffer buffer(std::move(name), size, location, persistent, std::move(aliases), precision,
                    live);
  const std::size_t hash = detail::NameIndex::hash(buffer.name());
  const std::size_t slot = find(buffer.name(), hash);
  const std::size_t parent = check_registration(buffer, slot);
  const std::size_t bound = checked_byte_bound(buffer, slot);
  store(std::move(buffer), slot, parent, bound, hash);
}

std::pair<bool, bool> BufferGroup::update_buffer(const std::string& name,
                                                 const BufferUpdate& update) {
  const std::size_t slot = find(name);
  if (slot == npos) return {false, false};
  const CUDABuffer& old = m_entries[slot];
  // Every field the update leaves empty keeps its value, the live interval too; the result is
  // checked exactly as register_buffer checks a new entry, before anything is stored.
  CUDABuffer buffer(
      old.name(), update.size.value_or(old.size()), update.location.value_or(old.location()),
      update.persistent.value_or(old.persistent()), update.aliases.value_or(old.aliases()),
      update.precision.value_or(old.precision()), update.live.value_or(old.live()));
  if (buffer == old) return {true, false};  // nothing changed: the cached layout stays valid
  const std::size_t parent = check_registration(buffer, slot);
  const std::size_t bound = checked_byte_bound(buffer, slot);
  store(std::move(buffer), slot, parent, bound, 0);
  return {true, true};
}

void BufferGroup::invalidate_layouts() {
  m_layout_valid = false;
  m_maps_valid = false;
}

void BufferGroup::ensure_layout() const {
  if (m_layout_valid) return;
  detail::PlannedLayout planned =
      m_options.planner == Planner::best
          ? detail::planned_layout(m_entries, m_items, m_options.alignment,
                                   m_options.plan_budget_ms)
          : detail::PlannedLayout{detail::registration_order_layout(m_items, m_options.alignment),
                                  {}};
  // A new generation only when the layout moved: rebuilding the same one (an update that
  // changed nothing the layout reads, invalidate_layouts()) must not make allocators stale.
  const bool moved = m_generation == 0 || m_entries_changed ||
                     planned.layout.arena_sizes != m_arena_sizes ||
                     !same_placements(planned.layout.placements, m_placements);
  m_placements = std::move(planned.layout.placements);
  m_arena_sizes = planned.layout.arena_sizes;
  m_arena_plans = std::move(planned.arenas);
  if (moved) m_generation = next_generation();
  m_entries_changed = false;
  m_layout_valid = true;
  m_maps_valid = false;
  ++m_layout_builds;
#if !defined(NDEBUG) || defined(BUFREG_ENABLE_DEBUG)
  // Debug builds check every layout against the rules with the independent verifier.
  if (const auto violations = verify(*this, 1); !violations.empty()) {
    throw std::logic_error(detail::buffer_message(
        violations[0].buffer, "bufreg built an invalid layout: " + violations[0].problem));
  }
#endif
}

void BufferGroup::ensure_maps() const {
  ensure_layout();
  if (m_maps_valid) return;
  m_shared_layout.clear();
  m_persistent_layout.clear();
  m_local_layout.clear();
  m_local_sizes.clear();
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    const std::string& name = m_entries[i].name();
    const Placement& placement = m_placements[i];
    switch (placement.region) {
      case Region::shared:
        m_shared_layout.emplace(name, placement.slice);
        break;
      case Region::persistent:
        m_persistent_layout.emplace(name, placement.slice);
        break;
      case Region::local:
        m_local_layout.emplace(name, placement.slice);
        m_local_sizes.emplace(name, placement.slice.size());
        break;
    }
  }
  m_maps_valid = true;
}

const std::map<std::string, Slice>& BufferGroup::shared_layout() const {
  ensure_maps();
  return m_shared_layout;
}

const std::map<std::string, Slice>& BufferGroup::persistent_layout() const {
  ensure_maps();
  return m_persistent_layout;
}

const std::map<std::string, Slice>& BufferGroup::local_layout() const {
  ensure_maps();
  return m_local_layout;
}

const std::map<std::string, std::size_t>& BufferGroup::local_sizes() const {
  ensure_maps();
  return m_local_sizes;
}

const std::vector<Placement>& BufferGroup::placements() const {
  ensure_layout();
  return m_placements;
}

std::size_t BufferGroup::arena_size(Region region) const {
  ensure_layout();
  return m_arena_sizes[static_cast<std::size_t>(region)];
}

const ArenaPlan& BufferGroup::arena_plan(Region region) const {
  ensure_layout();
  return m_arena_plans[static_cast<std::size_t>(region)];
}

std::size_t BufferGroup::arena_alignment(Region region) const {
  ensure_layout();
  std::size_t alignment = m_options.alignment;
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    if (m_placements[i].region == region) {
      alignment = std::max(alignment, element_size(m_items[i].precision));
    }
  }
  return alignment;
}

std::size_t BufferGroup::element_width(Region region) const {
  ensure_layout();
  std::size_t width = 0;
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    if (m_placements[i].region == region) {
      width = std::max(width, element_size(m_items[i].precision));
    }
  }
  return width;
}

std::size_t BufferGroup::shared_buffer_size() const { return arena_size(Region::shared); }

std::size_t BufferGroup::persistent_local_buffer_size() const {
  return arena_size(Region::persistent);
}

std::size_t BufferGroup::local_buffer_size() const { return arena_size(Region::local); }

std::uint32_t BufferGroup::generation() const {
  ensure_layout();
  return m_generation;
}

Allocator BufferGroup::get_allocator(const std::string& name, bool zero) const {
  const std::size_t slot = find_or_throw(name);
  ensure_layout();
  const Placement& placement = m_placements[slot];
  const auto in = [&](Region region) {
    return placement.region == region ? std::optional<Slice>(placement.slice) : std::nullopt;
  };
  Allocator allocator = m_entries[slot].build_allocator(in(Region::shared), in(Region::persistent),
                                                        in(Region::local), zero);
  allocator.generation = m_generation;
  allocator.scope = m_options.scope;
  return allocator;
}

}  // namespace bufreg
