#include "arena_svg.hpp"

#include <algorithm>
#include <cstdio>

namespace perf {
namespace {

std::string escape(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (c == '&')
      out += "&amp;";
    else if (c == '"')
      out += "&quot;";
    else
      out += c;
  }
  return out;
}

std::string format(const char* pattern, double a, double b, double c, double d) {
  char text[256];
  std::snprintf(text, sizeof text, pattern, a, b, c, d);
  return text;
}

}  // namespace

std::string arena_svg(const std::string& title, const std::vector<ArenaRow>& rows,
                      std::size_t arena_bytes) {
  const double label_width = 150, bar_width = 640, row_height = 26, top = 40;
  const double width = label_width + bar_width + 420;
  const double height = top + row_height * static_cast<double>(rows.size()) + 40;
  const double scale = bar_width / static_cast<double>(std::max<std::size_t>(arena_bytes, 1));
  std::string svg = format(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "font-family=\"monospace\" font-size=\"12\">\n",
      width, height, 0, 0);
  svg += "<text x=\"10\" y=\"22\" font-size=\"14\">" + escape(title) + "</text>\n";
  for (std::size_t r = 0; r < rows.size(); ++r) {
    const double y = top + row_height * static_cast<double>(r);
    const ArenaBox& box = rows[r].buffer;
    svg += format("<text x=\"10\" y=\"%.0f\">", y + 17, 0, 0, 0) + escape(box.name) + "</text>\n";
    svg += format(
        "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"#9ecae1\" "
        "stroke=\"#3182bd\"/>\n",
        label_width + scale * static_cast<double>(box.offset), y + 3,
        std::max(1.0, scale * static_cast<double>(box.bytes)), row_height - 6);
    std::string label = "@" + std::to_string(box.offset) + ", " + std::to_string(box.bytes) + " B";
    for (const ArenaBox& alias : rows[r].aliases) {
      svg += format(
          "<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"#fd8d3c\" "
          "fill-opacity=\"0.6\" stroke=\"#e6550d\" stroke-dasharray=\"4 2\"/>\n",
          label_width + scale * static_cast<double>(alias.offset), y + 7,
          std::max(1.0, scale * static_cast<double>(alias.bytes)), row_height - 14);
      label += "; " + alias.name + " @" + std::to_string(alias.offset) + ", " +
               std::to_string(alias.bytes) + " B";
    }
    svg += format("<text x=\"%.0f\" y=\"%.0f\">", label_width + bar_width + 10, y + 17, 0, 0) +
           escape(label) + "</text>\n";
  }
  const double axis = top + row_height * static_cast<double>(rows.size()) + 16;
  svg += format("<text x=\"%.0f\" y=\"%.0f\">0</text>", label_width, axis, 0, 0);
  svg += format("<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\">", label_width + bar_width, axis,
                0, 0) +
         std::to_string(arena_bytes) + " B per thread</text>\n";
  return svg + "</svg>\n";
}

}  // namespace perf
