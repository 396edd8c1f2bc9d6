#pragma once
/// \file
/// A Kokkos Tools profiling region for the scope of a bufreg call. Private to bufreg.

#include <Kokkos_Core.hpp>

#include <string>

namespace bufreg::detail {

/// Pushes the region `name` (a "bufreg::..." name) on construction and pops it on destruction,
/// on the way out of an exception too, so that tools see every region closed. Kokkos 4 has
/// Kokkos::Profiling::ScopedRegion; Kokkos 3 does not.
class [[nodiscard]] ProfilingRegion {
 public:
  explicit ProfilingRegion(const std::string& name) { Kokkos::Profiling::pushRegion(name); }
  ~ProfilingRegion() { Kokkos::Profiling::popRegion(); }
  ProfilingRegion(const ProfilingRegion&) = delete;
  ProfilingRegion& operator=(const ProfilingRegion&) = delete;
};

}  // namespace bufreg::detail
