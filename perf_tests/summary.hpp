#pragma once
// Collects the benchmark results and turns them into the summary: per-buffer cost and scaling
// of the layout engine; rate, footprint and ratio to the hand-written kernel of each ODE run.

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace perf {

/// One benchmark's result: the median of its repetitions (or its single run).
struct Result {
  double seconds = 0;  // real time per iteration
  std::map<std::string, double> counters;
  bool median = false;
  std::string error;
};

/// The console table as usual, and every result kept by benchmark name.
class SummaryReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override;
  const std::map<std::string, Result>& results() const { return m_results; }
  int errors() const { return m_errors; }

 private:
  std::map<std::string, Result> m_results;
  int m_errors = 0;
};

class Summary {
 public:
  explicit Summary(const std::map<std::string, Result>& results);
  std::string table(const std::string& backend, int systems) const;
  /// `extra_ode_layouts`, `gpu_memory_model` and `automatic_placement_model`: JSON values stored
  /// under "ode_lifetime_layouts", "gpu_memory_model" and "automatic_placement_model".
  std::string json(const std::string& backend, int systems, const std::string& extra_ode_layouts,
                   const std::string& gpu_memory_model,
                   const std::string& automatic_placement_model) const;

 private:
  struct LayoutRow {
    int n;
    double seconds;
  };
  struct OdeRow {
    std::string system, mix, variant;
    int n;
    Result result;
    std::string hand_mix;  // the placement of the hand-written kernel vs_hand compares with
    double vs_hand;        // median time over the hand-written kernel's; 0 when there is none
  };
  struct PlanRow {
    std::string instance;
    Result result;
  };
  std::vector<LayoutRow> m_layout;
  std::vector<PlanRow> m_plans;
  std::vector<OdeRow> m_ode;
  bool m_medians = true;
};

}  // namespace perf
