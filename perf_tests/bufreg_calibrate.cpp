// bufreg_calibrate: fits the placement model's constants on the device it runs on. It times the
// ODE workload (Lorenz-96 with 8, 40 and 128 states, bufreg's kernel) under the fixed placements
// and the one the device's uncalibrated model chooses, fits on_chip_local_bytes, spill_cost and
// saturating_threads to the medians with bufreg::fit_placement_model, writes the entry and prints
// measured times against the fitted model's. On a CPU backend it fits the host (arch "host").
//   --bufreg_systems N  systems per batch (default 256 on host backends, 16384 on GPUs)
//   --repetitions K     timed integrations per placement, their median kept (default 5)
//   --registers R       registers per thread of the ODE kernel as ptxas reports them (the CUDA
//                       build log, -Xptxas -v); default 0: registers left out of occupancy
//   --out PATH          where the entry goes (default bufreg_model_<arch>.txt)
//   --check PATH        only read the entry at PATH and print it: exit 0 if it parses, else 2
// Exits 1 when a run disagrees with its reference or the fit refuses the timings, 2 for bad
// arguments.
#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <bufreg/core.hpp>
#include <bufreg/kokkos/device_description.hpp>

#include "gpu_or_skip.hpp"
#include "ode/automatic_placement_options.hpp"
#include "ode/ode_benchmarks.hpp"

namespace {

using ExecSpace = Kokkos::DefaultExecutionSpace;

struct Options {
  int systems = 0;
  int repetitions = 5;
  int registers = 0;
  std::string out;
  std::string check;
};

[[noreturn]] void usage_error(const std::string& why) {
  std::fprintf(stderr, "bufreg_calibrate: %s\n", why.c_str());
  std::exit(2);
}

int whole_number(const std::string& flag, const std::string& value, int least) {
  char* end = nullptr;
  const long number = std::strtol(value.c_str(), &end, 10);
  if (value.empty() || *end != '\0' || number < least || number > 1 << 30) {
    usage_error(flag + " needs a whole number of at least " + std::to_string(least) + ", not '" +
                value + "'");
  }
  return static_cast<int>(number);
}

/// Reads `--flag value` and `--flag=value`.
Options parse(int argc, char** argv) {
  const bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace, ExecSpace::memory_space>::accessible;
  Options options;
  options.systems = host ? 256 : 16384;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    if (const auto equals = flag.find('='); equals != std::string::npos) {
      value = flag.substr(equals + 1);
      flag.resize(equals);
    } else if (i + 1 < argc) {
      value = argv[++i];
    } else {
      usage_error(flag + " needs a value");
    }
    if (flag == "--bufreg_systems") {
      options.systems = whole_number(flag, value, 1);
    } else if (flag == "--repetitions") {
      options.repetitions = whole_number(flag, value, 1);
    } else if (flag == "--registers") {
      options.registers = whole_number(flag, value, 0);
    } else if (flag == "--out") {
      options.out = value;
    } else if (flag == "--check") {
      options.check = value;
    } else {
      usage_error("unknown flag " + flag +
                  " (--bufreg_systems, --repetitions, --registers, --out, --check)");
    }
  }
  return options;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
}

/// One placement's run: the model's inputs and what was measured.
struct Measurement {
  bufreg::PlacementTiming timing;
  double median_seconds;  ///< of one whole integration of the batch
  double steps;           ///< accepted steps per system in one integration
};

/// Times bufreg's kernel for `N` states in placement `mix` on `data`: a warm-up integration,
/// then the median of `options.repetitions`, checked against the reference. The timing the fit
/// reads is seconds per accepted step (the step counts differ between sizes).
template <int N, ode::Mix mix>
Measurement measure(ode::BatchData<ExecSpace, ode::Lorenz96>& data, const Options& options,
                    double allowed_error) {
  ode::BufregRunner<ExecSpace, ode::Lorenz96, N, mix, true> runner(data.batch);
  const std::string label = "lorenz96/n" + std::to_string(N) + "/" + ode::to_string(mix);
  data.reset();
  data.integrate(runner);  // the first launch pays for setting up
  std::vector<double> seconds;
  for (int repetition = 0; repetition < options.repetitions; ++repetition) {
    data.reset();
    Kokkos::Timer timer;
    data.integrate(runner);
    seconds.push_back(timer.seconds());
  }
  const auto check = data.check();
  if (check.failed_systems > 0 || !(check.max_error <= allowed_error)) {
    throw std::runtime_error(label + ": results disagree with the reference: max error " +
                             std::to_string(check.max_error) + ", " +
                             std::to_string(check.failed_systems) + " systems failed");
  }
  Measurement measurement;
  measurement.median_seconds = median(seconds);
  measurement.steps = static_cast<double>(check.accepted_steps) / data.batch.systems;
  measurement.timing.label = label;
  const ode::IntegratorLoop& loop = runner.loop();
  // Placement with nothing relocatable moves nothing and scores the placement as registered.
  bufreg::PlacementOptions as_registered;
  as_registered.weights = ode::automatic_placement_options<ode::Lorenz96>(0).weights;
  measurement.timing.footprint =
      loop.registry()
          .place_automatically(loop.buffers().owner(), bufreg::placement_model(ExecSpace()),
                               as_registered)
          .fixed.front()
          .footprint;
  measurement.timing.kernel = bufreg::KernelShape{runner.team_size(), options.registers};
  measurement.timing.seconds = measurement.median_seconds / measurement.steps;
  return measurement;
}

template <int N>
void measure_size(const Options& options, std::vector<Measurement>& measurements) {
  ode::Settings settings;
  settings.systems = options.systems;
  ode::BatchData<ExecSpace, ode::Lorenz96> data(N, settings);
  measurements.push_back(measure<N, ode::Mix::components>(data, options, settings.check));
  measurements.push_back(measure<N, ode::Mix::all_shared>(data, options, settings.check));
  measurements.push_back(measure<N, ode::Mix::all_local>(data, options, settings.check));
  // The A/B: the placement the uncalibrated model chooses here, timed beside the fixed ones.
  measurements.push_back(measure<N, ode::Mix::automatic>(data, options, settings.check));
}

std::string table(const std::vector<Measurement>& measurements, const bufreg::ModelFit& fit,
                  const bufreg::DeviceDescription& device) {
  const bufreg::PlacementModel fitted{device, fit.parameters};
  std::string text =
      "placement                   team  shared B   local B  median ms  steps  measured us/step  "
      "model us/step  measured/model\n";
  for (const Measurement& measurement : measurements) {
    const bufreg::PlacementTiming& timing = measurement.timing;
    const double predicted =
        fitted.estimate(timing.footprint, timing.kernel).time * fit.seconds_per_model_unit;
    char row[256];
    std::snprintf(row, sizeof row, "%-25s %6d %9zu %9zu %10.3f %6.0f %17.4f %14.4f %15.3f\n",
                  timing.label.c_str(), timing.kernel.team_size_max, timing.footprint.shared_bytes,
                  timing.footprint.local_bytes, measurement.median_seconds * 1e3, measurement.steps,
                  timing.seconds * 1e6, predicted * 1e6, timing.seconds / predicted);
    text += row;
  }
  return text;
}

int check_entry(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    std::fprintf(stderr, "bufreg_calibrate: cannot read %s\n", path.c_str());
    return 2;
  }
  std::stringstream text;
  text << file.rdbuf();
  try {
    std::printf("%s", bufreg::to_text(bufreg::parse_model_parameters(text.str())).c_str());
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "bufreg_calibrate: %s: %s\n", path.c_str(), error.what());
    return 2;
  }
  return 0;
}

int calibrate(const Options& options) {
  const ExecSpace space;
  const bufreg::PlacementModel start = bufreg::placement_model(space);
  std::printf("bufreg_calibrate on %s, Kokkos %s: %d systems per batch, median of %d, %s\n",
              start.device.name.c_str(), ExecSpace::name(), options.systems, options.repetitions,
              options.registers > 0
                  ? ("registers per thread " + std::to_string(options.registers)).c_str()
                  : "registers not counted (--registers)");
  if (start.device.is_host()) {
    std::printf("a CPU backend: this fits the host's entry, not a GPU's\n");
  }
  std::vector<Measurement> measurements;
  measure_size<8>(options, measurements);
  measure_size<40>(options, measurements);
  measure_size<128>(options, measurements);
  std::vector<bufreg::PlacementTiming> timings;
  for (const Measurement& measurement : measurements) timings.push_back(measurement.timing);
  const bufreg::ModelFit fit = bufreg::fit_placement_model(start, timings);

  const std::string path =
      options.out.empty() ? "bufreg_model_" + fit.parameters.arch + ".txt" : options.out;
  std::ofstream file(path);
  file << "# bufreg_calibrate: the placement model's entry for " << start.device.name
       << " (load it with bufreg::parse_model_parameters)\n"
       << bufreg::to_text(fit.parameters);
  if (!file.flush()) throw std::runtime_error("cannot write " + path);
  std::printf("\nfitted entry (wrote %s):\n%s\n", path.c_str(),
              bufreg::to_text(fit.parameters).c_str());
  std::printf(
      "measured against the fitted model (model times are the model's, scaled by the fit's "
      "%.4g s per model unit; RMS log error %.4f)\n%s",
      fit.seconds_per_model_unit, fit.rms_log_error,
      table(measurements, fit, start.device).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const Options options = parse(argc, argv);
  if (!options.check.empty()) return check_entry(options.check);
  if (!bufreg_test::gpu_present_or_not_needed(argv[0])) return bufreg_test::skipped_exit_code;
  Kokkos::initialize();
  int status = 0;
  try {
    status = calibrate(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "bufreg_calibrate: %s\n", error.what());
    status = 1;
  }
  Kokkos::finalize();
  return status;
}
