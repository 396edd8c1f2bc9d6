#pragma once
// Planning instances in CSV: one buffer per line, `id,lower,upper,size` (`size` bytes live over
// [lower, upper)), an optional header line starting with "id,".

#include <string>
#include <vector>

#include <bufreg/planner.hpp>

namespace perf {

/// The buffers of the instance in `path`; throws std::runtime_error naming the file and line of
/// anything malformed.
std::vector<bufreg::LiveBuffer> read_instance(const std::string& path);

/// "minimalloc-challenging-A" for ".../minimalloc-challenging-A.csv".
std::string instance_name(const std::string& path);

}  // namespace perf
