#pragma once
/// \file
/// The result of a layout: byte ranges, and the plain record a kernel uses to find a buffer.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include <bufreg/detail/host_device.hpp>
#include <bufreg/precision.hpp>

namespace bufreg {

/// The three per-thread arenas a layout fills.
enum class Region : std::uint8_t {
  shared,      ///< shared memory (level-0 scratch), one copy per thread
  persistent,  ///< persistent-local storage, kept from one launch to the next
  local        ///< thread-private scratch
};

/// "shared", "persistent" or "local".
std::string_view to_string(Region region);

/// Whose copy of a buffer a kernel gets: each thread its own, or one per team that the team's
/// threads share (LayoutOptions::scope of the buffer's group).
enum class Scope : std::uint8_t { thread, team };

/// "thread" or "team".
std::string_view to_string(Scope scope);

/// A half-open range of BYTE offsets [start, stop) inside one arena.
struct Slice {
  std::size_t start;
  std::size_t stop;
  constexpr std::size_t size() const { return stop - start; }
  friend constexpr bool operator==(const Slice& a, const Slice& b) {
    return a.start == b.start && a.stop == b.stop;
  }
  friend constexpr bool operator!=(const Slice& a, const Slice& b) { return !(a == b); }
};

/// What a kernel needs to find one buffer: plain data, trivially copyable, 32 bytes (kernels
/// capture many of them; CUDA passes functors under 512 bytes as plain kernel arguments).
struct Allocator {
  Region region;             ///< arena the buffer lives in
  Precision precision;       ///< element type
  bool zero;                 ///< zero-fill the buffer when a kernel takes its pointer
  Scope scope;               ///< a copy per thread, or one per team
  std::uint32_t name_id;     ///< the buffer's name, for messages: buffer_name(name_id)
  std::uint32_t generation;  ///< the layout it was taken from (BufferGroup::generation()); 0: none
  std::size_t offset;        ///< byte offset from the start of the thread's arena
  std::size_t count;         ///< elements of `precision` the buffer holds

  /// Bytes of the slice: `count` elements, and at least one in the local arena. Computed, not
  /// stored, to leave room for the generation in 32 bytes.
  BUFREG_HOST_DEVICE constexpr std::size_t bytes() const {
    return (region == Region::local && count == 0 ? 1 : count) * element_size(precision);
  }
};
static_assert(sizeof(Allocator) == 32 && std::is_trivially_copyable_v<Allocator>,
              "kernels capture allocators by the dozen: keep them small plain data");

/// The buffer name behind an Allocator::name_id ("<unknown>" for an id never issued).
std::string buffer_name(std::uint32_t name_id);

}  // namespace bufreg
