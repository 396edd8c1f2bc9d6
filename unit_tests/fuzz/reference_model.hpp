#pragma once
// A deliberately simple reference model of the rules bufreg documents for BufferGroup and
// BufferRegistry (buffer_group.hpp, buffer_registry.hpp, cuda_buffer.hpp, the README): what each
// buffer must be after each call, which calls must be refused, and where registration order puts
// every buffer. Written from the documentation, not from the engine: it uses bufreg's vocabulary
// types only, never its code, and favours the obvious over the fast (wide integers, linear
// searches, whole copies). The oracle (oracle.hpp) checks the engine against it after every call.

#include <bufreg/buffer_group.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace reference {

__extension__ typedef unsigned __int128 Wide;  // no model arithmetic overflows
constexpr Wide size_max = static_cast<std::size_t>(-1);

inline bool is_power_of_two(std::size_t value) {
  for (std::size_t p = 1; p != 0; p <<= 1) {
    if (value == p) return true;
  }
  return false;
}

/// Whether a group or registry takes these options: a power-of-two alignment, a planner that
/// exists, a budget that is a number >= 0 (+inf included).
inline bool allows(const bufreg::LayoutOptions& options) {
  return is_power_of_two(options.alignment) && static_cast<int>(options.planner) < 2 &&
         !std::isnan(options.plan_budget_ms) && options.plan_budget_ms >= 0;
}

/// Bytes per element; 0 for a value that is not a Precision.
inline std::size_t bytes_per_element(bufreg::Precision precision) {
  switch (static_cast<int>(precision)) {
    case 0:  // float16
      return 2;
    case 1:  // float32
    case 3:  // int32
      return 4;
    case 2:  // float64
    case 4:  // int64
      return 8;
    case 5:  // uint8
      return 1;
    default:
      return 0;
  }
}

inline Wide round_up(Wide value, Wide alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// What the user asked for one buffer: exactly what the engine must store.
struct Buffer {
  std::string name;
  std::size_t size;
  bufreg::Location location;
  bool persistent;
  std::optional<std::string> alias;
  bufreg::Precision precision;
  std::optional<bufreg::LiveInterval> live;

  bool shared() const { return location == bufreg::Location::shared; }
  /// The arena its own settings select.
  bufreg::Region home() const {
    if (shared()) return bufreg::Region::shared;
    return persistent ? bufreg::Region::persistent : bufreg::Region::local;
  }
  Wide bytes() const { return Wide{size} * bytes_per_element(precision); }
  /// A local-arena buffer reserves at least one element.
  Wide bytes_in(bufreg::Region region) const {
    if (region == bufreg::Region::local && size == 0) return bytes_per_element(precision);
    return bytes();
  }
  friend bool operator==(const Buffer& a, const Buffer& b) {
    return a.name == b.name && a.size == b.size && a.location == b.location &&
           a.persistent == b.persistent && a.alias == b.alias && a.precision == b.precision &&
           a.live == b.live;
  }
};

/// Where registration order puts one buffer.
struct Place {
  bufreg::Region region;
  bool inside_parent;
  std::size_t start;
  std::size_t stop;
};

struct Layout {
  std::vector<Place> places;            // in registration order
  std::array<std::size_t, 3> arenas{};  // bytes, by Region
};

/// One BufferGroup: its buffers in registration order.
class Group {
 public:
  explicit Group(std::size_t alignment = 16) : m_alignment(alignment) {}

  const std::vector<Buffer>& buffers() const { return m_buffers; }
  std::size_t alignment() const { return m_alignment; }

  /// The index of `name`, or -1.
  std::ptrdiff_t find(const std::string& name) const {
    for (std::size_t i = 0; i < m_buffers.size(); ++i) {
      if (m_buffers[i].name == name) return static_cast<std::ptrdiff_t>(i);
    }
    return -1;
  }

  /// Whether `buffer` may be stored (replacing the entry of its name, or appended), by the
  /// documented rules; nothing changes either way.
  bool allows(const Buffer& b) const {
    const std::size_t element = bytes_per_element(b.precision);
    if (b.name.empty() || element == 0) return false;
    if (b.location != bufreg::Location::shared && b.location != bufreg::Location::local) {
      return false;
    }
    if (b.alias && (b.alias->empty() || *b.alias == b.name)) return false;
    if (b.live && b.live->first >= b.live->last) return false;  // empty interval
    if (b.persistent && b.shared()) return false;  // shared memory does not survive the launch
    if (b.persistent && b.live) return false;      // persistent buffers live across launches
    if (b.bytes() > size_max) return false;
    if (b.alias) {  // the parent exists and is no alias; an aliased buffer cannot become one
      const std::ptrdiff_t parent = find(*b.alias);
      if (parent < 0 || m_buffers[static_cast<std::size_t>(parent)].alias) return false;
      for (const Buffer& other : m_buffers) {
        if (other.alias == b.name) return false;
      }
    }
    // Every arena must stay addressable: all buffers one after the other, each with its worst
    // alignment padding, fit a std::size_t.
    Wide total = 0;
    for (const Buffer& other : m_buffers) {
      if (other.name != b.name) total += reserved(other);
    }
    return total + reserved(b) <= size_max;
  }

  /// register_buffer: true when accepted (and applied).
  bool register_buffer(const Buffer& b) {
    if (!allows(b)) return false;
    const std::ptrdiff_t slot = find(b.name);
    if (slot < 0) {
      m_buffers.push_back(b);
    } else {
      m_buffers[static_cast<std::size_t>(slot)] = b;
    }
    return true;
  }

  /// update_buffer: {recognized, changed}, or nullopt when it must be refused.
  std::optional<std::pair<bool, bool>> update_buffer(const std::string& name,
                                                     const bufreg::BufferUpdate& update) {
    const std::ptrdiff_t slot = find(name);
    if (slot < 0) return std::pair{false, false};
    Buffer& old = m_buffers[static_cast<std::size_t>(slot)];
    Buffer b = old;
    if (update.size) b.size = *update.size;
    if (update.location) b.location = *update.location;
    if (update.persistent) b.persistent = *update.persistent;
    if (update.aliases) b.alias = *update.aliases;
    if (update.precision) b.precision = *update.precision;
    if (update.live) b.live = *update.live;
    if (b == old) return std::pair{true, false};
    if (!allows(b)) return std::nullopt;
    old = b;
    return std::pair{true, true};
  }

  /// The documented registration order: non-aliased shared buffers, then non-aliased
  /// persistent-local, then non-aliased local, each in registration order; then each alias in
  /// registration order, inside its parent when both select the same arena or the parent is
  /// shared and the alias local, and the parent has room after earlier aliases, else at the end
  /// of its own arena. Every slice starts at a multiple of max(alignment, element size).
  Layout layout() const {
    const std::size_t n = m_buffers.size();
    std::vector<Wide> start(n), stop(n);
    std::vector<bufreg::Region> region(n);
    std::vector<bool> inside(n, false);
    std::array<Wide, 3> end{0, 0, 0};
    const auto place_at_end = [&](std::size_t i, bufreg::Region r) {
      Wide& arena = end[static_cast<std::size_t>(r)];
      region[i] = r;
      start[i] = round_up(arena, slice_alignment(m_buffers[i]));
      stop[i] = start[i] + m_buffers[i].bytes_in(r);
      arena = stop[i];
    };
    for (const bufreg::Region r :
         {bufreg::Region::shared, bufreg::Region::persistent, bufreg::Region::local}) {
      for (std::size_t i = 0; i < n; ++i) {
        if (!m_buffers[i].alias && m_buffers[i].home() == r) place_at_end(i, r);
      }
    }
    std::vector<Wide> room_from(start);  // where each parent's next alias may start
    for (std::size_t i = 0; i < n; ++i) {
      const Buffer& b = m_buffers[i];
      if (!b.alias) continue;
      const auto p = static_cast<std::size_t>(find(*b.alias));
      const Buffer& parent = m_buffers[p];
      const bool may_share =
          b.home() == parent.home() ||
          (parent.home() == bufreg::Region::shared && b.home() == bufreg::Region::local);
      const Wide from = round_up(room_from[p], slice_alignment(b));
      const Wide bytes = b.bytes_in(region[p]);
      if (may_share && from + bytes <= stop[p]) {
        region[i] = region[p];
        inside[i] = true;
        start[i] = from;
        stop[i] = from + bytes;
        room_from[p] = stop[i];
      } else {
        place_at_end(i, b.home());
      }
    }
    Layout layout;
    for (std::size_t i = 0; i < n; ++i) {
      layout.places.push_back({region[i], inside[i], narrow(start[i]), narrow(stop[i])});
    }
    for (std::size_t r = 0; r < 3; ++r) layout.arenas[r] = narrow(end[r]);
    return layout;
  }

 private:
  Wide slice_alignment(const Buffer& b) const {
    return m_alignment > bytes_per_element(b.precision) ? m_alignment
                                                        : bytes_per_element(b.precision);
  }
  Wide reserved(const Buffer& b) const {
    return b.bytes_in(bufreg::Region::local) + slice_alignment(b) - 1;
  }
  /// The model's offsets fit a std::size_t whenever allows() held; else the model is wrong.
  static std::size_t narrow(Wide value) {
    if (value > size_max) {
      std::fprintf(stderr, "reference model: an offset past the largest std::size_t\n");
      std::abort();
    }
    return static_cast<std::size_t>(value);
  }

  std::size_t m_alignment;
  std::vector<Buffer> m_buffers;
};

/// One component of a BufferRegistry.
struct Component {
  Group group;
  std::map<std::string, const void*> children;  // child name -> child component
  std::set<std::string> child_entries;          // entries register_child made
};

/// The two entries a child rolls up into: their precision and size.
struct RolledUp {
  bufreg::Precision precision;
  std::size_t size;
};

/// A region of `bytes` whose widest element is `width` bytes (0: none) as entries of that width.
inline RolledUp roll_up(std::size_t bytes, std::size_t width) {
  if (width < 1) width = 1;
  const bufreg::Precision precision = width == 1   ? bufreg::Precision::uint8
                                      : width == 2 ? bufreg::Precision::float16
                                      : width == 4 ? bufreg::Precision::int32
                                                   : bufreg::Precision::int64;
  return {precision, static_cast<std::size_t>((Wide{bytes} + width - 1) / width)};
}

/// A BufferRegistry: components by address, children rolled up into parents. A change to a
/// component reaches every component it is inside in the same call, all or nothing: if a parent
/// cannot take its child's new sizes, the change is refused.
class Registry {
 public:
  using ArenaSizes = std::array<std::size_t, 3>;

  explicit Registry(std::size_t alignment) : m_alignment(alignment) {}

  /// The sizes of a group's arenas as the registry lays them out: registration order's unless a
  /// harness with another planner says otherwise.
  std::function<ArenaSizes(const Group&)> arenas_of = [](const Group& g) {
    return g.layout().arenas;
  };

  const Component* find(const void* parent) const {
    const auto found = m_components.find(parent);
    return found == m_components.end() ? nullptr : &found->second;
  }

  /// Whether `name` is one of the two entries a current child of `parent` is rolled up into:
  /// those are the registry's, and user calls that name them are refused.
  bool child_entry(const void* parent, const std::string& name) const {
    const Component* c = find(parent);
    if (!c) return false;
    for (const auto& linked : c->children) {
      if (name == linked.first + "_shared" || name == linked.first + "_persistent") return true;
    }
    return false;
  }

  bool register_buffer(const void* parent, const Buffer& b) {
    m_refused_entry.clear();
    if (child_entry(parent, b.name)) return false;
    std::map<const void*, Component> components = m_components;
    if (!components.count(parent))
      components.emplace(parent, Component{Group(m_alignment), {}, {}});
    if (!components.at(parent).group.register_buffer(b)) return false;
    return commit(components, parent);
  }

  std::optional<std::pair<bool, bool>> update_buffer(const void* parent, const std::string& name,
                                                     const bufreg::BufferUpdate& update) {
    m_refused_entry.clear();
    std::map<const void*, Component> components = m_components;
    const auto found = components.find(parent);
    if (found == components.end()) return std::pair{false, false};
    if (child_entry(parent, name)) return std::nullopt;
    const auto result = found->second.group.update_buffer(name, update);
    if (!result || !commit(components, parent)) return std::nullopt;
    return result;
  }

  /// The name register_child gives a child without one.
  static std::string default_name(const void* child) {
    char text[64];
    std::snprintf(text, sizeof text, "child_%p", child);
    return text;
  }

  /// register_child: the two entry names, or nullopt when refused. `child_arenas` are the sizes
  /// of the child's arenas (registration order's, or what Planner::best made of them).
  std::optional<std::pair<std::string, std::string>> register_child(
      const void* parent, const void* child, const std::string& name,
      const std::array<std::size_t, 3>& child_arenas) {
    m_refused_entry.clear();
    if (name.empty() || parent == child) return std::nullopt;
    const std::string shared_entry = name + "_shared";
    const std::string persistent_entry = name + "_persistent";
    Component candidate = m_components.count(parent) ? m_components.at(parent)
                                                     : Component{Group(m_alignment), {}, {}};
    const auto linked = candidate.children.find(name);
    const bool same_edge = linked != candidate.children.end() && linked->second == child;
    if (!same_edge) {
      if (inside(parent, child)) return std::nullopt;               // components form a DAG
      if (linked != candidate.children.end()) return std::nullopt;  // another child's name
      for (const std::string& entry : {shared_entry, persistent_entry}) {
        if (candidate.group.find(entry) >= 0 && !candidate.child_entries.count(entry)) {
          return std::nullopt;  // a buffer the user registered
        }
      }
    }
    std::array<std::size_t, 3> width{0, 0, 0};
    if (const Component* c = find(child)) {
      const Layout layout = c->group.layout();
      for (std::size_t i = 0; i < layout.places.size(); ++i) {
        std::size_t& w = width[static_cast<std::size_t>(layout.places[i].region)];
        const std::size_t element = bytes_per_element(c->group.buffers()[i].precision);
        if (element > w) w = element;
      }
    }
    const auto refresh = [&](const std::string& entry, bufreg::Region region) {
      const RolledUp r = find(child) ? roll_up(child_arenas[static_cast<std::size_t>(region)],
                                               width[static_cast<std::size_t>(region)])
                                     : RolledUp{bufreg::Precision::uint8, 0};
      const bool persistent = region == bufreg::Region::persistent;
      return candidate.group.register_buffer(
          Buffer{entry, r.size, persistent ? bufreg::Location::local : bufreg::Location::shared,
                 persistent, std::nullopt, r.precision, std::nullopt});
    };
    // An entry that exists is updated to exactly these values, which is what registering it
    // again does (it keeps its place in registration order).
    if (!refresh(shared_entry, bufreg::Region::shared) ||
        !refresh(persistent_entry, bufreg::Region::persistent)) {
      return std::nullopt;
    }
    candidate.children[name] = child;
    candidate.child_entries.insert(shared_entry);
    candidate.child_entries.insert(persistent_entry);
    std::map<const void*, Component> components = m_components;
    components[parent] = candidate;
    if (!commit(components, parent)) return std::nullopt;
    return std::pair{shared_entry, persistent_entry};
  }

  /// clear_parent: `parent` goes, then every child all of whose parents went, and so on; no
  /// component keeps one that went as a child.
  void clear_parent(const void* parent) {
    std::set<const void*> gone{parent};
    for (bool more = true; more;) {
      more = false;
      for (const auto& [address, component] : m_components) {
        if (!gone.count(address)) continue;
        for (const auto& [name, child] : component.children) {
          (void)name;
          if (!gone.count(child) && !has_remaining_parent(child, gone)) {
            gone.insert(child);
            more = true;
          }
        }
      }
    }
    for (const void* address : gone) m_components.erase(address);
    for (auto& [address, component] : m_components) {
      (void)address;
      for (auto child = component.children.begin(); child != component.children.end();) {
        child = gone.count(child->second) ? component.children.erase(child) : std::next(child);
      }
    }
  }

  /// clear_layout: the layout is built again, and `parent` rolled up again into its parents.
  void clear_layout(const void* parent) {
    if (!m_components.count(parent)) return;
    std::map<const void*, Component> components = m_components;
    commit(components, parent);
  }

  void reset() { m_components.clear(); }

  /// The parent's entry that refused the last call, when a parent refused it: the buffer its
  /// message must name.
  const std::string& refused_entry() const { return m_refused_entry; }

  /// registry.update: the recognized keys, or nullopt when refused.
  std::optional<std::set<std::string>> update(const void* parent,
                                              const std::map<std::string, std::string>& settings) {
    m_refused_entry.clear();
    const auto found = m_components.find(parent);
    if (found == m_components.end()) return std::set<std::string>{};
    const std::string suffix = "_location";
    std::set<std::string> recognized;
    Group moved = found->second.group;
    for (const auto& [key, value] : settings) {
      if (key.size() <= suffix.size() || key.substr(key.size() - suffix.size()) != suffix) {
        continue;
      }
      const std::string name = key.substr(0, key.size() - suffix.size());
      if (moved.find(name) < 0) continue;
      if (child_entry(parent, name)) return std::nullopt;
      if (value != "shared" && value != "local") return std::nullopt;
      recognized.insert(key);
    }
    for (const std::string& key : recognized) {
      bufreg::BufferUpdate move;
      move.location =
          settings.at(key) == "shared" ? bufreg::Location::shared : bufreg::Location::local;
      if (!moved.update_buffer(key.substr(0, key.size() - suffix.size()), move)) {
        return std::nullopt;
      }
    }
    if (recognized.empty()) return recognized;
    std::map<const void*, Component> components = m_components;
    components.at(parent).group = moved;
    if (!commit(components, parent)) return std::nullopt;
    return recognized;
  }

 private:
  /// Takes `components`, in which `changed` changed, once every component it is inside has
  /// taken its new sizes; false (and nothing taken) if one cannot.
  bool commit(std::map<const void*, Component>& components, const void* changed) {
    m_refused_entry.clear();
    if (!reach_parents(components, changed)) return false;
    m_components = std::move(components);
    return true;
  }

  /// Refreshes the two entries of `changed` in every component that has it as a child, and so
  /// on upwards where that changed them (the components form a DAG).
  bool reach_parents(std::map<const void*, Component>& components, const void* changed) {
    const auto found = components.find(changed);
    const Component* child = found == components.end() ? nullptr : &found->second;
    std::array<std::size_t, 3> width{0, 0, 0};
    ArenaSizes arenas{0, 0, 0};
    if (child) {
      const Layout layout = child->group.layout();
      for (std::size_t i = 0; i < layout.places.size(); ++i) {
        std::size_t& w = width[static_cast<std::size_t>(layout.places[i].region)];
        w = std::max(w, bytes_per_element(child->group.buffers()[i].precision));
      }
      arenas = arenas_of(child->group);
    }
    for (auto& [address, parent] : components) {
      bool refreshed = false;
      for (const auto& [name, linked] : parent.children) {
        if (linked != changed) continue;
        for (const bufreg::Region region : {bufreg::Region::shared, bufreg::Region::persistent}) {
          const auto r = static_cast<std::size_t>(region);
          const RolledUp up =
              child ? roll_up(arenas[r], width[r]) : RolledUp{bufreg::Precision::uint8, 0};
          const bool persistent = region == bufreg::Region::persistent;
          const std::string entry = name + (persistent ? "_persistent" : "_shared");
          const Buffer rolled{entry,
                              up.size,
                              persistent ? bufreg::Location::local : bufreg::Location::shared,
                              persistent,
                              std::nullopt,
                              up.precision,
                              std::nullopt};
          const std::ptrdiff_t slot = parent.group.find(entry);
          if (slot >= 0 && parent.group.buffers()[static_cast<std::size_t>(slot)] == rolled) {
            continue;  // already what the child rolls up to: nothing changes above it
          }
          if (!parent.group.register_buffer(rolled)) {
            m_refused_entry = entry;
            return false;
          }
          refreshed = true;
        }
      }
      if (refreshed && !reach_parents(components, address)) return false;
    }
    return true;
  }

  /// Whether `component` is `from` or inside it, following recorded children.
  bool inside(const void* component, const void* from) const {
    if (component == from) return true;
    const Component* c = find(from);
    if (!c) return false;
    for (const auto& [name, child] : c->children) {
      (void)name;
      if (inside(component, child)) return true;
    }
    return false;
  }
  /// Whether a component not in `gone` has `child` as a child.
  bool has_remaining_parent(const void* child, const std::set<const void*>& gone) const {
    for (const auto& [address, component] : m_components) {
      if (gone.count(address)) continue;
      for (const auto& [name, c] : component.children) {
        (void)name;
        if (c == child) return true;
      }
    }
    return false;
  }

  std::size_t m_alignment;
  std::map<const void*, Component> m_components;
  std::string m_refused_entry;
};

}  // namespace reference
