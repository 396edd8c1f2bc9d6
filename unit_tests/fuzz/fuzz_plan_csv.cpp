// Fuzz target: the CSV reader of bufreg_plan (perf_tests/dsa_csv.hpp). Two kinds of input:
// - a generated instance (values over the full std::size_t range, any mix of LF, CRLF and lone
//   CR line ends, empty lines, with or without a header and a final line end) must parse to
//   exactly the generated buffers;
// - any text must parse exactly as a simple reference reader written here from the format's
//   description does, or be refused with perf::BadInput naming the file, the line the reference
//   reader finds wrong first, and a column on that line.
// Every instance read is then planned (budget 0) and the plan checked, as bufreg_plan does.
#include <bufreg/planner.hpp>

#include "dsa_csv.hpp"
#include "fuzz_input.hpp"
#include "reference_model.hpp"

#include <optional>
#include <string>
#include <vector>

namespace {

constexpr const char* target = "fuzz_plan_csv";
const std::string path = "fuzz.csv";

struct Expected {
  std::vector<bufreg::LiveBuffer> buffers;
  std::size_t bad_line = 0;  // 1-based; 0 when the text is a valid instance
  std::size_t line_length = 0;
};

std::optional<std::size_t> number(const std::string& field) {
  if (field.empty()) return std::nullopt;
  reference::Wide value = 0;
  for (const char c : field) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > reference::size_max) return std::nullopt;
  }
  return static_cast<std::size_t>(value);
}

/// The format: lines end in LF, CRLF or a lone CR; empty lines and a first line starting with
/// "id," are skipped; every other line is `id,lower,upper,size`, the last three non-negative
/// decimal integers (digits only) that fit a std::size_t, lower below upper, and the sizes of
/// the whole file add up to at most the largest std::size_t.
Expected reference_read(const std::string& text) {
  std::vector<std::string> lines(1);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      lines.emplace_back();
    } else {
      lines.back() += text[i];
    }
  }
  if (lines.back().empty()) lines.pop_back();  // the last line's end ends no further line
  Expected e;
  reference::Wide total = 0;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const std::string& line = lines[l];
    if (line.empty() || (l == 0 && line.rfind("id,", 0) == 0)) continue;
    std::vector<std::string> fields(1);
    for (const char c : line) {
      if (c == ',') {
        fields.emplace_back();
      } else {
        fields.back() += c;
      }
    }
    std::optional<std::size_t> lower, upper, size;
    if (fields.size() == 4) {
      lower = number(fields[1]);
      upper = number(fields[2]);
      size = number(fields[3]);
    }
    if (!lower || !upper || !size || *lower >= *upper || (total += *size) > reference::size_max) {
      e.bad_line = l + 1;
      e.line_length = line.size();
      return e;
    }
    e.buffers.push_back({*lower, *upper, *size, 1});
  }
  return e;
}

bool same(const std::vector<bufreg::LiveBuffer>& a, const std::vector<bufreg::LiveBuffer>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].lower != b[i].lower || a[i].upper != b[i].upper || a[i].size != b[i].size ||
        a[i].alignment != b[i].alignment) {
      return false;
    }
  }
  return true;
}

/// A valid instance from the input, and its text.
std::string generate(fuzz::Input& in, std::vector<bufreg::LiveBuffer>& buffers) {
  static const char* const ends[] = {"\n", "\r\n", "\r"};
  std::string text = in.flag() ? std::string("id,lower,upper,size") + ends[in.byte() % 3] : "";
  reference::Wide total = 0;
  while (!in.done()) {
    const std::size_t id = in.count();
    const std::size_t lower = in.count();
    const std::size_t length = in.count();
    const std::size_t upper = lower + (length == 0 ? 1 : length);
    const std::size_t size = in.count();
    if (upper <= lower || (total += size) > reference::size_max) break;  // stays valid
    buffers.push_back({lower, upper, size, 1});
    text += std::to_string(id) + "," + std::to_string(lower) + "," + std::to_string(upper) + "," +
            std::to_string(size);
    const std::uint8_t b = in.byte();
    if (b == 255) break;  // no end on the last line
    text += ends[b % 3];
    if (b & 4) text += ends[(b >> 3) % 3];  // an empty line
  }
  return text;
}

void plan(const std::vector<bufreg::LiveBuffer>& buffers) {
  if (buffers.size() > 64) return;
  const bufreg::Plan plan = bufreg::plan_offsets(buffers, bufreg::PlanOptions{0});
  if (!bufreg::check_plan(buffers, plan.offsets).empty()) {
    fuzz::broken(target, "the plan of an instance read fails check_plan");
  }
}

void run(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  if (in.byte() % 2 == 0) {
    std::vector<bufreg::LiveBuffer> generated;
    const std::string text = generate(in, generated);
    std::vector<bufreg::LiveBuffer> read;
    try {
      read = perf::parse_instance(text, path);
    } catch (const perf::BadInput& e) {
      fuzz::broken(target, std::string("refused a generated instance: ") + e.what());
    }
    if (!same(read, generated)) fuzz::broken(target, "read other values than were written");
    plan(read);
    return;
  }
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Expected expected = reference_read(text);
  try {
    const std::vector<bufreg::LiveBuffer> read = perf::parse_instance(text, path);
    if (expected.bad_line != 0) {
      fuzz::broken(target, "accepted line " + std::to_string(expected.bad_line));
    }
    if (!same(read, expected.buffers)) fuzz::broken(target, "read other values than the text's");
    plan(read);
  } catch (const perf::BadInput& e) {
    const std::string message = e.what();
    const std::string where = path + ":" + std::to_string(expected.bad_line) + ":";
    if (expected.bad_line == 0) fuzz::broken(target, "refused a valid instance: " + message);
    if (message.rfind(where, 0) != 0) {
      fuzz::broken(target, "'" + message + "' does not name " + where);
    }
    const std::size_t colon = message.find(": ", where.size());
    const std::string column = message.substr(where.size(), colon - where.size());
    const std::optional<std::size_t> c = colon == std::string::npos ? std::nullopt : number(column);
    if (!c || *c < 1 || *c > expected.line_length + 1 || message.size() <= colon + 2) {
      fuzz::broken(target, "'" + message + "' names no column of line " +
                               std::to_string(expected.bad_line) + " and a problem");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 0) run(data, size);
  return 0;
}
