// BufferGroup::describe() and BufferGroup::to_json(): the layout for people and for tools.
#include <bufreg/buffer_group.hpp>
#include <bufreg/detail/planned_layout.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

namespace bufreg {
namespace {

constexpr Region regions[] = {Region::shared, Region::persistent, Region::local};

/// "[first, last)", or "[first, last]" for JSON.
std::string interval_text(const LiveInterval& live, char close) {
  std::string text = "[";
  text += std::to_string(live.first);
  text += ", ";
  text += std::to_string(live.last);
  text += close;
  return text;
}

std::string live_text(const CUDABuffer& buffer) {
  return buffer.live() ? interval_text(*buffer.live(), ')') : "-";
}

std::string ratio_text(std::size_t peak, std::size_t load) {
  if (load == 0) return peak == 0 ? "1.000" : "-";
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(peak) / static_cast<double>(load));
  return text;
}

std::string planner_name(Planner planner) {
  return planner == Planner::best ? "best" : "registration_order";
}

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
  const std::vector<std::string> header = {"name",    "location", "persistent",
                                           "aliases", "live",     "arena",
                                           "offset",  "bytes",    "inside parent"};
  std::vector<std::vector<std::string>> rows;
  const auto& placements = this->placements();
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    const CUDABuffer& buffer = m_entries[i];
    const Placement& placement = placements[i];
    rows.push_back({buffer.name(), std::string(to_string(buffer.location())),
                    buffer.persistent() ? "yes" : "no", buffer.aliases().value_or("-"),
                    live_text(buffer), std::string(to_string(placement.region)),
                    std::to_string(placement.slice.start), std::to_string(placement.slice.size()),
                    inside_text(buffer, placement)});
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    width[c] = header[c].size();
    for (const auto& row : rows) width[c] = std::max(width[c], row[c].size());
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool numeric = c == 6 || c == 7;
      const bool last = c + 1 == cells.size();
      const std::string pad(last ? 0 : width[c] - cells[c].size(), ' ');
      text += numeric ? pad + cells[c] : cells[c] + pad;
      text += last ? "\n" : "  ";
    }
    return text;
  };
  std::string text = line(header);
  for (const auto& row : rows) text += line(row);
  const auto loads = detail::arena_loads(m_entries, m_items, placements, m_options.alignment);
  text += "planner " + planner_name(m_options.planner) + "; bytes per thread:";
  for (const Region region : regions) {
    const std::size_t peak = arena_size(region);
    const std::size_t load = loads[static_cast<std::size_t>(region)];
    text += " " + std::string(to_string(region)) + " " + std::to_string(peak) + " (LOAD " +
            std::to_string(load) + ", " + ratio_text(peak, load) + ")";
    text += region == Region::local ? "\n" : ",";
  }
  return text;
}

std::string BufferGroup::to_json() const {
  const auto& placements = this->placements();
  const auto loads = detail::arena_loads(m_entries, m_items, placements, m_options.alignment);
  std::string json = "{\"alignment\": " + std::to_string(m_options.alignment) +
                     ", \"planner\": " + json_string(planner_name(m_options.planner)) +
                     ", \"arenas\": {";
  for (const Region region : regions) {
    const std::size_t peak = arena_size(region);
    const std::size_t load = loads[static_cast<std::size_t>(region)];
    json += json_string(std::string(to_string(region))) + ": {\"bytes\": " + std::to_string(peak) +
            ", \"alignment\": " + std::to_string(arena_alignment(region)) +
            ", \"load\": " + std::to_string(load) +
            ", \"peak_over_load\": " + (load ? ratio_text(peak, load) : "null") + "}";
    json += region == Region::local ? "}, \"buffers\": [" : ", ";
  }
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
            ", \"live\": " +
            (buffer.live() ? interval_text(*buffer.live(), ']') : "null") +
            ", \"region\": " + json_string(std::string(to_string(placement.region))) +
            ", \"offset\": " + std::to_string(placement.slice.start) +
            ", \"bytes\": " + std::to_string(placement.slice.size()) +
            ", \"inside_parent\": " + (placement.inside_parent ? "true" : "false") + "}";
  }
  return json + "]}";
}

}  // namespace bufreg
