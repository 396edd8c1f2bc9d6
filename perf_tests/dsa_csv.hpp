#pragma once
// Planning instances in CSV: one buffer per line, `id,lower,upper,size` (`size` bytes live over
// [lower, upper)), an optional header line starting with "id,". Lines may end in LF, CRLF or a
// lone CR.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <bufreg/planner.hpp>

namespace perf {

/// Input the tools refuse: a usage error or a malformed file (exit status 2).
struct BadInput : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Why some text is not a count.
struct NotACount {
  std::size_t column;   ///< 1-based, within the text: where the problem starts
  std::string problem;  ///< e.g. "'-8' is not a non-negative integer"
};

/// `text` as a non-negative decimal integer that fits std::size_t: digits only (no sign, no
/// spaces, nothing after them). The one parser of numbers for the CSV fields and the options.
std::optional<NotACount> parse_count(std::string_view text, std::size_t& value);

/// The buffers of the instance in `path`; throws BadInput naming the file, line and column of
/// anything malformed, and the file alone when it cannot be read or is a directory.
std::vector<bufreg::LiveBuffer> read_instance(const std::string& path);

/// The buffers of the instance `text`, read from `path`: read_instance without the file.
std::vector<bufreg::LiveBuffer> parse_instance(std::string_view text, const std::string& path);

/// "minimalloc-challenging-A" for ".../minimalloc-challenging-A.csv".
std::string instance_name(const std::string& path);

}  // namespace perf
