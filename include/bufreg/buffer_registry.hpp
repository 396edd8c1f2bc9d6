#pragma once
/// \file
/// The map from owning component to its BufferGroup, with child components rolled up into
/// their parent.

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <bufreg/automatic_placement.hpp>
#include <bufreg/buffer_group.hpp>

namespace bufreg {

/// Finds a component's group and delegates to it. Components are keyed by address (`this`).
/// Every member function is thread-safe; a pointer from group() is not protected by the lock
/// and dies with clear_parent() or reset().
///
/// A child component is rolled up into its parent as two buffers, `{name}_shared` and
/// `{name}_persistent`, sized from the child's layout and as wide as its widest element; kernels
/// address the child's buffers relative to those two (see get_child_allocators()). Every call
/// that changes a component's layout re-lays out the components it is inside in the same call
/// (all of them, or, when one refuses, none and nothing else either), so queries never change
/// a layout and each layout's generation says when it moved (BufferGroup::generation()).
class BufferRegistry {
 public:
  explicit BufferRegistry(LayoutOptions options = {});

  /// BufferGroup::register_buffer on `parent`'s group, created on first use. The entries a
  /// current child is rolled up into (`{name}_shared`, `{name}_persistent`) are the registry's:
  /// register_buffer, update_buffer and update refuse them (std::invalid_argument).
  void register_buffer(std::string name, const void* parent, std::size_t size, Location location,
                       bool persistent = false, std::optional<std::string> aliases = std::nullopt,
                       Precision precision = Precision::float32,
                       std::optional<LiveInterval> live = std::nullopt);
  /// BufferGroup::update_buffer; {false, false} for an unknown parent.
  std::pair<bool, bool> update_buffer(const std::string& name, const void* parent,
                                      const BufferUpdate& update);

  /// Drops the cached layout of `parent` (and refreshes the components it is inside should the
  /// rebuilt layout differ); no-op for an unknown parent.
  void clear_layout(const void* parent);
  /// Removes `parent`'s group and, recursively, the group of each recorded child that no
  /// remaining component still has as a child: children are shared, so a child of two parents
  /// lives until both are cleared. Other groups forget `parent` as a child (its address may be
  /// reused); the entries it was rolled up into stay in them.
  void clear_parent(const void* parent);
  /// Removes every group.
  void reset();

  /// Bytes per thread of each arena; 0 for an unknown parent.
  std::size_t shared_buffer_size(const void* parent);
  std::size_t local_buffer_size(const void* parent);
  std::size_t persistent_local_buffer_size(const void* parent);

  /// Throws std::out_of_range for an unknown parent or name.
  Allocator get_allocator(const std::string& name, const void* parent, bool zero = false);
  /// nullptr for an unknown parent. Read-only: changes go through the registry, which rolls
  /// them up into the component's parents.
  const BufferGroup* group(const void* parent);
  /// The layout generation of `parent`'s group and of every component inside it, by the path of
  /// child names leading to it ("" for `parent`, "step", "step/inner"...); empty for an unknown
  /// parent. A KernelPlan of `parent` compares it with the one it was made under.
  std::map<std::string, std::uint32_t> generations(const void* parent);
  /// The components registered as `parent`'s children, by the name register_child() was given;
  /// empty for an unknown parent.
  std::map<std::string, const void*> children(const void* parent);

  /// Registers `child`'s shared and persistent-local arenas in `parent` as buffers
  /// `{name}_shared` (shared) and `{name}_persistent` (persistent-local) whose element type is
  /// as wide as the widest element inside (uint8, float16, int32 or int64), aligned for every
  /// buffer inside the child, and records the child so clear_parent(parent) removes it too.
  /// Later changes of the child refresh the sizes by themselves. Without a name, one derived from
  /// `child`'s address is used. Returns the two entry names. Throws std::invalid_argument and
  /// changes nothing when the edge would close a cycle (`child` already holds `parent`: components
  /// must form a DAG), when `name` is taken by another child of `parent`, or when `{name}_shared`
  /// or
  /// `{name}_persistent` is a buffer the user registered in `parent`.
  std::pair<std::string, std::string> register_child(
      const void* parent, const void* child, std::optional<std::string> name = std::nullopt);
  /// The allocators of the child's two entries in `parent`: register_child(parent, child, name)
  /// first, so a child not yet registered under that name is registered on the spot (and
  /// `parent`'s group created, as register_buffer and register_child do); for a registered one
  /// it changes nothing. This is the one call a component needs; register_child
  /// is for callers who want the entry names. A child component with no buffers rolls up as two
  /// empty regions. Throws what register_child throws (std::invalid_argument: a cycle, a taken
  /// name) and then changes nothing; never std::out_of_range.
  std::pair<Allocator, Allocator> get_child_allocators(
      const void* parent, const void* child, std::optional<std::string> name = std::nullopt);

  /// For every key `<buffer>_location` naming a buffer of `parent`, moves that buffer to the
  /// location in the value ("shared"/"local"). Returns the keys it recognized; other keys are
  /// ignored. Each move keeps the buffer's other settings (its live interval too). An invalid
  /// value, or a move the group refuses, throws std::invalid_argument and changes nothing.
  std::set<std::string> update(const void* parent,
                               const std::map<std::string, std::string>& settings);

  /// Automatic placement (see bufreg::place_automatically) over `parent` and every component
  /// inside it. Buffers are named by path: "state" for `parent`'s own, "step/k1" for buffer k1
  /// of its child "step", "step/inner/x" further down. Each candidate is rolled up as update()
  /// would roll it up; its level 0 is `parent`'s shared arena, its thread-private bytes those of
  /// `parent` and of every component inside it (each has its own LocalArena). The choice is
  /// applied in one step, like update(), and returned. Throws std::out_of_range for an unknown
  /// parent or path, std::invalid_argument for a child's entry, and what place_automatically()
  /// throws; a refusal changes nothing.
  PlacementDecision place_automatically(const void* parent, const PlacementModel& model,
                                        const PlacementOptions& options);

 private:
  struct Component {
    explicit Component(LayoutOptions options) : group(options) {}
    BufferGroup group;
    std::map<std::string, const void*> children;  // child entry name -> child component
    std::set<std::string> child_entries;          // buffers register_child made, not the user
  };

  /// Groups one call changed, not yet stored: a call that fails stores none of them.
  using Staged = std::map<const void*, BufferGroup>;

  Component* find(const void* parent);
  Component& find_or_create(const void* parent);
  /// Applies `change` to `component`'s group and refreshes the components it is inside, all or
  /// nothing; the group is changed in place when it is inside none.
  template <class Change>
  void change_group(const void* key, Component& component, Change&& change);
  /// Stages the refreshed entries of `child` in each component that holds it, and so on up.
  void stage_parents(Staged& staged, const void* child);
  void commit(Staged& staged);
  std::pair<std::string, std::string> register_child_locked(const void* parent, const void* child,
                                                            const std::string& name);
  /// How many components have `child` as a child.
  std::size_t parents_of(const void* child) const;
  /// The child entry names leading from component `from` down to component `to`, empty when
  /// `to` is not inside `from`.
  std::vector<std::string> path_of_children(const void* from, const void* to);

  LayoutOptions m_options;
  std::mutex m_mutex;
  std::unordered_map<const void*, std::unique_ptr<Component>> m_components;
};

/// The process-wide default registry.
BufferRegistry& buffer_registry();

}  // namespace bufreg
