#pragma once
/// \file
/// How bufreg words its errors: "bufreg: buffer 'name': problem". Private to bufreg.

#include <cstddef>
#include <string>
#include <string_view>

namespace bufreg::detail {

/// "bufreg: buffer 'name': problem"
std::string buffer_message(std::string_view name, std::string_view problem);

/// "1.5 KiB (1536 B)", or "24 B" below a KiB: sizes people can read.
std::string format_bytes(std::size_t bytes);

/// The text between quotes in messages; non-printable bytes shown as \xNN.
std::string quoted(std::string_view text);

/// A JSON string: quotes and backslashes escaped, control characters as \u00XX, and bytes that
/// are not well-formed UTF-8 as \u00XX of the byte, so the document is always valid UTF-8.
std::string json_string(const std::string& text);

/// A name as describe() prints it: backslashes doubled, newlines, tabs and carriage returns as
/// \n, \t and \r, other control characters and bytes that are not well-formed UTF-8 as \xNN.
std::string display_name(const std::string& text);

}  // namespace bufreg::detail
