#pragma once
// GoogleTest printers, so that failing layout comparisons show offsets rather than bytes.

#include <bufreg/allocator.hpp>

#include <ostream>

namespace bufreg {

inline void PrintTo(const Slice& slice, std::ostream* out) {
  *out << "[" << slice.start << ", " << slice.stop << ")";
}

}  // namespace bufreg
