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

}  // namespace bufreg::detail
