// The placement model's constants fitted to measured times (model_calibration.hpp).
#include <bufreg/detail/messages.hpp>
#include <bufreg/model_calibration.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace bufreg {
namespace {

[[noreturn]] void refuse_timing(const PlacementTiming& timing, const std::string& why) {
  throw std::invalid_argument("bufreg: timing " + detail::quoted(timing.label) + ": " + why);
}

void check_timings(const PlacementModel& start, const std::vector<PlacementTiming>& timings) {
  if (timings.size() < 3) {
    throw std::invalid_argument(
        "bufreg: fitting the placement model needs 3 timings or more, not " +
        std::to_string(timings.size()));
  }
  for (const PlacementTiming& timing : timings) {
    if (!std::isfinite(timing.seconds) || !(timing.seconds > 0)) {
      char seconds[32];
      std::snprintf(seconds, sizeof seconds, "%g", timing.seconds);
      refuse_timing(timing, std::string("time ") + seconds + " s is not a finite number > 0");
    }
    Estimate estimate;
    try {
      estimate = start.estimate(timing.footprint, timing.kernel);
    } catch (const std::invalid_argument& error) {
      const std::string why = error.what();
      const std::string prefix = "bufreg: ";
      refuse_timing(timing,
                    why.compare(0, prefix.size(), prefix) == 0 ? why.substr(prefix.size()) : why);
    }
    if (!estimate.fits)
      refuse_timing(timing, "does not fit " + start.device.name + ": " + estimate.limit);
    // Only the traffic gives a run time in the model: without any, no scale could match it.
    if (!(estimate.time > 0))
      refuse_timing(timing, "has no traffic, so the model gives it no time");
  }
}

/// The fitted constants as points of a log-2 space: on_chip_local_bytes = round(2^x[0]) - 1,
/// spill_cost = 2^x[1], saturating_threads = round(2^x[2]), within per-axis bounds.
struct Space {
  std::array<double, 3> lowest{};
  std::array<double, 3> highest{};

  ModelParameters parameters(ModelParameters base, const std::array<double, 3>& x) const {
    base.on_chip_local_bytes = static_cast<std::size_t>(std::llround(std::exp2(x[0]))) - 1;
    base.spill_cost = std::exp2(x[1]);
    base.saturating_threads = static_cast<int>(std::lround(std::exp2(x[2])));
    return base;
  }
  std::array<double, 3> clamp(std::array<double, 3> x) const {
    for (std::size_t axis = 0; axis < x.size(); ++axis) {
      x[axis] = std::min(highest[axis], std::max(lowest[axis], x[axis]));
    }
    return x;
  }
};

/// The squared log errors of `parameters` against `timings`, summed, with the best log scale.
struct Score {
  double squared_error = std::numeric_limits<double>::infinity();
  double log_scale = 0;
};

Score score(const DeviceDescription& device, const ModelParameters& parameters,
            const std::vector<PlacementTiming>& timings) {
  const PlacementModel model{device, parameters};
  std::vector<double> differences;
  differences.reserve(timings.size());
  for (const PlacementTiming& timing : timings) {
    const double time = model.estimate(timing.footprint, timing.kernel).time;
    differences.push_back(std::log(timing.seconds) - std::log(time));
  }
  Score result;
  double sum = 0;
  for (const double difference : differences) sum += difference;
  result.log_scale = sum / static_cast<double>(differences.size());
  result.squared_error = 0;
  for (const double difference : differences) {
    result.squared_error += (difference - result.log_scale) * (difference - result.log_scale);
  }
  return result;
}

std::string sentence(std::size_t timings, const DeviceDescription& device, double rms) {
  char text[64];
  std::snprintf(text, sizeof text, "%.4f", rms);
  std::string source = "fitted by bufreg_calibrate from " + std::to_string(timings) +
                       " timings on " + device.name + ", RMS log error " + text +
                       "; shared-memory bounds kept from the start";
  // One line of parse_model_parameters' form, where `#` would start a comment.
  for (char& c : source) {
    if (c == '#' || c == '\n' || c == '\r') c = ' ';
  }
  return source;
}

}  // namespace

ModelFit fit_placement_model(const PlacementModel& start,
                             const std::vector<PlacementTiming>& timings) {
  check_timings(start, timings);
  const DeviceDescription& device = start.device;
  const ModelParameters& base = start.parameters;

  // Past the largest local footprint nothing spills more: the bytes axis ends there (+1 for the
  // -1 of Space). Threads end at what a multiprocessor holds; spill costs at 2^10.
  std::size_t largest_local = 0;
  for (const PlacementTiming& timing : timings) {
    largest_local = std::max(largest_local, timing.footprint.local_bytes);
  }
  Space space;
  space.lowest = {0, 0, 0};
  space.highest = {
      std::log2(static_cast<double>(largest_local) + 1), 10,
      std::log2(static_cast<double>(std::max(1, device.max_threads_per_multiprocessor)))};

  const auto error_of = [&](const std::array<double, 3>& x) {
    return score(device, space.parameters(base, x), timings).squared_error;
  };
  const std::array<double, 3> from_start = space.clamp(
      {std::log2(std::min(static_cast<double>(base.on_chip_local_bytes),
                          static_cast<double>(largest_local)) +
                 1),
       std::log2(base.spill_cost), std::log2(static_cast<double>(base.saturating_threads))});

  // The coarse grid: whole powers of two on each axis (half powers for the spill cost), the
  // upper bounds and start's point among them.
  const auto axis_grid = [&](std::size_t axis, double spacing) {
    std::vector<double> grid;
    for (double x = space.lowest[axis]; x < space.highest[axis]; x += spacing) grid.push_back(x);
    grid.push_back(space.highest[axis]);
    grid.push_back(from_start[axis]);
    return grid;
  };
  std::array<double, 3> best = from_start;
  double best_error = error_of(best);
  for (const double bytes : axis_grid(0, 1)) {
    for (const double spill : axis_grid(1, 0.5)) {
      for (const double threads : axis_grid(2, 1)) {
        const std::array<double, 3> x{bytes, spill, threads};
        const double error = error_of(x);
        if (error < best_error) {
          best = x;
          best_error = error;
        }
      }
    }
  }

  // Compass search: a step along one axis is taken when it lowers the error; none does, halve.
  for (double step = 0.5; step >= 1.0 / 1024; step /= 2) {
    for (bool improved = true; improved;) {
      improved = false;
      for (std::size_t axis = 0; axis < best.size(); ++axis) {
        for (const double direction : {1.0, -1.0}) {
          std::array<double, 3> x = best;
          x[axis] += direction * step;
          x = space.clamp(x);
          const double error = error_of(x);
          if (error < best_error) {
            best = x;
            best_error = error;
            improved = true;
          }
        }
      }
    }
  }

  // Where the timings cannot tell start's value from the fitted one, start's stays.
  for (std::size_t axis = 0; axis < best.size(); ++axis) {
    std::array<double, 3> x = best;
    x[axis] = from_start[axis];
    const double error = error_of(x);
    if (error <= best_error * (1 + 1e-9) + 1e-24) {
      best = x;
      best_error = std::min(best_error, error);
    }
  }

  ModelFit fit;
  fit.parameters = space.parameters(base, best);
  if (base.on_chip_local_bytes >= largest_local && best[0] == from_start[0]) {
    fit.parameters.on_chip_local_bytes = base.on_chip_local_bytes;  // never spills, as before
  }
  const Score final_score = score(device, fit.parameters, timings);
  fit.seconds_per_model_unit = std::exp(final_score.log_scale);
  fit.rms_log_error = std::sqrt(final_score.squared_error / static_cast<double>(timings.size()));
  fit.parameters.arch = device.arch;
  fit.parameters.source = sentence(timings.size(), device, fit.rms_log_error);
  return fit;
}

}  // namespace bufreg
