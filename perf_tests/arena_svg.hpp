#pragma once
// An SVG picture of one arena: a row per buffer, aliases drawn over their parents, offsets and
// sizes labelled. People look at layouts; they do not read them.

#include <cstddef>
#include <string>
#include <vector>

namespace perf {

struct ArenaBox {
  std::string name;
  std::size_t offset;  // bytes from the arena's start
  std::size_t bytes;
};

struct ArenaRow {
  ArenaBox buffer;
  std::vector<ArenaBox> aliases;  // buffers placed inside this one
};

std::string arena_svg(const std::string& title, const std::vector<ArenaRow>& rows,
                      std::size_t arena_bytes);

}  // namespace perf
