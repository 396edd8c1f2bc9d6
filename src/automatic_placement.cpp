// The placement search (detail/placement_search.hpp), BufferGroup's use of it, and how a
// decision reads.
#include <bufreg/automatic_placement.hpp>
#include <bufreg/detail/messages.hpp>
#include <bufreg/detail/placement_search.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bufreg {
namespace detail {
namespace {

struct Scored {
  Footprint footprint;
  Estimate estimate;
};

Scored score(const std::vector<Location>& locations, const FootprintOf& footprint_of,
             const PlacementModel& model, const PlacementOptions& options) {
  Scored scored{footprint_of(locations), {}};
  Footprint& footprint = scored.footprint;
  if (footprint.local_bytes > options.local_capacity) {
    footprint.level1_bytes += footprint.local_bytes;
    footprint.level1_traffic += footprint.local_traffic;
    footprint.local_bytes = 0;
    footprint.local_traffic = 0;
  }
  scored.estimate = model.estimate(footprint, options.kernel);
  return scored;
}

std::string percent(double ratio) {
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f%%", (ratio - 1) * 100);
  return text;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.4g", value);
  return text;
}

/// The model's reason for a buffer being where `best` put it, from the candidate that differs
/// only there (`flipped`, which the search would admit or not).
std::string reason(Location location, double weight, const Scored& best, const Scored& flipped,
                   bool flipped_admitted, const ModelParameters& parameters) {
  const Estimate& now = best.estimate;
  const Estimate& other = flipped.estimate;
  const std::string change = percent(other.time / now.time);
  if (location == Location::shared) {
    return "shared: " + number(weight) +
           " accesses per element and step; in local the model's time is " + change +
           (other.spilled_fraction > now.spilled_fraction
                ? " (spills " + number(other.spilled_fraction * 100) +
                      "% of thread-private traffic)"
                : "");
  }
  if (!other.fits) return "local: in shared the kernel would not fit (" + other.limit + ")";
  if (!flipped_admitted) {
    return "local: in shared, level 0 would take " + format_bytes(flipped.footprint.shared_bytes) +
           " per thread, past the model's bound of " +
           format_bytes(parameters.shared_bytes_per_thread_max);
  }
  if (other.team_size < now.team_size) {
    return "local: keeps " + std::to_string(now.team_size) +
           " threads per block (in shared: " + std::to_string(other.team_size) + ", model time " +
           change + ")";
  }
  return other.time > now.time ? "local: in shared the model's time is " + change
         : other.time == now.time
             ? "local: no faster in shared on the model (ties go to fewer level-0 bytes)"
             : "local: in shared the model's time is " + change +
                   " (the search stopped after its sweeps)";
}

std::string estimate_text(const Footprint& footprint, const Estimate& estimate) {
  if (!estimate.fits) return "does not fit: " + estimate.limit;
  return "team " + std::to_string(estimate.team_size) + ", " +
         std::to_string(estimate.resident_threads) +
         " threads resident per multiprocessor, level 0 " + std::to_string(footprint.shared_bytes) +
         " B/thread, local " + std::to_string(footprint.local_bytes + footprint.level1_bytes) +
         " B/thread" + (footprint.level1_bytes > 0 ? " in level-1 scratch" : "") + ", spilled " +
         std::to_string(estimate.spilled_bytes) + " B/thread (" +
         number(estimate.spilled_fraction * 100) + "% of its traffic), model time " +
         number(estimate.time);
}

std::string estimate_json(const Footprint& footprint, const Estimate& estimate) {
  return "{\"fits\": " + std::string(estimate.fits ? "true" : "false") +
         ", \"limit\": " + json_string(estimate.limit) +
         ", \"team_size\": " + std::to_string(estimate.team_size) +
         ", \"resident_threads\": " + std::to_string(estimate.resident_threads) +
         ", \"shared_bytes\": " + std::to_string(footprint.shared_bytes) +
         ", \"local_bytes\": " + std::to_string(footprint.local_bytes) +
         ", \"level1_bytes\": " + std::to_string(footprint.level1_bytes) +
         ", \"spilled_bytes\": " + std::to_string(estimate.spilled_bytes) +
         ", \"spilled_fraction\": " + number(estimate.spilled_fraction) +
         ", \"residency\": " + number(estimate.residency) + ", \"time\": " + number(estimate.time) +
         "}";
}

}  // namespace

double weight_of(const PlacementOptions& options, const std::string& name) {
  const auto found = options.weights.find(name);
  return found == options.weights.end() ? 1.0 : found->second;
}

void check_options(const PlacementOptions& options,
                   const std::function<const CUDABuffer*(const std::string&)>& find) {
  const auto known = [&](const std::string& name) -> const CUDABuffer& {
    const CUDABuffer* buffer = find(name);
    if (!buffer) throw std::out_of_range(buffer_message(name, "is not registered"));
    return *buffer;
  };
  std::set<std::string> seen;
  for (const std::string& name : options.relocatable) {
    if (known(name).persistent()) {
      throw std::invalid_argument(buffer_message(
          name,
          "is persistent, so it cannot be relocatable (shared memory does not survive a "
          "launch)"));
    }
    if (!seen.insert(name).second) {
      throw std::invalid_argument(buffer_message(name, "is relocatable twice"));
    }
  }
  for (const auto& [name, weight] : options.weights) {
    known(name);
    if (!std::isfinite(weight) || weight < 0) {
      throw std::invalid_argument(
          buffer_message(name, "weight " + number(weight) + " is not a finite number >= 0"));
    }
  }
}

void add_traffic(Footprint& footprint, const CUDABuffer& buffer, double weight) {
  const double traffic = weight * static_cast<double>(buffer.bytes());
  if (buffer.persistent()) {
    footprint.global_traffic += traffic;
  } else if (buffer.is_shared()) {
    footprint.shared_traffic += traffic;
  } else {
    footprint.local_traffic += traffic;
  }
}

SearchResult search_placement(const std::vector<Relocatable>& relocatable,
                              const FootprintOf& footprint_of, const PlacementModel& model,
                              const PlacementOptions& options) {
  const std::size_t n = relocatable.size();
  std::vector<std::size_t> hottest(n);
  std::iota(hottest.begin(), hottest.end(), std::size_t{0});
  std::stable_sort(hottest.begin(), hottest.end(), [&](std::size_t a, std::size_t b) {
    if (relocatable[a].weight != relocatable[b].weight) {
      return relocatable[a].weight > relocatable[b].weight;
    }
    return relocatable[a].bytes < relocatable[b].bytes;
  });

  // Every candidate is laid out once: the sweeps and the reasons revisit many.
  std::map<std::vector<Location>, Scored> scored;
  const auto evaluate = [&](const std::vector<Location>& locations) -> const Scored& {
    auto found = scored.find(locations);
    if (found == scored.end()) {
      found = scored.emplace(locations, score(locations, footprint_of, model, options)).first;
    }
    return found->second;
  };
  std::vector<Location> as_registered;
  for (const Relocatable& buffer : relocatable) as_registered.push_back(buffer.current);
  const std::vector<Location> all_local(n, Location::local);
  const std::vector<Location> all_shared(n, Location::shared);
  const ModelParameters& parameters = model.parameters;
  const std::size_t shared_limit =
      std::max(parameters.shared_bytes_per_thread_max, evaluate(all_local).footprint.shared_bytes);
  const auto admitted = [&](const Scored& candidate) {
    return candidate.estimate.fits && candidate.footprint.shared_bytes <= shared_limit;
  };
  const auto faster = [](const Scored& a, const Scored& b) {
    return a.estimate.time < b.estimate.time ||
           (a.estimate.time == b.estimate.time &&
            a.footprint.shared_bytes < b.footprint.shared_bytes);
  };
  std::vector<Location> chosen;
  const Scored* now = nullptr;
  const auto consider = [&](const std::vector<Location>& locations) -> const Scored& {
    const Scored& candidate = evaluate(locations);
    if (admitted(candidate) && (!now || faster(candidate, *now))) {
      chosen = locations;
      now = &candidate;
    }
    return candidate;
  };
  consider(as_registered);
  consider(all_local);
  // The k hottest in shared, for growing k until level 0 passes the limit: where level 0 grows
  // with each buffer moved there (registration order), every longer prefix is past it too.
  std::vector<Location> hottest_shared = all_local;
  for (std::size_t k = 0; k + 1 < n; ++k) {
    hottest_shared[hottest[k]] = Location::shared;
    if (consider(hottest_shared).footprint.shared_bytes > shared_limit) break;
  }
  consider(all_shared);
  if (!now) {  // all local is admitted whenever it fits
    throw std::invalid_argument("bufreg: no placement of the relocatable buffers fits " +
                                model.device.name +
                                ": all local: " + evaluate(all_local).estimate.limit);
  }

  // Then single moves, hottest first, while one makes the model faster (or as fast with fewer
  // level-0 bytes): a few sweeps, each a pass over the buffers.
  for (int sweep = 0; sweep < 3; ++sweep) {
    bool improved = false;
    for (const std::size_t i : hottest) {
      std::vector<Location> flipped = chosen;
      flipped[i] = flipped[i] == Location::shared ? Location::local : Location::shared;
      const Scored* before = now;
      consider(flipped);
      improved |= now != before;
    }
    if (!improved) break;
  }

  SearchResult result;
  result.chosen = chosen;
  PlacementDecision& decision = result.decision;
  decision.device = model.device.name;
  decision.footprint = now->footprint;
  decision.estimate = now->estimate;
  decision.locals_in_level1 = decision.footprint.level1_bytes > 0;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<Location> flipped = chosen;
    flipped[i] = flipped[i] == Location::shared ? Location::local : Location::shared;
    const Scored& other = evaluate(flipped);
    decision.buffers.push_back(
        {relocatable[i].name, chosen[i], chosen[i] != relocatable[i].current,
         reason(chosen[i], relocatable[i].weight, *now, other, admitted(other), parameters)});
  }
  const std::pair<const char*, const std::vector<Location>*> fixed[] = {
      {"as registered", &as_registered}, {"all local", &all_local}, {"all shared", &all_shared}};
  for (const auto& [label, locations] : fixed) {
    const Scored& candidate = evaluate(*locations);
    decision.fixed.push_back({label, candidate.footprint, candidate.estimate});
  }
  return result;
}

}  // namespace detail

std::string PlacementDecision::describe() const {
  std::string text = "automatic placement on " + device + " (a model, not a measurement): " +
                     detail::estimate_text(footprint, estimate) + "\n";
  std::size_t width = 4;
  for (const BufferPlacement& buffer : buffers) {
    width = std::max(width, std::min<std::size_t>(40, detail::display_name(buffer.name).size()));
  }
  for (const BufferPlacement& buffer : buffers) {
    std::string name = detail::display_name(buffer.name);
    name.resize(std::max(name.size(), width), ' ');
    text += "  " + name + "  " + (buffer.moved ? "moved, " : "") + buffer.reason + "\n";
  }
  for (const FixedPlacement& other : fixed) {
    text += "  " + other.placement + ": " + detail::estimate_text(other.footprint, other.estimate);
    if (other.estimate.fits && estimate.time > 0) {
      text += " (" + detail::percent(other.estimate.time / estimate.time) + ")";
    }
    text += "\n";
  }
  return text;
}

std::string PlacementDecision::to_json() const {
  std::string json = "{\"device\": " + detail::json_string(device) +
                     ", \"locals_in_level1\": " + (locals_in_level1 ? "true" : "false") +
                     ", \"estimate\": " + detail::estimate_json(footprint, estimate) +
                     ", \"buffers\": [";
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    const BufferPlacement& buffer = buffers[i];
    json += (i ? ", " : "") + std::string("{\"name\": ") + detail::json_string(buffer.name) +
            ", \"location\": " + detail::json_string(std::string(to_string(buffer.location))) +
            ", \"moved\": " + (buffer.moved ? "true" : "false") +
            ", \"reason\": " + detail::json_string(buffer.reason) + "}";
  }
  json += "], \"fixed\": [";
  for (std::size_t i = 0; i < fixed.size(); ++i) {
    json += (i ? ", " : "") + std::string("{\"placement\": ") +
            detail::json_string(fixed[i].placement) +
            ", \"estimate\": " + detail::estimate_json(fixed[i].footprint, fixed[i].estimate) + "}";
  }
  return json + "]}";
}

PlacementDecision place_automatically(BufferGroup& group, const PlacementModel& model,
                                      const PlacementOptions& options) {
  if (group.options().scope != Scope::thread) {
    throw std::invalid_argument(
        "bufreg: automatic placement places a group of per-thread buffers; this one holds "
        "per-team buffers (LayoutOptions::scope)");
  }
  const std::vector<CUDABuffer>& entries = group.entries();
  std::unordered_map<std::string, std::size_t> index;
  for (std::size_t i = 0; i < entries.size(); ++i) index.emplace(entries[i].name(), i);
  const auto find = [&](const std::string& name) -> const CUDABuffer* {
    const auto found = index.find(name);
    return found == index.end() ? nullptr : &entries[found->second];
  };
  detail::check_options(options, find);

  std::vector<detail::Relocatable> relocatable;
  for (const std::string& name : options.relocatable) {
    const CUDABuffer& buffer = *find(name);
    relocatable.push_back(
        {name, buffer.bytes(), detail::weight_of(options, name), buffer.location()});
  }
  const auto placed = [&](const std::vector<Location>& locations) {
    BufferGroup moved = group;
    for (std::size_t i = 0; i < relocatable.size(); ++i) {
      if (locations[i] == find(relocatable[i].name)->location()) continue;
      BufferUpdate move;
      move.location = locations[i];
      moved.update_buffer(relocatable[i].name, move);
    }
    return moved;
  };
  const auto footprint_of = [&](const std::vector<Location>& locations) {
    const BufferGroup moved = placed(locations);
    Footprint footprint;
    footprint.shared_bytes = moved.shared_buffer_size();
    footprint.local_bytes = moved.local_buffer_size();
    for (const CUDABuffer& buffer : moved.entries()) {
      detail::add_traffic(footprint, buffer, detail::weight_of(options, buffer.name()));
    }
    return footprint;
  };
  detail::SearchResult result = detail::search_placement(relocatable, footprint_of, model, options);
  group = placed(result.chosen);
  return std::move(result.decision);
}

}  // namespace bufreg
