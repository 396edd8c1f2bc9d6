#include <bufreg/buffer_registry.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/placement_search.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <set>
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

/// The two entries that roll child `name` up into a parent, as `child`'s layout sizes them
/// (`child` null: a child without buffers, two empty regions).
std::array<CUDABuffer, 2> child_entries(const std::string& name, const BufferGroup* child,
                                        std::size_t group_alignment) {
  const auto entry = [&](Region region) {
    if (!child) return std::pair{Precision::uint8, std::size_t{0}};
    return region_buffer(child->arena_size(region), child->element_width(region),
                         child->arena_alignment(region), group_alignment);
  };
  const auto [shared_precision, shared_size] = entry(Region::shared);
  const auto [persistent_precision, persistent_size] = entry(Region::persistent);
  return {CUDABuffer(name + "_shared", shared_size, Location::shared, false, std::nullopt,
                     shared_precision),
          CUDABuffer(name + "_persistent", persistent_size, Location::local, true, std::nullopt,
                     persistent_precision)};
}

bool holds(const BufferGroup& group, const CUDABuffer& buffer) {
  const auto& entries = group.entries();
  return std::find(entries.begin(), entries.end(), buffer) != entries.end();
}

/// Whether `group` holds `entries` exactly as they are.
bool holds(const BufferGroup& group, const std::array<CUDABuffer, 2>& entries) {
  return holds(group, entries[0]) && holds(group, entries[1]);
}

/// Brings the entries of `group` to `entries`: an entry that exists is updated (which keeps
/// the cached layout when nothing changed), one that does not is registered. May throw after
/// the first: callers work on a copy.
void store_entries(BufferGroup& group, const std::array<CUDABuffer, 2>& entries) {
  for (const CUDABuffer& entry : entries) {
    const BufferUpdate update{entry.size(),       entry.location(),
                              entry.persistent(), std::optional<std::string>{},
                              entry.precision(),  std::optional<LiveInterval>{}};
    if (!group.update_buffer(entry.name(), update).first) {
      group.register_buffer(entry.name(), entry.size(), entry.location(), entry.persistent(),
                            std::nullopt, entry.precision());
    }
  }
}

/// Throws std::invalid_argument when `name` is one of the two entries a current child of the
/// component rolls up into: the registry sizes those from the child, so a buffer of the user's
/// under that name would be replaced at the child's next change.
void refuse_child_entry(const std::map<std::string, const void*>& children,
                        const std::string& name) {
  for (const auto& linked : children) {
    const std::string& child = linked.first;
    for (const char* suffix : {"_shared", "_persistent"}) {
      if (name == child + suffix) {
        throw std::invalid_argument(detail::buffer_message(
            name, "holds child component " + detail::quoted(child) +
                      " in this parent (the registry sizes it from the child): give the buffer "
                      "another name"));
      }
    }
  }
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

template <class Change>
void BufferRegistry::change_group(const void* key, Component& component, Change&& change) {
  if (parents_of(key) == 0) {
    change(component.group);  // nothing to roll up: in place, as the group's calls are atomic
    return;
  }
  Staged staged;
  change(staged.emplace(key, component.group).first->second);
  stage_parents(staged, key);
  commit(staged);
}

void BufferRegistry::stage_parents(Staged& staged, const void* child) {
  const auto staged_child = staged.find(child);
  const BufferGroup* child_group = staged_child != staged.end() ? &staged_child->second
                                   : find(child)                ? &find(child)->group
                                                                : nullptr;
  // Parents in address order, each refreshed under all its names for `child` before the
  // components above it: the same entry is refused first on every run.
  std::vector<const void*> keys;
  for (const auto& entry : m_components) keys.push_back(entry.first);
  std::sort(keys.begin(), keys.end(), std::less<const void*>());
  for (const void* key : keys) {
    const Component& component = *m_components.at(key);
    std::optional<BufferGroup> refreshed;
    for (const auto& [name, linked] : component.children) {
      if (linked != child) continue;
      const std::array<CUDABuffer, 2> entries =
          child_entries(name, child_group, m_options.alignment);
      const auto found = staged.find(key);
      const BufferGroup& current = refreshed               ? *refreshed
                                   : found != staged.end() ? found->second
                                                           : component.group;
      if (holds(current, entries)) continue;  // its sizes did not change: nothing to roll up
      if (!refreshed) refreshed = current;
      store_entries(*refreshed, entries);
    }
    if (!refreshed) continue;
    staged.insert_or_assign(key, std::move(*refreshed));
    stage_parents(staged, key);  // the components form a DAG: this ends
  }
}

void BufferRegistry::commit(Staged& staged) {
  for (auto& [key, group] : staged) find(key)->group = std::move(group);
}

void BufferRegistry::register_buffer(std::string name, const void* parent, std::size_t size,
                                     Location location, bool persistent,
                                     std::optional<std::string> aliases, Precision precision,
                                     std::optional<LiveInterval> live) {
  std::lock_guard lock(m_mutex);
  const bool existed = find(parent) != nullptr;
  if (existed) refuse_child_entry(find(parent)->children, name);
  try {
    change_group(parent, find_or_create(parent), [&](BufferGroup& group) {
      group.register_buffer(std::move(name), size, location, persistent, std::move(aliases),
                            precision, live);
    });
  } catch (...) {
    if (!existed) m_components.erase(parent);  // a rejected call leaves no empty group behind
    throw;
  }
}

std::pair<bool, bool> BufferRegistry::update_buffer(const std::string& name, const void* parent,
                                                    const BufferUpdate& update) {
  std::lock_guard lock(m_mutex);
  Component* component = find(parent);
  if (!component) return {false, false};
  refuse_child_entry(component->children, name);
  std::pair<bool, bool> result;
  change_group(parent, *component,
               [&](BufferGroup& group) { result = group.update_buffer(name, update); });
  return result;
}

void BufferRegistry::clear_layout(const void* parent) {
  std::lock_guard lock(m_mutex);
  if (Component* component = find(parent)) {
    // The rebuilt layout is the same one, except where Planner::best's budget ran out at
    // another point: the parents are refreshed should it differ.
    change_group(parent, *component, [](BufferGroup& group) { group.invalidate_layouts(); });
  }
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

const BufferGroup* BufferRegistry::group(const void* parent) {
  std::lock_guard lock(m_mutex);
  const Component* component = find(parent);
  return component ? &component->group : nullptr;
}

std::map<std::string, std::uint32_t> BufferRegistry::generations(const void* parent) {
  std::lock_guard lock(m_mutex);
  std::map<std::string, std::uint32_t> generations;
  std::vector<std::pair<std::string, const void*>> pending{{"", parent}};
  while (!pending.empty()) {
    const auto [path, key] = std::move(pending.back());
    pending.pop_back();
    const Component* component = find(key);
    if (!component) continue;  // a child with no buffers yet: it has no layout
    generations.emplace(path, component->group.generation());
    for (const auto& [name, child] : component->children) {
      pending.emplace_back(path.empty() ? name : path + "/" + name, child);
    }
  }
  return generations;
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
  const std::array<CUDABuffer, 2> entries =
      child_entries(name, child_component ? &child_component->group : nullptr, m_options.alignment);

  const bool existed = find(parent) != nullptr;
  Component& component = find_or_create(parent);
  if (!holds(component.group, entries)) {
    // Work on copies, so that a rejected entry, here or in a component `parent` is inside,
    // leaves nothing half-applied.
    try {
      Staged staged;
      store_entries(staged.emplace(parent, component.group).first->second, entries);
      stage_parents(staged, parent);
      commit(staged);
    } catch (...) {
      if (!existed) m_components.erase(parent);
      throw;
    }
  }
  component.child_entries.insert(shared_name);
  component.child_entries.insert(persistent_name);
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
  // Registers the child on the spot (a registered child is current already): the one call
  // components make.
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
    refuse_child_entry(component->children, name);
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
  change_group(parent, *component, [&](BufferGroup& group) {
    // Move on a copy: a move the group refuses (a persistent buffer cannot become shared) must
    // not leave the moves before it applied.
    BufferGroup moved = group;
    for (const auto& [name, location] : moves) {
      BufferUpdate move;
      move.location = location;
      moved.update_buffer(name, move);
    }
    group = std::move(moved);
  });
  return recognized;
}

PlacementDecision BufferRegistry::place_automatically(const void* parent,
                                                      const PlacementModel& model,
                                                      const PlacementOptions& options) {
  std::lock_guard lock(m_mutex);
  if (!find(parent)) throw std::out_of_range("bufreg: automatic placement of an unknown parent");
  // The components inside `parent`, each under every path that leads to it.
  std::vector<std::pair<std::string, const void*>> nodes = {{"", parent}};
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    for (const auto& [name, child] : find(nodes[i].second)->children) {
      if (find(child)) nodes.emplace_back(nodes[i].first + name + "/", child);
    }
  }
  std::map<std::string, const void*> by_prefix(nodes.begin(), nodes.end());
  const auto split = [&](const std::string& path) -> std::pair<const void*, std::string> {
    const auto slash = path.rfind('/');
    const std::string prefix = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    const auto node = by_prefix.find(prefix);
    return {node == by_prefix.end() ? nullptr : node->second,
            slash == std::string::npos ? path : path.substr(slash + 1)};
  };
  const auto find_buffer = [&](const std::string& path) -> const CUDABuffer* {
    const auto [key, name] = split(path);
    if (!key) return nullptr;
    const Component& component = *find(key);
    refuse_child_entry(component.children, name);
    for (const CUDABuffer& buffer : component.group.entries()) {
      if (buffer.name() == name) return &buffer;
    }
    return nullptr;
  };
  detail::check_options(options, find_buffer);

  std::vector<detail::Relocatable> relocatable;
  std::set<std::pair<const void*, std::string>> buffers;
  for (const std::string& path : options.relocatable) {
    const CUDABuffer& buffer = *find_buffer(path);
    if (!buffers.insert(split(path)).second) {
      throw std::invalid_argument(
          detail::buffer_message(path, "is relocatable twice (under another path too)"));
    }
    relocatable.push_back(
        {path, buffer.bytes(), detail::weight_of(options, path), buffer.location()});
  }
  const auto placed = [&](const std::vector<Location>& locations) {
    Staged staged;
    std::set<const void*> moved;
    for (std::size_t i = 0; i < relocatable.size(); ++i) {
      if (locations[i] == relocatable[i].current) continue;
      const auto [key, name] = split(relocatable[i].name);
      BufferUpdate move;
      move.location = locations[i];
      staged.try_emplace(key, find(key)->group).first->second.update_buffer(name, move);
      moved.insert(key);
    }
    for (const void* key : moved) stage_parents(staged, key);
    return staged;
  };
  const auto footprint_of = [&](const std::vector<Location>& locations) {
    const Staged staged = placed(locations);
    const auto group_of = [&](const void* key) -> const BufferGroup& {
      const auto found = staged.find(key);
      return found != staged.end() ? found->second : find(key)->group;
    };
    Footprint footprint;
    footprint.shared_bytes = group_of(parent).shared_buffer_size();
    for (const auto& [prefix, key] : nodes) {
      const BufferGroup& group = group_of(key);
      footprint.local_bytes += group.local_buffer_size();
      for (const CUDABuffer& buffer : group.entries()) {
        if (find(key)->child_entries.count(buffer.name())) continue;
        detail::add_traffic(footprint, buffer, detail::weight_of(options, prefix + buffer.name()));
      }
    }
    return footprint;
  };
  detail::SearchResult result = detail::search_placement(relocatable, footprint_of, model, options);
  Staged chosen = placed(result.chosen);
  commit(chosen);
  return std::move(result.decision);
}

BufferRegistry& buffer_registry() {
  static BufferRegistry instance;
  return instance;
}

}  // namespace bufreg
