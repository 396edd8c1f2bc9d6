#pragma once
/// \file
/// An open-addressing hash index from buffer name to entry position, for BufferGroup: one probe
/// sequence in one flat array per lookup, so registering 100,000 buffers stays linear in time
/// and cache misses. Private to bufreg.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

namespace bufreg::detail {

class NameIndex {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  /// Positions are stored in 32 bits.
  static constexpr std::size_t max_entries = 0xfffffffeu;

  static std::size_t hash(std::string_view name) { return std::hash<std::string_view>{}(name); }

  /// The position stored for `name` (whose hash is `hash`), or npos. `name_at(position)` gives
  /// the name stored at a position, to tell colliding hashes apart.
  template <class NameAt>
  std::size_t find(std::string_view name, std::size_t hash, const NameAt& name_at) const {
    if (m_slots.empty()) return npos;
    const auto tag = static_cast<std::uint32_t>(hash);
    for (std::size_t i = hash & mask();; i = (i + 1) & mask()) {
      const Slot& slot = m_slots[i];
      if (slot.position == empty) return npos;
      if (slot.tag == tag && name_at(slot.position) == name) return slot.position;
    }
  }

  /// Stores `position` for a name with `hash` that is not in the index yet.
  void insert(std::size_t hash, std::size_t position) {
    if (2 * (m_size + 1) > m_slots.size()) grow();
    place(hash, position);
    ++m_size;
  }

 private:
  // 8-byte slots: the low half of the hash, to skip most mismatches without touching the
  // name, and the position (BufferGroup refuses more than 2^32 - 1 entries).
  static constexpr std::uint32_t empty = 0xffffffffu;
  struct Slot {
    std::uint32_t tag;
    std::uint32_t position;
  };

  std::size_t mask() const { return m_slots.size() - 1; }

  void place(std::size_t hash, std::size_t position) {
    std::size_t i = hash & mask();
    while (m_slots[i].position != empty) i = (i + 1) & mask();
    m_slots[i] = Slot{static_cast<std::uint32_t>(hash), static_cast<std::uint32_t>(position)};
  }

  // Slots keep the low 32 bits of each hash; a table never has more than 2^32 slots, so those
  // bits are all a probe's start depends on.
  void grow() {
    std::vector<Slot> old(m_slots.empty() ? 16 : 2 * m_slots.size(), Slot{0, empty});
    old.swap(m_slots);
    for (const Slot& slot : old) {
      if (slot.position != empty) place(slot.tag, slot.position);
    }
  }

  std::vector<Slot> m_slots;
  std::size_t m_size = 0;
};

}  // namespace bufreg::detail
