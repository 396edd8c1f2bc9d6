// BufferGroup::describe() and BufferGroup::to_json(): the layout for people and for tools.
#include <bufreg/buffer_group.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace bufreg {
namespace {

constexpr Region regions[] = {Region::shared, Region::persistent, Region::local};

std::string inside_text(const CUDABuffer& buffer, const Placement& placement) {
  if (!buffer.aliases()) return "-";
  return placement.inside_parent ? "yes" : "no";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", byte);
      out += escaped;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

}  // namespace

std::string BufferGroup::describe() const {
  const std::vector<std::string> header = {"name",  "location", "persistent", "aliases",
                                           "arena", "offset",   "bytes",      "inside parent"};
  std::vector<std::vector<std::string>> rows;
  const auto& placements = this->placements();
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    const CUDABuffer& buffer = m_entries[i];
    const Placement& placement = placements[i];
    rows.push_back({buffer.name(), std::string(to_string(buffer.location())),
                    buffer.persistent() ? "yes" : "no", buffer.aliases().value_or("-"),
                    std::string(to_string(placement.region)), std::to_string(placement.slice.start),
                    std::to_string(placement.slice.size()), inside_text(buffer, placement)});
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool numeric = c == 5 || c == 6;
      const bool last = c + 1 == cells.size();
      const std::string pad(last ? 0 : width[c] - cells[c].size(), ' ');
      text += numeric ? pad + cells[c] : cells[c] + pad;
      text += last ? "\n" : "  ";
    }
    return text;
  };
  std::string text = line(header);
  for (const auto& row : rows) text += line(row);
  text += "arena sizes per thread:";
  for (const Region region : regions) {
    text += " " + std::string(to_string(region)) + " " + std::to_string(arena_size(region)) + " B";
    text += region == Region::local ? "\n" : ",";
  }
  return text;
}

std::string BufferGroup::to_json() const {
  std::string json = "{\"alignment\": " + std::to_string(m_options.alignment) + ", \"arenas\": {";
  for (const Region region : regions) {
    json += json_string(std::string(to_string(region))) +
            ": {\"bytes\": " + std::to_string(arena_size(region)) +
            ", \"alignment\": " + std::to_string(arena_alignment(region)) + "}";
    json += region == Region::local ? "}, \"buffers\": [" : ", ";
  }
  const auto& placements = this->placements();
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    const CUDABuffer& buffer = m_entries[i];
    const Placement& placement = placements[i];
    json += i ? ", " : "";
    json += "{\"name\": " + json_string(buffer.name()) +
            ", \"size\": " + std::to_string(buffer.size()) +
            ", \"precision\": " + json_string(std::string(to_string(buffer.precision()))) +
            ", \"location\": " + json_string(std::string(to_string(buffer.location()))) +
            ", \"persistent\": " + (buffer.persistent() ? "true" : "false") +
            ", \"aliases\": " + (buffer.aliases() ? json_string(*buffer.aliases()) : "null") +
            ", \"region\": " + json_string(std::string(to_string(placement.region))) +
            ", \"offset\": " + std::to_string(placement.slice.start) +
            ", \"bytes\": " + std::to_string(placement.slice.size()) +
            ", \"inside_parent\": " + (placement.inside_parent ? "true" : "false") + "}";
  }
  return json + "]}";
}

}  // namespace bufreg
