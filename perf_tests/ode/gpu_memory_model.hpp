#pragma once
// What the ODE kernels would cost a CUDA GPU's memory, computed with bufreg's warp-access model
// on the host: a model, not a measurement.

#include "../report_table.hpp"

namespace ode {

/// For every ODE configuration the perf tests run, bufreg's kernel (laid out warp_shaped, as
/// on CUDA) and the hand-written one: the costliest shared-memory access (wavefronts) and
/// persistent access (sectors) per warp against the ideal, the functor's bytes in this build,
/// level-0 bytes per thread and the largest team that fits 48 KiB of level 0.
perf::ReportTable gpu_memory_model();

}  // namespace ode
