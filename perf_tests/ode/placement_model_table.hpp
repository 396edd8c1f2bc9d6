#pragma once
// What automatic placement would choose for the ODE kernels on three CUDA GPUs, and the model's
// figures for it and for the fixed placements: a model, not a measurement.

#include "../report_table.hpp"

namespace ode {

/// For every thread-per-system ODE configuration (the stage accumulator in k7's storage) and the
/// models of sm_90 (H100), sm_80 (A100) and sm_89 (RTX 4070 SUPER), with their default
/// parameters: the components' placement, all local, all shared and the automatic choice, each
/// with level-0 and thread-private bytes per thread, team size, resident threads per
/// multiprocessor, spilled share of thread-private traffic and model time relative to the
/// components' placement. The JSON holds each PlacementDecision::to_json().
perf::ReportTable automatic_placement_model();

}  // namespace ode
