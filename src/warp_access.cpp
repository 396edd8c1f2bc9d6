#include <bufreg/warp_access.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>

namespace bufreg {
namespace {

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

void check(const std::vector<std::uint64_t>& addresses, std::size_t width) {
  if (addresses.empty() || addresses.size() > warp_lanes) {
    throw std::invalid_argument("bufreg: a warp access needs 1 to 32 lanes, not " +
                                std::to_string(addresses.size()));
  }
  if (width != 1 && width != 2 && width != 4 && width != 8 && width != 16) {
    throw std::invalid_argument("bufreg: a warp access is 1, 2, 4, 8 or 16 bytes wide, not " +
                                std::to_string(width));
  }
  for (std::size_t lane = 0; lane < addresses.size(); ++lane) {
    if (addresses[lane] % width != 0) {
      throw std::invalid_argument("bufreg: lane " + std::to_string(lane) + " accesses address " +
                                  std::to_string(addresses[lane]) + ", not a multiple of its " +
                                  std::to_string(width) + "-byte width");
    }
  }
}

}  // namespace

WarpAccessCost warp_access_cost(const std::vector<std::uint64_t>& addresses, std::size_t width) {
  check(addresses, width);
  // Every 4-byte word and 32-byte sector the lanes touch; at most 32 * 4 words.
  std::vector<std::uint64_t> words;
  std::vector<std::uint64_t> sectors;
  for (const std::uint64_t address : addresses) {
    const std::uint64_t last = address + width - 1;
    for (std::uint64_t word = address / shared_bank_bytes; word <= last / shared_bank_bytes;
         ++word) {
      words.push_back(word);
    }
    for (std::uint64_t sector = address / global_sector_bytes; sector <= last / global_sector_bytes;
         ++sector) {
      sectors.push_back(sector);
    }
  }
  for (auto* list : {&words, &sectors}) {
    std::sort(list->begin(), list->end());
    list->erase(std::unique(list->begin(), list->end()), list->end());
  }
  std::array<std::size_t, shared_bank_count> per_bank{};
  for (const std::uint64_t word : words) ++per_bank[word % shared_bank_count];
  const std::size_t bytes = addresses.size() * width;
  return WarpAccessCost{*std::max_element(per_bank.begin(), per_bank.end()),
                        ceil_div(bytes, shared_bank_count * shared_bank_bytes), sectors.size(),
                        ceil_div(bytes, global_sector_bytes)};
}

}  // namespace bufreg
