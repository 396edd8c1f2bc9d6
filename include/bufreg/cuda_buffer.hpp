#pragma once
/// \file
/// One buffer a component declares.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include <bufreg/allocator.hpp>
#include <bufreg/live_interval.hpp>
#include <bufreg/location.hpp>
#include <bufreg/precision.hpp>

namespace bufreg {

/// An immutable description of one per-thread buffer, validated on construction.
///
/// \code
/// CUDABuffer stage("stage_1", 40, Location::shared, false, std::nullopt, Precision::float64);
/// stage.bytes();  // 320
/// \endcode
class CUDABuffer {
 public:
  /// Throws std::invalid_argument naming the buffer for an empty name, an empty or self alias,
  /// an unknown precision or location, a size whose byte count overflows std::size_t, an empty
  /// live interval, a persistent shared buffer (shared memory does not survive the launch), or
  /// a live interval on a persistent buffer (which lives across launches).
  CUDABuffer(std::string name, std::size_t size, Location location, bool persistent = false,
             std::optional<std::string> aliases = std::nullopt,
             Precision precision = Precision::float32,
             std::optional<LiveInterval> live = std::nullopt);

  const std::string& name() const { return m_name; }
  std::size_t size() const { return m_size; }  ///< in elements
  Location location() const { return m_location; }
  bool persistent() const { return m_persistent; }
  /// The buffer whose storage this one may reuse, if any.
  std::optional<std::string> aliases() const {
    return m_aliases.empty() ? std::nullopt : std::optional<std::string>(m_aliases);
  }
  Precision precision() const { return m_precision; }
  /// When the buffer holds data; empty: the whole kernel.
  std::optional<LiveInterval> live() const {
    return m_live.last == 0 ? std::nullopt : std::optional<LiveInterval>(m_live);
  }

  std::size_t bytes() const { return m_size * element_size(m_precision); }
  /// Bytes the buffer occupies when placed in `region`: bytes(), except in the local arena,
  /// where a buffer reserves at least one element.
  std::size_t bytes_in(Region region) const;

  bool is_shared() const { return m_location == Location::shared; }
  bool is_persistent_local() const { return m_location == Location::local && m_persistent; }
  bool is_local() const { return m_location == Location::local && !m_persistent; }
  /// The arena the buffer's own settings select.
  Region home_region() const;

  /// The Allocator for the first slice given, in the order shared, persistent, local, of
  /// generation 0 (BufferGroup::get_allocator stamps its layout's). Throws
  /// std::invalid_argument when none is given or the slice does not cover bytes_in(region).
  Allocator build_allocator(std::optional<Slice> shared, std::optional<Slice> persistent,
                            std::optional<Slice> local, bool zero = false) const;

  friend bool operator==(const CUDABuffer& a, const CUDABuffer& b);
  friend bool operator!=(const CUDABuffer& a, const CUDABuffer& b) { return !(a == b); }

 private:
  // Compact (groups of 100,000 buffers stay fast): no alias is an empty name (alias names must
  // not be empty), no live interval is {0, 0} (real ones end after they start).
  std::string m_name;
  std::string m_aliases;
  LiveInterval m_live;
  std::size_t m_size;
  Location m_location;
  bool m_persistent;
  Precision m_precision;
};

}  // namespace bufreg
