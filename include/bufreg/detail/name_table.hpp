#pragma once
/// \file
/// Process-wide interning of buffer names, so that an Allocator can name its buffer with a
/// 32-bit id that device code can look up in a copied table. Private to bufreg.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bufreg::detail {

/// The id of `name`, issuing a new one on first sight. Ids are dense and never reused.
std::uint32_t intern_name(std::string_view name);

/// Every interned name, indexed by id.
std::vector<std::string> interned_names();

}  // namespace bufreg::detail
