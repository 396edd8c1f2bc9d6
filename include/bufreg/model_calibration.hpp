#pragma once
/// \file
/// Fitting the placement model's constants to measured times: what bufreg_calibrate runs on the
/// device it calibrates.

#include <string>
#include <vector>

#include <bufreg/placement_model.hpp>

namespace bufreg {

/// One measured run: a kernel of `kernel`'s shape with `footprint`, taking `seconds`.
struct PlacementTiming {
  std::string label;  ///< names the run in messages and tables, e.g. "lorenz96/n40/all_local"
  Footprint footprint;
  KernelShape kernel;
  double seconds = 0;
};

/// The outcome of fit_placement_model().
struct ModelFit {
  ModelParameters parameters;
  /// Seconds per unit of Estimate::time: the scale that best maps the fitted model's times on
  /// the measured ones (the geometric mean of their ratios).
  double seconds_per_model_unit = 0;
  /// sqrt(mean((log measured - log(scale x model time))^2)): 0.1 is about 10% off per timing.
  double rms_log_error = 0;
};

/// Fits on_chip_local_bytes, spill_cost and saturating_threads of `start.parameters` to
/// `timings` on `start.device`: minimises the squared error of log(seconds) against
/// log(scale x model time), the scale the best for each candidate. A coarse grid (powers of two
/// for the bytes and threads, of 2^(1/2) for the spill cost, start's values among them), then a
/// compass search in log space down to 1/1024 of a power of two; bytes and threads stay whole.
/// A constant the timings cannot tell apart from start's (the same error with start's value)
/// keeps start's value. The two shared-memory bounds are not fitted: they decide team sizes,
/// which the timings give rather than measure. The result's arch is start.device.arch; its
/// source says how many timings it was fitted from and with what RMS log error. Deterministic.
/// Throws std::invalid_argument naming the timing for fewer than 3 timings, a time that is not
/// finite and positive, or a footprint or kernel shape that does not fit the device.
ModelFit fit_placement_model(const PlacementModel& start,
                             const std::vector<PlacementTiming>& timings);

}  // namespace bufreg
