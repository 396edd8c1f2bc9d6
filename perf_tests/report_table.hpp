#pragma once
// A table the perf run prints, and the same figures as a JSON value for the summary file.

#include <string>

namespace perf {

struct ReportTable {
  std::string text;
  std::string json;
};

}  // namespace perf
