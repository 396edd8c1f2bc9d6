#include "dsa_csv.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace perf {
namespace {

std::size_t parse_number(const std::string& text, const std::string& where) {
  std::size_t used = 0;
  unsigned long long value = 0;
  try {
    value = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || text[0] == '-') {
    throw std::runtime_error(where + ": '" + text + "' is not a non-negative integer");
  }
  return static_cast<std::size_t>(value);
}

}  // namespace

std::vector<bufreg::LiveBuffer> read_instance(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::runtime_error(path + ": cannot be read");
  std::vector<bufreg::LiveBuffer> buffers;
  std::string line;
  for (std::size_t number = 1; std::getline(file, line); ++number) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || (number == 1 && line.rfind("id,", 0) == 0)) continue;
    const std::string where = path + ":" + std::to_string(number);
    std::vector<std::string> fields;
    std::stringstream stream(line);
    for (std::string field; std::getline(stream, field, ',');) fields.push_back(field);
    if (fields.size() != 4) {
      throw std::runtime_error(where + ": expected 4 fields (id,lower,upper,size), found " +
                               std::to_string(fields.size()));
    }
    const bufreg::LiveBuffer buffer{parse_number(fields[1], where), parse_number(fields[2], where),
                                    parse_number(fields[3], where), 1};
    if (buffer.lower >= buffer.upper) {
      throw std::runtime_error(where + ": lower " + fields[1] + " is not below upper " + fields[2]);
    }
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
