#include <bufreg/detail/messages.hpp>

#include <cstdio>

namespace bufreg::detail {

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x20 && byte < 0x7f) {
      out += c;
    } else {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      out += escaped;
    }
  }
  return out + "'";
}

std::string buffer_message(std::string_view name, std::string_view problem) {
  std::string message = "bufreg: buffer " + quoted(name) + ": ";
  message += problem;
  return message;
}

std::string format_bytes(std::size_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  char text[64];
  std::snprintf(text, sizeof text, "%.1f KiB (%zu B)", static_cast<double>(bytes) / 1024.0, bytes);
  return text;
}

}  // namespace bufreg::detail
