// Instances of the planning problem and greedy placement in a given order.
#include <bufreg/detail/dsa.hpp>

#include <algorithm>
#include <limits>
#include <numeric>
#include <utility>

namespace bufreg::detail::dsa {

Instance make_instance(const std::vector<LiveBuffer>& buffers) {
  Instance instance{buffers, std::vector<std::vector<std::uint32_t>>(buffers.size())};
  std::vector<std::uint32_t> by_lower(buffers.size());
  std::iota(by_lower.begin(), by_lower.end(), 0u);
  std::sort(by_lower.begin(), by_lower.end(),
            [&](std::uint32_t a, std::uint32_t b) { return buffers[a].lower < buffers[b].lower; });
  // Sweep in order of start: the buffers still live when one starts are the ones it overlaps.
  std::vector<std::uint32_t> live;
  for (const std::uint32_t i : by_lower) {
    live.erase(
        std::remove_if(live.begin(), live.end(),
                       [&](std::uint32_t j) { return buffers[j].upper <= buffers[i].lower; }),
        live.end());
    for (const std::uint32_t j : live) {
      instance.overlaps[i].push_back(j);
      instance.overlaps[j].push_back(i);
    }
    live.push_back(i);
  }
  return instance;
}

std::size_t peak_of(const Instance& instance, const std::vector<std::size_t>& offsets) {
  std::size_t peak = 0;
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    peak = std::max(peak, offsets[i] + instance.buffers[i].size);
  }
  return peak;
}

std::vector<std::size_t> place_in_order(const Instance& instance,
                                        const std::vector<std::uint32_t>& order, Fit fit) {
  constexpr std::size_t unplaced = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> offsets(instance.buffers.size(), unplaced);
  std::vector<std::pair<std::size_t, std::size_t>> taken;  // [offset, top) of placed neighbours
  for (const std::uint32_t i : order) {
    const LiveBuffer& buffer = instance.buffers[i];
    taken.clear();
    for (const std::uint32_t j : instance.overlaps[i]) {
      if (offsets[j] != unplaced)
        taken.emplace_back(offsets[j], offsets[j] + instance.buffers[j].size);
    }
    std::sort(taken.begin(), taken.end());
    std::size_t chosen = unplaced;
    std::size_t chosen_gap = std::numeric_limits<std::size_t>::max();
    std::size_t cursor = 0;  // the lowest free byte at this point of the scan
    for (const auto& [start, top] : taken) {
      const std::size_t offset = round_up(cursor, buffer.alignment);
      if (start > cursor && offset + buffer.size <= start) {
        const std::size_t gap = start - cursor;
        if (fit == Fit::first) {
          chosen = offset;
          break;
        }
        if (gap < chosen_gap) {
          chosen = offset;
          chosen_gap = gap;
        }
      }
      cursor = std::max(cursor, top);
    }
    offsets[i] = chosen != unplaced ? chosen : round_up(cursor, buffer.alignment);
  }
  return offsets;
}

}  // namespace bufreg::detail::dsa
