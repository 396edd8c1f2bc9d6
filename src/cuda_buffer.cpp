#include <bufreg/cuda_buffer.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/name_table.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <utility>

namespace bufreg {
namespace {

bool valid(Precision precision) { return element_size(precision) != 0; }

bool valid(Location location) {
  return location == Location::shared || location == Location::local;
}

}  // namespace

CUDABuffer::CUDABuffer(std::string name, std::size_t size, Location location, bool persistent,
                       std::optional<std::string> aliases, Precision precision,
                       std::optional<LiveInterval> live)
    : m_name(std::move(name)),
      m_aliases(aliases ? std::move(*aliases) : std::string()),
      m_live(live.value_or(LiveInterval{0, 0})),
      m_size(size),
      m_location(location),
      m_persistent(persistent),
      m_precision(precision) {
  if (m_name.empty()) throw std::invalid_argument("bufreg: a buffer name must not be empty");
  if (!valid(precision)) {
    throw std::invalid_argument(detail::buffer_message(
        m_name,
        "precision " + std::to_string(static_cast<int>(precision)) + " is not a Precision"));
  }
  if (!valid(location)) {
    throw std::invalid_argument(detail::buffer_message(
        m_name, "location " + std::to_string(static_cast<int>(location)) + " is not a Location"));
  }
  if (aliases && m_aliases.empty()) {
    throw std::invalid_argument(
        detail::buffer_message(m_name, "the name of the aliased buffer must not be empty"));
  }
  if (!m_aliases.empty() && m_aliases == m_name) {
    throw std::invalid_argument(detail::buffer_message(m_name, "a buffer cannot alias itself"));
  }
  if (live && live->first >= live->last) {
    throw std::invalid_argument(
        detail::buffer_message(m_name, "live interval [" + std::to_string(live->first) + ", " +
                                           std::to_string(live->last) + ") is empty"));
  }
  if (persistent && location == Location::shared) {
    throw std::invalid_argument(detail::buffer_message(
        m_name,
        "is persistent, but shared memory does not survive the launch: register it in "
        "local memory to keep it across launches, or make it non-persistent"));
  }
  if (live && persistent) {
    throw std::invalid_argument(detail::buffer_message(
        m_name, "is persistent, so it lives across launches and cannot have a live interval"));
  }
  if (size > std::numeric_limits<std::size_t>::max() / element_size(precision)) {
    throw std::invalid_argument(detail::buffer_message(
        m_name, std::to_string(size) + " elements of " + std::string(to_string(precision)) +
                    " overflow a byte count"));
  }
}

std::size_t CUDABuffer::bytes_in(Region region) const {
  return region == Region::local ? std::max<std::size_t>(m_size, 1) * element_size(m_precision)
                                 : bytes();
}

Region CUDABuffer::home_region() const {
  if (is_shared()) return Region::shared;
  return m_persistent ? Region::persistent : Region::local;
}

Allocator CUDABuffer::build_allocator(std::optional<Slice> shared, std::optional<Slice> persistent,
                                      std::optional<Slice> local, bool zero) const {
  Region region;
  Slice slice{};
  if (shared) {
    region = Region::shared;
    slice = *shared;
  } else if (persistent) {
    region = Region::persistent;
    slice = *persistent;
  } else if (local) {
    region = Region::local;
    slice = *local;
  } else {
    throw std::invalid_argument(detail::buffer_message(m_name, "no slice to build an allocator"));
  }
  if (slice.stop < slice.start || slice.size() != bytes_in(region)) {
    throw std::invalid_argument(detail::buffer_message(
        m_name, "slice [" + std::to_string(slice.start) + ", " + std::to_string(slice.stop) +
                    ") does not cover its " + std::to_string(bytes_in(region)) + " bytes"));
  }
  return Allocator{region, m_precision, zero,  Scope::thread, detail::intern_name(m_name),
                   0,      slice.start, m_size};
}

bool operator==(const CUDABuffer& a, const CUDABuffer& b) {
  return a.m_name == b.m_name && a.m_size == b.m_size && a.m_location == b.m_location &&
         a.m_persistent == b.m_persistent && a.m_aliases == b.m_aliases &&
         a.m_precision == b.m_precision && a.m_live == b.m_live;
}

}  // namespace bufreg
