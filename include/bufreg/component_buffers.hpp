#pragma once
/// \file
/// Ties a component's registrations to its lifetime.

#include <cstddef>
#include <optional>
#include <string>

#include <bufreg/buffer_registry.hpp>

namespace bufreg {

/// A member that registers buffers for its owner and clears the owner's entry (and its
/// children's) when destroyed, so registrations never outlive the component.
///
/// \code
/// struct Integrator {
///   bufreg::ComponentBuffers buffers{this};
///   explicit Integrator(std::size_t n) { buffers.register_buffer("state", n, Location::shared); }
/// };
/// \endcode
class ComponentBuffers {
 public:
  explicit ComponentBuffers(const void* owner, BufferRegistry& registry = buffer_registry())
      : m_owner(owner), m_registry(&registry) {}
  ~ComponentBuffers() { m_registry->clear_parent(m_owner); }
  ComponentBuffers(const ComponentBuffers&) = delete;  // the owner's address is the key
  ComponentBuffers& operator=(const ComponentBuffers&) = delete;

  const void* owner() const { return m_owner; }
  BufferRegistry& registry() const { return *m_registry; }

  void register_buffer(std::string name, std::size_t size, Location location,
                       bool persistent = false, std::optional<std::string> aliases = std::nullopt,
                       Precision precision = Precision::float32,
                       std::optional<LiveInterval> live = std::nullopt) {
    m_registry->register_buffer(std::move(name), m_owner, size, location, persistent,
                                std::move(aliases), precision, live);
  }
  Allocator get_allocator(const std::string& name, bool zero = false) const {
    return m_registry->get_allocator(name, m_owner, zero);
  }
  /// Rolls `child` up into this component (BufferRegistry::register_child).
  std::pair<std::string, std::string> register_child(const ComponentBuffers& child,
                                                     std::optional<std::string> name = {}) {
    return m_registry->register_child(m_owner, child.m_owner, std::move(name));
  }
  /// The child's allocators in this component, rolling it up first if it is not yet
  /// (BufferRegistry::get_child_allocators).
  std::pair<Allocator, Allocator> get_child_allocators(const ComponentBuffers& child,
                                                       std::optional<std::string> name = {}) const {
    return m_registry->get_child_allocators(m_owner, child.m_owner, std::move(name));
  }

 private:
  const void* m_owner;
  BufferRegistry* m_registry;
};

}  // namespace bufreg
