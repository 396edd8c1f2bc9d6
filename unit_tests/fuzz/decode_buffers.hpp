#pragma once
// Buffer registrations and updates decoded from fuzz input, over the full value ranges: any
// size, any bytes in names (a few short names recur so that aliases, replacements and clashes
// happen), every Location and Precision plus values that are neither, live intervals anywhere
// in std::size_t (empty and inverted ones included).

#include <bufreg/buffer_group.hpp>

#include "fuzz_input.hpp"
#include "reference_model.hpp"

#include <optional>
#include <string>

namespace fuzz {

inline std::string name(Input& in) {
  static const char* const names[] = {"a",         "b", "c", "d", "e", "k_shared", "k_persistent",
                                      "x_location"};
  const std::uint8_t b = in.byte();
  if (b < 224) return names[b % (sizeof names / sizeof names[0])];
  return in.text();  // empty, control bytes, invalid UTF-8, hundreds of bytes
}

inline std::optional<std::string> alias(Input& in) {
  if (in.byte() % 3 != 0) return std::nullopt;
  return name(in);
}

inline bufreg::Location location(Input& in) {
  const std::uint8_t b = in.byte();
  return static_cast<bufreg::Location>(b < 240 ? b % 2 : b);  // the rest are not Locations
}

inline bufreg::Precision precision(Input& in) {
  const std::uint8_t b = in.byte();
  return static_cast<bufreg::Precision>(b < 240 ? b % 6 : b);  // the rest are not Precisions
}

inline std::optional<bufreg::LiveInterval> live(Input& in) {
  const std::uint8_t b = in.byte();
  if (b < 96) return std::nullopt;
  if (b < 224) {  // short phases, as kernels have
    const std::size_t first = b & 15;
    return bufreg::LiveInterval{first, first + in.byte() % 6};
  }
  return bufreg::LiveInterval{in.count(), in.count()};
}

inline reference::Buffer buffer(Input& in) {
  reference::Buffer b;
  b.name = name(in);
  b.size = in.count();
  b.location = location(in);
  b.persistent = in.flag();
  b.alias = alias(in);
  b.precision = precision(in);
  b.live = live(in);
  return b;
}

/// Any subset of the fields, each with any value.
/// Options over their full ranges, planners that do not exist included.
inline bufreg::LayoutOptions options(Input& in) {
  return {in.alignment(), static_cast<bufreg::Planner>(in.byte() % 4), in.number()};
}

inline bufreg::BufferUpdate update(Input& in) {
  bufreg::BufferUpdate update;
  const std::uint8_t fields = in.byte();
  if (fields & 1) update.size = in.count();
  if (fields & 2) update.location = location(in);
  if (fields & 4) update.persistent = in.flag();
  if (fields & 8) update.aliases = alias(in);
  if (fields & 16) update.precision = precision(in);
  if (fields & 32) update.live = live(in);
  return update;
}

/// An update that sets a subset of `b`'s fields to the values they have: a no-op.
inline bufreg::BufferUpdate same_values(Input& in, const reference::Buffer& b) {
  bufreg::BufferUpdate update;
  const std::uint8_t fields = in.byte();
  if (fields & 1) update.size = b.size;
  if (fields & 2) update.location = b.location;
  if (fields & 4) update.persistent = b.persistent;
  if (fields & 8) update.aliases = b.alias;
  if (fields & 16) update.precision = b.precision;
  if (fields & 32) update.live = b.live;
  return update;
}

}  // namespace fuzz
