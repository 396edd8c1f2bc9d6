#include "summary.hpp"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <sstream>

namespace perf {
namespace {

std::string format(const char* pattern, ...) __attribute__((format(printf, 1, 2)));
std::string format(const char* pattern, ...) {
  char text[512];
  va_list args;
  va_start(args, pattern);
  std::vsnprintf(text, sizeof text, pattern, args);
  va_end(args);
  return text;
}

double counter(const Result& result, const std::string& name) {
  const auto found = result.counters.find(name);
  return found == result.counters.end() ? 0.0 : found->second;
}

}  // namespace

void SummaryReporter::ReportRuns(const std::vector<Run>& runs) {
  for (const Run& run : runs) {
    const bool median = run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
    if (run.run_type == Run::RT_Aggregate && !median) continue;
    Result& result = m_results[run.run_name.function_name];
    if (run.error_occurred) {
      if (result.error.empty()) ++m_errors;
      result.error = run.error_message;
      continue;
    }
    if (result.median && !median) continue;  // keep the median over single repetitions
    result.median = median;
    result.seconds = run.GetAdjustedRealTime() / benchmark::GetTimeUnitMultiplier(run.time_unit);
    result.counters.clear();
    for (const auto& [name, value] : run.counters) result.counters[name] = value.value;
  }
  ConsoleReporter::ReportRuns(runs);
}

Summary::Summary(const std::map<std::string, Result>& results) {
  for (const auto& [name, result] : results) {
    int n = 0;
    if (name.rfind("plan/", 0) == 0) {  // deterministic: run once
      m_plans.push_back({name.substr(5), result});
      continue;
    }
    m_medians = m_medians && (result.median || !result.error.empty());
    if (std::sscanf(name.c_str(), "layout/register_and_build/%d", &n) == 1) {
      m_layout.push_back({n, result.seconds});
      continue;
    }
    char system[64], mix[64], variant[64];
    if (std::sscanf(name.c_str(), "ode/%63[^/]/n%d/%63[^/]/%63s", system, &n, mix, variant) == 4) {
      // No hand-written kernel places automatically: those rows compare with the hand-written
      // kernel in the components' placement, the one every configuration has.
      const std::string hand_mix = std::string(mix) == "automatic" ? "components" : mix;
      m_ode.push_back({system, mix, variant, n, result, hand_mix, 0.0});
    }
  }
  for (OdeRow& row : m_ode) {
    const auto hand = results.find("ode/" + row.system + "/n" + std::to_string(row.n) + "/" +
                                   row.hand_mix + "/hand");
    if (hand != results.end() && hand->second.seconds > 0 && row.result.error.empty()) {
      row.vs_hand = row.result.seconds / hand->second.seconds;
    }
  }
  std::sort(m_layout.begin(), m_layout.end(),
            [](const LayoutRow& a, const LayoutRow& b) { return a.n < b.n; });
  std::stable_sort(m_ode.begin(), m_ode.end(), [](const OdeRow& a, const OdeRow& b) {
    return a.system != b.system ? a.system > b.system : a.n < b.n;
  });
}

std::string Summary::table(const std::string& backend, int systems) const {
  std::string text = format("Summary (%s of each benchmark)\n\n",
                            m_medians ? "medians of the repetitions" : "single runs");
  text += "Layout engine: register n buffers (a quarter aliases) and build the layout\n";
  text += format("%9s %14s %12s\n", "n", "time", "per buffer");
  double t10k = 0, t100k = 0;
  for (const LayoutRow& row : m_layout) {
    text += format("%9d %11.3f ms %9.1f ns\n", row.n, row.seconds * 1e3, row.seconds / row.n * 1e9);
    if (row.n == 10000) t10k = row.seconds;
    if (row.n == 100000) t100k = row.seconds;
  }
  if (t10k > 0 && t100k > 0) {
    text += format("time(100k) / time(10k) = %.2f (linear scaling: 10)\n", t100k / t10k);
  }
  text +=
      "\nPlanner on the MiniMalloc challenging instances (bytes; ratio = planner / LOAD; one run "
      "each: plans are deterministic)\n";
  text += format("%-26s %5s %9s %12s %13s %7s %9s\n", "instance", "n", "LOAD", "greedy_peak",
                 "planner_peak", "ratio", "ms");
  for (const PlanRow& row : m_plans) {
    if (!row.result.error.empty()) {
      text += format("%-26s FAILED: %s\n", row.instance.c_str(), row.result.error.c_str());
      continue;
    }
    const double load = counter(row.result, "load");
    const double peak = counter(row.result, "peak");
    text += format("%-26s %5.0f %9.0f %12.0f %13.0f %7.4f %9.1f\n", row.instance.c_str(),
                   counter(row.result, "n"), load, counter(row.result, "greedy_peak"), peak,
                   load > 0 ? peak / load : 1.0, row.result.seconds * 1e3);
  }
  text += format(
      "\nODE batch integrator on %s: %d systems, one per thread (team rows: one per team, "
      "fewer systems), t = 0..1 in 2 launches\n",
      backend.c_str(), systems);
  text += format("%-9s %4s  %-11s %-16s %5s %9s %10s %11s %8s %9s\n", "system", "n", "placement",
                 "kernel", "team", "shared B", "median ms", "steps/s", "vs hand", "max err");
  for (const OdeRow& row : m_ode) {
    if (!row.result.error.empty()) {
      text += format("%-9s %4d  %-11s %-16s FAILED: %s\n", row.system.c_str(), row.n,
                     row.mix.c_str(), row.variant.c_str(), row.result.error.c_str());
      continue;
    }
    const std::string ratio = row.vs_hand > 0 ? format("%8.3f", row.vs_hand) : "       -";
    text += format("%-9s %4d  %-11s %-16s %5.0f %9.0f %10.2f %11.3g %s %9.1e\n", row.system.c_str(),
                   row.n, row.mix.c_str(), row.variant.c_str(), counter(row.result, "team"),
                   counter(row.result, "shared_B"), row.result.seconds * 1e3,
                   counter(row.result, "steps/s"), ratio.c_str(), counter(row.result, "max_err"));
  }
  text += "\nAccessor overhead (bufreg_alias / hand, each component's own placement):";
  for (const OdeRow& row : m_ode) {
    if (row.mix == "components" && row.variant == "bufreg_alias" && row.vs_hand > 0) {
      text += format(" %s n=%d: %.3f;", row.system.c_str(), row.n, row.vs_hand);
    }
  }
  text +=
      "\nAutomatic placement (bufreg_alias, automatic / components; its vs hand is against the "
      "hand-written kernel in the components' placement):";
  for (const OdeRow& row : m_ode) {
    if (row.mix != "automatic" || !row.result.error.empty()) continue;
    for (const OdeRow& components : m_ode) {
      if (components.mix == "components" && components.variant == row.variant &&
          components.system == row.system && components.n == row.n &&
          components.result.error.empty() && components.result.seconds > 0) {
        text += format(" %s n=%d: %.3f;", row.system.c_str(), row.n,
                       row.result.seconds / components.result.seconds);
      }
    }
  }
  // The team rows integrate one system per team, in batches of their own size; their shared B
  // is per team (0: the buffers are in level-1 scratch).
  text += "\nOne system per team (bufreg / hand; per-team buffers, shared B per team):";
  for (const OdeRow& row : m_ode) {
    if (row.mix == "team" && row.variant == "bufreg" && row.vs_hand > 0) {
      text += format(" %s n=%d, %.0f systems: %.3f;", row.system.c_str(), row.n,
                     counter(row.result, "systems"), row.vs_hand);
    }
  }
  return text + "\n";
}

std::string Summary::json(const std::string& backend, int systems,
                          const std::string& extra_ode_layouts, const std::string& gpu_memory_model,
                          const std::string& automatic_placement_model) const {
  std::ostringstream out;
  out.precision(15);  // byte counts and rates exactly, not in 6 digits
  out << "{\"backend\": \"" << backend << "\", \"systems\": " << systems << ", \"statistic\": \""
      << (m_medians ? "median" : "single run") << "\", \"layout\": [";
  for (std::size_t i = 0; i < m_layout.size(); ++i) {
    out << (i ? ", " : "") << "{\"n\": " << m_layout[i].n
        << ", \"seconds\": " << m_layout[i].seconds
        << ", \"ns_per_buffer\": " << m_layout[i].seconds / m_layout[i].n * 1e9 << "}";
  }
  out << "], \"plans\": [";
  for (std::size_t i = 0; i < m_plans.size(); ++i) {
    const Result& r = m_plans[i].result;
    out << (i ? ", " : "") << "{\"instance\": \"" << m_plans[i].instance
        << "\", \"ok\": " << (r.error.empty() ? "true" : "false") << ", \"n\": " << counter(r, "n")
        << ", \"load\": " << counter(r, "load")
        << ", \"greedy_peak\": " << counter(r, "greedy_peak")
        << ", \"peak\": " << counter(r, "peak") << ", \"seconds\": " << r.seconds << "}";
  }
  out << "], \"ode_lifetime_layouts\": " << extra_ode_layouts
      << ", \"gpu_memory_model\": " << gpu_memory_model
      << ", \"automatic_placement_model\": " << automatic_placement_model << ", \"ode\": [";
  for (std::size_t i = 0; i < m_ode.size(); ++i) {
    const OdeRow& row = m_ode[i];
    out << (i ? ", " : "") << "{\"system\": \"" << row.system << "\", \"n\": " << row.n
        << ", \"placement\": \"" << row.mix << "\", \"kernel\": \"" << row.variant
        << "\", \"ok\": " << (row.result.error.empty() ? "true" : "false")
        << ", \"seconds\": " << row.result.seconds << ", \"team\": " << counter(row.result, "team");
    if (row.mix == "team") {  // one system per team: a batch of its own, bytes per team
      out << ", \"systems\": " << counter(row.result, "systems")
          << ", \"shared_bytes_per_team\": " << counter(row.result, "shared_B");
    } else {
      out << ", \"shared_bytes_per_thread\": " << counter(row.result, "shared_B");
    }
    out << ", \"steps_per_second\": " << counter(row.result, "steps/s")
        << ", \"vs_hand\": " << row.vs_hand << ", \"hand_placement\": \"" << row.hand_mix
        << "\", \"max_error\": " << counter(row.result, "max_err") << "}";
  }
  out << "]}\n";
  return out.str();
}

}  // namespace perf
