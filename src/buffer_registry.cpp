#include <bufreg/buffer_registry.hpp>
#include <bufreg/detail/messages.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>
#include <vector>

namespace bufreg {
namespace {

constexpr std::string_view location_suffix = "_location";

std::string child_name(const void* child, const std::optional<std::string>& name) {
  if (name) {
    if (name->empty()) throw std::invalid_argument("bufreg: a child name must not be empty");
    return *name;
  }
  char text[2 + 2 * sizeof(void*) + 8];
  std::snprintf(text, sizeof text, "child_%p", child);
  return text;
}

/// The entry that holds a child's region of `bytes`: an element type as wide as the widest
/// element inside (so kernels lay the parent out for it, see ThreadLayout) and as the child's
/// alignment where that exceeds `group_alignment` (up to 8 bytes), with the size rounded up to
/// whole elements.
std::pair<Precision, std::size_t> region_buffer(std::size_t bytes, std::size_t element_width,
                                                std::size_t alignment,
                                                std::size_t group_alignment) {
  std::size_t width = std::max<std::size_t>(element_width, 1);
  if (alignment > group_alignment) width = std::max(width, std::min<std::size_t>(alignment, 8));
  const Precision precision = width == 1   ? Precision::uint8
                              : width == 2 ? Precision::float16
                              : width == 4 ? Precision::int32
                                           : Precision::int64;
  return {precision, (bytes + width - 1) / width};
}

}  // namespace

BufferRegistry::BufferRegistry(LayoutOptions options) : m_options(BufferGroup(options).options()) {}

BufferRegistry::Component* BufferRegistry::find(const void* parent) {
  const auto found = m_components.find(parent);
  return found == m_components.end() ? nullptr : found->second.get();
}

BufferRegistry::Component& BufferRegistry::find_or_create(const void* parent) {
  auto& slot = m_components[parent];
  if (!slot) slot = std::make_unique<Component>(m_options);
  return *slot;
}

void BufferRegistry::register_buffer(std::string name, const void* parent, std::size_t size,
                                     Location location, bool persistent,
                                     std::optional<std::string> aliases, Precision precision,
                                     std::optional<LiveInterval> live) {
  std::lock_guard lock(m_mutex);
  const bool existed = find(parent) != nullptr;
  try {
    find_or_create(parent).group.register_buffer(std::move(name), size, location, persistent,
                                                 std::move(aliases), precision, live);
  } catch (...) {
    if (!existed) m_components.erase(parent);  // a rejected call leaves no empty group behind
    throw;
  }
}

std::pair<bool, bool> BufferRegistry::update_buffer(const std::string& name, const void* parent,
                                                    const BufferUpdate& update) {
  std::lock_guard lock(m_mutex);
  Component* component = find(parent);
  return component ? component->group.update_buffer(name, update) : std::pair{false, false};
}

void BufferRegistry::clear_layout(const void* parent) {
  std::lock_guard lock(m_mutex);
  if (Component* component = find(parent)) component->group.invalidate_layouts();
}

std::size_t BufferRegistry::parents_of(const void* child) const {
  std::size_t parents = 0;
  for (const auto& entry : m_components) {
    const auto& children = entry.second->children;
    parents += static_cast<std::size_t>(
        std::any_of(children.begin(), children.end(),
                    [child](const auto& linked) { return linked.second == child; }));
  }
  return parents;
}

void BufferRegistry::clear_parent(const void* parent) {
  std::lock_guard lock(m_mutex);
  std::vector<const void*> pending{parent};
  std::set<const void*> removed;
  while (!pending.empty()) {
    const void* next = pending.back();
    pending.pop_back();
    if (removed.count(next)) continue;
    // Children are shared: a child goes only with its last parent. It is looked at again each
    // time one of its parents goes (the graph is a DAG, so the last one removes it).
    if (next != parent && parents_of(next) > 0) continue;
    removed.insert(next);
    if (Component* component = find(next)) {
      for (const auto& child : component->children) pending.push_back(child.second);
      m_components.erase(next);
    }
  }
  // No group may keep a removed component as a child: its address may be reused.
  for (auto& entry : m_components) {
    auto& children = entry.second->children;
    for (auto child = children.begin(); child != children.end();) {
      child = removed.count(child->second) ? children.erase(child) : std::next(child);
    }
  }
}

void BufferRegistry::reset() {
  std::lock_guard lock(m_mutex);
  m_components.clear();
}

std::size_t BufferRegistry::shared_buffer_size(const void* parent) {
  std::lock_guard lock(m_mutex);
  const Component* component = find(parent);
  return component ? component->group.shared_buffer_size() : 0;
}

std::size_t BufferRegistry::local_buffer_size(const void* parent) {
  std::lock_guard lock(m_mutex);
  const Component* component = find(parent);
  return component ? component->group.local_buffer_size() : 0;
}

std::size_t BufferRegistry::persistent_local_buffer_size(const void* parent) {
  std::lock_guard lock(m_mutex);
  const Component* component = find(parent);
  return component ? component->group.persistent_local_buffer_size() : 0;
}

Allocator BufferRegistry::get_allocator(const std::string& name, const void* parent, bool zero) {
  std::lock_guard lock(m_mutex);
  const Component* component = find(parent);
  if (!component) {
    throw std::out_of_range(
        detail::buffer_message(name, "its component has no buffers registered"));
  }
  return component->group.get_allocator(name, zero);
}

BufferGroup* BufferRegistry::group(const void* parent) {
  std::lock_guard lock(m_mutex);
  Component* component = find(parent);
  return component ? &component->group : nullptr;
}

std::map<std::string, const void*> BufferRegistry::children(const void* parent) {
  std::lock_guard lock(m_mutex);
  const Component* component = find(parent);
  return component ? component->children : std::map<std::string, const void*>{};
}

std::vector<std::string> BufferRegistry::path_of_children(const void* from, const void* to) {
  // Depth-first over the recorded children; the graph is acyclic, `visited` only avoids
  // walking shared sub-trees twice.
  struct Step {
    const void* component;
    std::map<std::string, const void*>::const_iterator next;
  };
  std::vector<Step> stack;
  std::vector<std::string> path;  // the names of the edges on the stack
  std::set<const void*> visited{from};
  const auto enter = [&](const void* component) {
    const Component* found = find(component);
    if (found) stack.push_back({component, found->children.begin()});
    return found != nullptr;
  };
  if (!enter(from)) return {};
  while (!stack.empty()) {
    Step& top = stack.back();
    if (top.next == find(top.component)->children.end()) {
      stack.pop_back();
      if (!path.empty()) path.pop_back();
      continue;
    }
    const auto [name, child] = *top.next++;
    if (child == to) {
      path.push_back(name);
      return path;
    }
    if (!visited.insert(child).second) continue;
    if (enter(child)) path.push_back(name);
  }
  return {};
}

std::pair<std::string, std::string> BufferRegistry::register_child_locked(const void* parent,
                                                                          const void* child,
                                                                          const std::string& name) {
  if (parent == child) {
    throw std::invalid_argument(
        detail::buffer_message(name, "a component cannot be registered as its own child"));
  }
  std::string shared_name = name + "_shared";
  std::string persistent_name = name + "_persistent";
  // The same child under the same name again only refreshes its entries. A new edge must keep
  // the component graph a DAG (with a cycle, each refresh rolled every arena of the cycle up
  // into itself again, growing them all without bound), and must not take a name in use:
  // silently overwriting or unlinking what holds it loses data.
  const Component* existing = find(parent);
  // The child recorded under `name`, if any (nullptr is a component address like any other).
  std::optional<const void*> linked;
  if (existing) {
    const auto found = existing->children.find(name);
    if (found != existing->children.end()) linked = found->second;
  }
  if (linked != child) {
    if (const std::vector<std::string> path = path_of_children(child, parent); !path.empty()) {
      std::string chain = detail::quoted(name);
      for (const std::string& step : path) chain += " -> " + detail::quoted(step);
      throw std::invalid_argument(detail::buffer_message(
          name, "component " + detail::quoted(name) + " cannot be a child of component " +
                    detail::quoted(path.back()) + ", which is already inside it (" + chain +
                    "): components must not form a cycle"));
    }
    if (linked) {
      throw std::invalid_argument(detail::buffer_message(
          name,
          "is the name of another child component of this parent: give this child "
          "another name"));
    }
    for (const std::string* entry : {&shared_name, &persistent_name}) {
      if (existing && existing->group.contains(*entry) &&
          existing->child_entries.count(*entry) == 0) {
        throw std::invalid_argument(detail::buffer_message(
            *entry, "is a buffer of this parent, so child " + detail::quoted(name) +
                        " cannot take its name: give the child another name"));
      }
    }
  }
  const Component* child_component = find(child);
  const auto entry = [&](Region region) {
    if (!child_component) return std::pair{Precision::uint8, std::size_t{0}};
    const BufferGroup& group = child_component->group;
    return region_buffer(group.arena_size(region), group.element_width(region),
                         group.arena_alignment(region), m_options.alignment);
  };
  const auto [shared_precision, shared_size] = entry(Region::shared);
  const auto [persistent_precision, persistent_size] = entry(Region::persistent);

  const bool existed = find(parent) != nullptr;
  Component& component = find_or_create(parent);
  // Work on a copy, so that a rejected second entry leaves nothing half-applied. Entries that
  // exist already are updated, which leaves the cached layout alone when nothing changed.
  BufferGroup updated = component.group;
  const auto refresh = [&](const std::string& entry_name, std::size_t size, Location location,
                           bool persistent, Precision precision) {
    BufferUpdate update{size,       location,
                        persistent, std::optional<std::string>{},
                        precision,  std::optional<LiveInterval>{}};
    if (!updated.update_buffer(entry_name, update).first) {
      updated.register_buffer(entry_name, size, location, persistent, std::nullopt, precision);
    }
  };
  try {
    refresh(shared_name, shared_size, Location::shared, false, shared_precision);
    refresh(persistent_name, persistent_size, Location::local, true, persistent_precision);
  } catch (...) {
    if (!existed) m_components.erase(parent);
    throw;
  }
  component.child_entries.insert(shared_name);
  component.child_entries.insert(persistent_name);
  component.group = std::move(updated);
  component.children[name] = child;
  return {std::move(shared_name), std::move(persistent_name)};
}

std::pair<std::string, std::string> BufferRegistry::register_child(
    const void* parent, const void* child, std::optional<std::string> name) {
  const std::string entry_name = child_name(child, name);
  std::lock_guard lock(m_mutex);
  return register_child_locked(parent, child, entry_name);
}

std::pair<Allocator, Allocator> BufferRegistry::get_child_allocators(
    const void* parent, const void* child, std::optional<std::string> name) {
  const std::string entry_name = child_name(child, name);
  std::lock_guard lock(m_mutex);
  // Registers the child on the spot, or refreshes it: the one call components make.
  const auto [shared_name, persistent_name] = register_child_locked(parent, child, entry_name);
  const Component* component = find(parent);
  return {component->group.get_allocator(shared_name),
          component->group.get_allocator(persistent_name)};
}

std::set<std::string> BufferRegistry::update(const void* parent,
                                             const std::map<std::string, std::string>& settings) {
  std::lock_guard lock(m_mutex);
  Component* component = find(parent);
  if (!component) return {};
  std::vector<std::pair<std::string, Location>> moves;
  std::set<std::string> recognized;
  for (const auto& [key, value] : settings) {
    if (key.size() <= location_suffix.size() ||
        key.compare(key.size() - location_suffix.size(), std::string::npos, location_suffix) != 0) {
      continue;
    }
    std::string name = key.substr(0, key.size() - location_suffix.size());
    if (!component->group.contains(name)) continue;
    try {
      moves.emplace_back(name, parse_location(value));
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument(detail::buffer_message(name, "location " + detail::quoted(value) +
                                                                   " (key " + detail::quoted(key) +
                                                                   ") is not 'shared' or 'local'"));
    }
    recognized.insert(key);
  }
  if (moves.empty()) return recognized;
  // Move on a copy: a move the group refuses (a persistent buffer cannot become shared) must
  // not leave the moves before it applied.
  BufferGroup moved = component->group;
  for (const auto& [name, location] : moves) {
    BufferUpdate move;
    move.location = location;
    moved.update_buffer(name, move);
  }
  component->group = std::move(moved);
  return recognized;
}

BufferRegistry& buffer_registry() {
  static BufferRegistry instance;
  return instance;
}

}  // namespace bufreg
