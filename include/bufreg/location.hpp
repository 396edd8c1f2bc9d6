#pragma once
/// \file
/// Where a buffer asks to live.

#include <cstdint>
#include <string_view>

namespace bufreg {

/// `shared`: GPU shared memory (Kokkos level-0 scratch), one copy per thread.
/// `local`: thread-private storage; `persistent` local buffers keep their values across launches.
enum class Location : std::uint8_t { shared, local };

/// "shared" or "local"; anything else throws std::invalid_argument quoting the text.
Location parse_location(std::string_view text);

/// "shared" or "local".
std::string_view to_string(Location location);

}  // namespace bufreg
