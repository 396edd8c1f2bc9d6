#include "dsa_csv.hpp"

#include <bufreg/detail/messages.hpp>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

namespace perf {
namespace {

/// The whole file; throws BadInput when it cannot be read (a directory cannot).
std::string contents(const std::string& path) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw BadInput(path + ": is a directory, not an instance file");
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) throw BadInput(path + ": cannot be read: " + std::strerror(errno));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw BadInput(path + ": cannot be read");
  return text.str();
}

/// Splits `text` into lines ended by LF, CRLF or a lone CR (old Mac files), without the ends.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    lines.push_back(text.substr(start, i - start));
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    start = i + 1;
  }
  if (start < text.size()) lines.push_back(text.substr(start));
  return lines;
}

}  // namespace

std::optional<NotACount> parse_count(std::string_view text, std::size_t& value) {
  if (text.empty()) return NotACount{1, "'' is not a non-negative integer"};
  std::size_t result = 0;
  constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] < '0' || text[i] > '9') {
      return NotACount{i + 1, bufreg::detail::quoted(text) + " is not a non-negative integer"};
    }
    const auto digit = static_cast<std::size_t>(text[i] - '0');
    if (result > (most - digit) / 10) {
      return NotACount{1, bufreg::detail::quoted(text) + " is larger than " + std::to_string(most)};
    }
    result = result * 10 + digit;
  }
  value = result;
  return std::nullopt;
}

std::vector<bufreg::LiveBuffer> read_instance(const std::string& path) {
  return parse_instance(contents(path), path);
}

std::vector<bufreg::LiveBuffer> parse_instance(std::string_view text, const std::string& path) {
  std::vector<bufreg::LiveBuffer> buffers;
  std::size_t total = 0;  // plan_offsets refuses sizes whose sum overflows: say where first
  const std::vector<std::string_view> lines = lines_of(text);
  for (std::size_t number = 1; number <= lines.size(); ++number) {
    const std::string_view line = lines[number - 1];
    if (line.empty() || (number == 1 && line.substr(0, 3) == "id,")) continue;
    const auto where = [&](std::size_t column) {
      return path + ":" + std::to_string(number) + ":" + std::to_string(column) + ": ";
    };
    std::vector<std::string_view> fields;
    std::vector<std::size_t> columns;  // 1-based column where each field starts
    for (std::size_t start = 0;;) {
      const std::size_t comma = line.find(',', start);
      fields.push_back(line.substr(start, comma == std::string_view::npos ? comma : comma - start));
      columns.push_back(start + 1);
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    if (fields.size() != 4) {
      const std::size_t column = fields.size() < 4 ? line.size() + 1 : columns[4];
      throw BadInput(where(column) + "expected 4 fields (id,lower,upper,size), found " +
                     std::to_string(fields.size()));
    }
    std::size_t values[3] = {0, 0, 0};
    for (std::size_t f = 1; f < 4; ++f) {
      if (const auto refused = parse_count(fields[f], values[f - 1])) {
        throw BadInput(where(columns[f] + refused->column - 1) + refused->problem);
      }
    }
    const bufreg::LiveBuffer buffer{values[0], values[1], values[2], 1};
    if (buffer.lower >= buffer.upper) {
      throw BadInput(where(columns[1]) + "lower " + std::string(fields[1]) +
                     " is not below upper " + std::string(fields[2]));
    }
    if (buffer.size > std::numeric_limits<std::size_t>::max() - total) {
      throw BadInput(where(columns[3]) + "size " + std::string(fields[3]) +
                     " makes the instance's sizes add up past " +
                     std::to_string(std::numeric_limits<std::size_t>::max()));
    }
    total += buffer.size;
    buffers.push_back(buffer);
  }
  return buffers;
}

std::string instance_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = name.rfind(".csv");
  return dot == std::string::npos ? name : name.substr(0, dot);
}

}  // namespace perf
