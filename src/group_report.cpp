// BufferGroup::describe() and BufferGroup::to_json(): the layout for people and for tools.
#include <bufreg/buffer_group.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/planned_layout.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <string_view>
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

/// The length of the well-formed UTF-8 sequence starting at text[i] (Unicode's table 3-7: no
/// overlong forms, surrogates or code points past U+10FFFF), or 0 when there is none.
std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) {
    return k < text.size() ? static_cast<unsigned>(static_cast<unsigned char>(text[k])) : 0u;
  };
  const unsigned lead = byte(i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned low = 0x80, high = 0xbf;  // the second byte's range; later ones are always 80..bf
  if (lead >= 0xc2 && lead <= 0xdf) {
    length = 2;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    length = 3;
    if (lead == 0xe0) low = 0xa0;   // overlong
    if (lead == 0xed) high = 0x9f;  // surrogates
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    length = 4;
    if (lead == 0xf0) low = 0x90;   // overlong
    if (lead == 0xf4) high = 0x8f;  // past U+10FFFF
  } else {
    return 0;
  }
  for (std::size_t k = 1; k < length; ++k) {
    const unsigned next = byte(i + k);  // 0 past the end: not a continuation byte
    if (next < (k == 1 ? low : 0x80u) || next > (k == 1 ? high : 0xbfu)) return 0;
  }
  return length;
}

/// `text` with every byte that is not part of well-formed UTF-8, and every control character,
/// replaced by `escape(byte)`; `special(byte, out)` may claim a byte first.
template <class Escape, class Special>
std::string escaped(const std::string& text, Escape escape, Special special) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const std::size_t length = utf8_length(text, i);
    if (special(byte, out)) {
      ++i;
    } else if (length == 0 || byte < 0x20 || byte == 0x7f) {
      out += escape(byte);
      ++i;
    } else {
      out.append(text, i, length);
      i += length;
    }
  }
  return out;
}

}  // namespace

namespace detail {

std::string json_string(const std::string& text) {
  const auto escape = [](unsigned char byte) {
    char code[8];
    std::snprintf(code, sizeof code, "\\u%04x", byte);
    return std::string(code);
  };
  const auto special = [](unsigned char byte, std::string& out) {
    if (byte != '"' && byte != '\\') return false;
    out += '\\';
    out += static_cast<char>(byte);
    return true;
  };
  return "\"" + escaped(text, escape, special) + "\"";
}

std::string display_name(const std::string& text) {
  const auto escape = [](unsigned char byte) {
    char code[8];
    std::snprintf(code, sizeof code, "\\x%02x", byte);
    return std::string(code);
  };
  const auto special = [](unsigned char byte, std::string& out) {
    const char* replacement = byte == '\\'   ? "\\\\"
                              : byte == '\n' ? "\\n"
                              : byte == '\t' ? "\\t"
                              : byte == '\r' ? "\\r"
                                             : nullptr;
    if (replacement) out += replacement;
    return replacement != nullptr;
  };
  return escaped(text, escape, special);
}

}  // namespace detail

namespace {

using detail::display_name;
using detail::json_string;

/// Characters (code points) in well-formed UTF-8 `text`: the columns it takes in a table.
std::size_t columns(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

/// What Planner::best did with `region`, one line, or nothing where it planned nothing.
std::string plan_line(Region region, const ArenaPlan& plan) {
  if (plan.outcome == ArenaPlan::Outcome::not_planned) return "";
  std::string text = std::string(to_string(region)) + " arena ";
  if (plan.outcome == ArenaPlan::Outcome::planned) {
    text += "planned: " + std::to_string(plan.buffers) + " buffers by " + plan.method;
  } else {
    text += "fell back to registration order: the best plan found for its " +
            std::to_string(plan.buffers) + " buffers (" + std::to_string(plan.planned_bytes) +
            " bytes by " + plan.method + ") is no smaller";
  }
  return text + (plan.note.empty() ? "" : "; " + plan.note) + "\n";
}

/// The same as a JSON value: null where the planner planned nothing.
std::string plan_json(const ArenaPlan& plan) {
  if (plan.outcome == ArenaPlan::Outcome::not_planned) return "null";
  return std::string("{\"outcome\": ") +
         (plan.outcome == ArenaPlan::Outcome::planned ? "\"planned\"" : "\"fell_back\"") +
         ", \"buffers\": " + std::to_string(plan.buffers) +
         ", \"planned_bytes\": " + std::to_string(plan.planned_bytes) +
         ", \"method\": " + json_string(plan.method) + ", \"note\": " + json_string(plan.note) +
         "}";
}

/// Names longer than this are printed in full but do not widen their column: one long name
/// must not pad every row of a large group.
constexpr std::size_t widest_name_column = 40;

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
    rows.push_back({display_name(buffer.name()), std::string(to_string(buffer.location())),
                    buffer.persistent() ? "yes" : "no",
                    buffer.aliases() ? display_name(*buffer.aliases()) : "-", live_text(buffer),
                    std::string(to_string(placement.region)), std::to_string(placement.slice.start),
                    std::to_string(placement.slice.size()), inside_text(buffer, placement)});
  }
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) {
    const bool names = c == 0 || c == 3;  // the name and alias columns
    width[c] = header[c].size();
    for (const auto& row : rows) {
      const std::size_t cell = columns(row[c]);
      if (!names || cell <= widest_name_column) width[c] = std::max(width[c], cell);
    }
  }
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string text;
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const bool numeric = c == 6 || c == 7;
      const bool last = c + 1 == cells.size();
      const std::size_t cell = columns(cells[c]);
      const std::string pad(last || cell >= width[c] ? 0 : width[c] - cell, ' ');
      text += numeric ? pad + cells[c] : cells[c] + pad;
      text += last ? "\n" : "  ";
    }
    return text;
  };
  std::string text = line(header);
  for (const auto& row : rows) text += line(row);
  const auto loads = detail::arena_loads(m_entries, m_items, placements, m_options.alignment);
  text += "planner " + planner_name(m_options.planner) + "; bytes per " +
          std::string(to_string(m_options.scope)) + ":";
  for (const Region region : regions) {
    const std::size_t peak = arena_size(region);
    const std::size_t load = loads[static_cast<std::size_t>(region)];
    text += " " + std::string(to_string(region)) + " " + std::to_string(peak) + " (LOAD " +
            std::to_string(load) + ", " + ratio_text(peak, load) + ")";
    text += region == Region::local ? "\n" : ",";
  }
  for (const Region region : regions) text += plan_line(region, arena_plan(region));
  return text;
}

std::string BufferGroup::to_json() const {
  const auto& placements = this->placements();
  const auto loads = detail::arena_loads(m_entries, m_items, placements, m_options.alignment);
  std::string json = "{\"alignment\": " + std::to_string(m_options.alignment) +
                     ", \"planner\": " + json_string(planner_name(m_options.planner)) +
                     ", \"scope\": " + json_string(std::string(to_string(m_options.scope))) +
                     ", \"arenas\": {";
  for (const Region region : regions) {
    const std::size_t peak = arena_size(region);
    const std::size_t load = loads[static_cast<std::size_t>(region)];
    json += json_string(std::string(to_string(region))) + ": {\"bytes\": " + std::to_string(peak) +
            ", \"alignment\": " + std::to_string(arena_alignment(region)) +
            ", \"load\": " + std::to_string(load) +
            ", \"peak_over_load\": " + (load ? ratio_text(peak, load) : "null") +
            ", \"plan\": " + plan_json(arena_plan(region)) + "}";
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
            ", \"live\": " + (buffer.live() ? interval_text(*buffer.live(), ']') : "null") +
            ", \"region\": " + json_string(std::string(to_string(placement.region))) +
            ", \"offset\": " + std::to_string(placement.slice.start) +
            ", \"bytes\": " + std::to_string(placement.slice.size()) +
            ", \"inside_parent\": " + (placement.inside_parent ? "true" : "false") + "}";
  }
  return json + "]}";
}

}  // namespace bufreg
