#include <bufreg/detail/messages.hpp>
#include <bufreg/placement_model.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>

namespace bufreg {
namespace {

std::string trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r");
  return std::string(text.substr(first, last - first + 1));
}

[[noreturn]] void refuse_line(std::size_t line, const std::string& text, const std::string& why) {
  throw std::invalid_argument("bufreg: model parameters, line " + std::to_string(line) + " (" +
                              detail::quoted(text) + "): " + why);
}

std::size_t parse_bytes(std::size_t line, const std::string& text, const std::string& value) {
  if (value.empty() || value.find_first_not_of("0123456789") != std::string::npos) {
    refuse_line(line, text, "needs a whole number of bytes");
  }
  errno = 0;
  const unsigned long long bytes = std::strtoull(value.c_str(), nullptr, 10);
  if (errno == ERANGE || bytes > std::numeric_limits<std::size_t>::max()) {
    refuse_line(line, text, "is out of range");
  }
  return static_cast<std::size_t>(bytes);
}

double parse_number(std::size_t line, const std::string& text, const std::string& value,
                    double least) {
  char* end = nullptr;
  errno = 0;
  const double number = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || errno == ERANGE ||
      !std::isfinite(number) || number < least) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", least);
    refuse_line(line, text, std::string("needs a finite number of at least ") + bound);
  }
  return number;
}

std::size_t divide(std::size_t numerator, std::size_t denominator) {
  return denominator == 0 ? std::numeric_limits<std::size_t>::max() : numerator / denominator;
}

void check(const DeviceDescription& device, const ModelParameters& parameters) {
  if (device.warp_size < 1 || device.max_threads_per_block < 1 ||
      device.max_threads_per_multiprocessor < 1 || device.max_blocks_per_multiprocessor < 1) {
    throw std::invalid_argument("bufreg: device description " + detail::quoted(device.name) +
                                " needs a warp, a block and a multiprocessor of 1 thread or more");
  }
  if (!(parameters.spill_cost >= 1) || !std::isfinite(parameters.spill_cost) ||
      parameters.saturating_threads < 1) {
    throw std::invalid_argument(
        "bufreg: model parameters need a finite spill_cost of 1 or more and saturating_threads "
        "of 1 or more");
  }
}

}  // namespace

ModelParameters default_model_parameters(const DeviceDescription& device) {
  ModelParameters parameters;
  if (device.is_host()) {
    parameters.arch = "host";
    parameters.source = "bufreg: CPU scratch and thread-private storage are the same memory";
    parameters.on_chip_local_bytes = std::numeric_limits<std::size_t>::max();
    parameters.spill_cost = 1;
    parameters.saturating_threads = 1;
    return parameters;
  }
  // The reference's bound, in residency: the threads `device` keeps resident with the bound's
  // level 0 per thread under the block target. Fewer slow every access, so past the bound the
  // smaller blocks cost more than the moved bytes save, on any device.
  Footprint at_bound;
  at_bound.shared_bytes = parameters.shared_bytes_per_thread_max;
  const Estimate estimate =
      PlacementModel{device, parameters}.estimate(at_bound, {device.max_threads_per_block, 0});
  if (estimate.fits) parameters.saturating_threads = estimate.resident_threads;
  return parameters;
}

std::string to_text(const ModelParameters& parameters) {
  char spill[32];
  std::snprintf(spill, sizeof spill, "%.6g", parameters.spill_cost);
  return "arch = " + parameters.arch + "\nsource = " + parameters.source +
         "\non_chip_local_bytes = " + std::to_string(parameters.on_chip_local_bytes) +
         "\nshared_bytes_per_thread_max = " +
         std::to_string(parameters.shared_bytes_per_thread_max) +
         "\nshared_bytes_per_block_target = " +
         std::to_string(parameters.shared_bytes_per_block_target) + "\nspill_cost = " + spill +
         "\nsaturating_threads = " + std::to_string(parameters.saturating_threads) + "\n";
}

ModelParameters parse_model_parameters(std::string_view text) {
  ModelParameters parameters;
  std::set<std::string> seen;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const auto end = text.find('\n');
    const std::string raw(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    ++line_number;
    const std::string line = trimmed(std::string_view(raw).substr(0, raw.find('#')));
    if (line.empty()) continue;
    const auto equals = line.find('=');
    if (equals == std::string::npos) refuse_line(line_number, raw, "needs `key = value`");
    const std::string key = trimmed(std::string_view(line).substr(0, equals));
    const std::string value = trimmed(std::string_view(line).substr(equals + 1));
    if (!seen.insert(key).second) refuse_line(line_number, raw, "gives " + key + " again");
    if (key == "arch") {
      parameters.arch = value;
    } else if (key == "source") {
      parameters.source = value;
    } else if (key == "on_chip_local_bytes") {
      parameters.on_chip_local_bytes = parse_bytes(line_number, raw, value);
    } else if (key == "shared_bytes_per_thread_max") {
      parameters.shared_bytes_per_thread_max = parse_bytes(line_number, raw, value);
    } else if (key == "shared_bytes_per_block_target") {
      parameters.shared_bytes_per_block_target = parse_bytes(line_number, raw, value);
    } else if (key == "spill_cost") {
      parameters.spill_cost = parse_number(line_number, raw, value, 1);
    } else if (key == "saturating_threads") {
      const double threads = parse_number(line_number, raw, value, 1);
      if (threads != std::floor(threads) || threads > std::numeric_limits<int>::max()) {
        refuse_line(line_number, raw, "needs a whole number of threads");
      }
      parameters.saturating_threads = static_cast<int>(threads);
    } else {
      refuse_line(line_number, raw, "unknown key " + detail::quoted(key));
    }
  }
  return parameters;
}

PlacementModel PlacementModel::for_device(const DeviceDescription& device) {
  return {device, default_model_parameters(device)};
}

Estimate PlacementModel::estimate(const Footprint& footprint, const KernelShape& shape) const {
  if (shape.team_size_max < 1 || shape.registers_per_thread < 0) {
    throw std::invalid_argument(
        "bufreg: a kernel shape needs a team size of 1 or more and registers of 0 or more, not " +
        std::to_string(shape.team_size_max) + " and " + std::to_string(shape.registers_per_thread));
  }
  check(device, parameters);
  Estimate estimate;
  const DeviceDescription& d = device;
  const std::size_t per_thread = footprint.shared_bytes;
  const std::size_t per_team = footprint.team_shared_bytes;
  const std::size_t hard = d.shared_bytes_per_block_optin;
  if (per_team > hard || per_thread > hard - per_team) {
    estimate.limit = "level 0 needs " + detail::format_bytes(per_team + per_thread) +
                     " per block with one thread, above the device's " + detail::format_bytes(hard);
    return estimate;
  }
  if (d.max_registers_per_thread > 0 && shape.registers_per_thread > d.max_registers_per_thread) {
    estimate.limit = std::to_string(shape.registers_per_thread) + " registers per thread, above " +
                     std::to_string(d.max_registers_per_thread);
    return estimate;
  }
  // The largest team within the level-0 target, or at least within the hard limit.
  std::size_t team =
      static_cast<std::size_t>(std::min(shape.team_size_max, d.max_threads_per_block));
  const std::size_t target = std::min(parameters.shared_bytes_per_block_target, hard);
  const auto within = [&](std::size_t limit) {
    return limit < per_team ? 0 : std::min(team, divide(limit - per_team, per_thread));
  };
  std::size_t fitted = within(target);
  if (fitted == 0) fitted = within(hard);
  team = fitted;
  const auto warp = static_cast<std::size_t>(d.warp_size);
  if (team >= warp) team -= team % warp;
  // Blocks resident on one multiprocessor: threads, blocks, shared memory, registers.
  std::size_t blocks = static_cast<std::size_t>(d.max_blocks_per_multiprocessor);
  blocks = std::min(blocks, static_cast<std::size_t>(d.max_threads_per_multiprocessor) / team);
  const std::size_t block_shared = per_team + team * per_thread + d.reserved_shared_bytes_per_block;
  blocks = std::min(blocks, divide(d.shared_bytes_per_multiprocessor, block_shared));
  if (d.registers_per_multiprocessor > 0 && shape.registers_per_thread > 0) {
    // Registers are allocated per warp in units of 256.
    const std::size_t warps = (team + warp - 1) / warp;
    const std::size_t per_warp =
        (static_cast<std::size_t>(shape.registers_per_thread) * warp + 255) / 256 * 256;
    blocks = std::min(blocks, d.registers_per_multiprocessor / per_warp / warps);
  }
  if (blocks == 0) {
    estimate.limit = "no block of " + std::to_string(team) + " threads fits a multiprocessor";
    return estimate;
  }
  estimate.fits = true;
  estimate.team_size = static_cast<int>(team);
  estimate.resident_threads = static_cast<int>(blocks * team);
  const double on_chip = static_cast<double>(parameters.on_chip_local_bytes);
  const double local = static_cast<double>(footprint.local_bytes);
  estimate.spilled_bytes = footprint.local_bytes > parameters.on_chip_local_bytes
                               ? footprint.local_bytes - parameters.on_chip_local_bytes
                               : 0;
  estimate.spilled_fraction = local > on_chip ? (local - on_chip) / local : 0;
  estimate.on_chip_traffic =
      footprint.shared_traffic + footprint.local_traffic * (1 - estimate.spilled_fraction);
  estimate.off_chip_traffic = footprint.local_traffic * estimate.spilled_fraction +
                              footprint.level1_traffic + footprint.global_traffic;
  estimate.residency =
      std::min(1.0, estimate.resident_threads / static_cast<double>(parameters.saturating_threads));
  estimate.time = (estimate.on_chip_traffic + parameters.spill_cost * estimate.off_chip_traffic) /
                  estimate.residency;
  return estimate;
}

}  // namespace bufreg
