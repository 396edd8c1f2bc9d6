#pragma once
// The bad-input table: every case is run, its exception type, message and side effects checked,
// and the table of what it printed is compared with the README's "Errors" section, so the README
// cannot drift from what bufreg really says.

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <regex>
#include <sstream>
#include <string>
#include <typeinfo>
#include <vector>

namespace bufreg::test {

struct ErrorCase {
  std::string call;                   // what the user did, as README text
  std::function<void()> run;          // does it
  const std::type_info& expected;     // the exception it must throw, exactly
  std::vector<std::string> mentions;  // fragments the message must hold (the buffer's name...)
  std::function<bool()> unchanged;    // true when nothing was changed by the rejected call
};

class ErrorTable {
 public:
  /// Runs `c` and records its row; reports a test failure for a wrong type, a message lacking a
  /// fragment, or a change of state.
  void check(const ErrorCase& c) {
    std::string type = "nothing";
    std::string message;
    try {
      c.run();
    } catch (const std::exception& error) {
      type = name_of(typeid(error));
      message = error.what();
      if (typeid(error) != c.expected) {
        ADD_FAILURE() << c.call << ": threw " << type << ", want " << name_of(c.expected);
      }
    }
    if (type == "nothing") ADD_FAILURE() << c.call << ": did not throw";
    for (const std::string& fragment : c.mentions) {
      EXPECT_NE(message.find(fragment), std::string::npos)
          << c.call << ": message \"" << message << "\" lacks \"" << fragment << "\"";
    }
    if (c.unchanged) {
      EXPECT_TRUE(c.unchanged()) << c.call << ": the rejected call changed state";
    }
    m_rows +=
        "| `" + c.call + "` | `" + type + "` | " + escape(without_generations(message)) + " |\n";
  }

  /// A literal row, for failures that end a kernel rather than throw (their tests assert them).
  void add(const std::string& call, const std::string& outcome, const std::string& message) {
    m_rows += "| `" + call + "` | " + outcome + " | " + escape(message) + " |\n";
  }

  std::string markdown() const {
    return "| call | throws | message |\n| --- | --- | --- |\n" + m_rows;
  }

  /// The README block between `<!-- errors: <section> -->` and `<!-- /errors -->` must be the
  /// table; when it is not, the table is written to `<section>-errors.md` for copying.
  void expect_in_readme(const std::string& readme_path, const std::string& section) const {
    std::ifstream file(readme_path);
    std::stringstream text;
    text << file.rdbuf();
    const std::string readme = text.str();
    const std::string begin = "<!-- errors: " + section + " -->\n";
    const auto start = readme.find(begin);
    const auto stop = readme.find("<!-- /errors -->", start);
    const std::string shown =
        start == std::string::npos || stop == std::string::npos
            ? std::string()
            : readme.substr(start + begin.size(), stop - start - begin.size());
    if (shown != markdown()) {
      const std::string out = section + "-errors.md";
      std::ofstream(out) << markdown();
      ADD_FAILURE() << "README.md's '" << section << "' error table is stale: paste " << out
                    << " (in the test's working directory) between its markers:\n"
                    << markdown();
    }
  }

 private:
  static std::string name_of(const std::type_info& type) {
    if (type == typeid(std::invalid_argument)) return "std::invalid_argument";
    if (type == typeid(std::out_of_range)) return "std::out_of_range";
    if (type == typeid(std::runtime_error)) return "std::runtime_error";
    if (type == typeid(std::logic_error)) return "std::logic_error";
    return type.name();
  }
  /// Layout generations are numbered process-wide, so they depend on what ran before: the
  /// table shows them as `N`.
  static std::string without_generations(const std::string& text) {
    return std::regex_replace(text, std::regex("generation [0-9]+"), "generation N");
  }
  static std::string escape(const std::string& text) {
    std::string out;
    for (const char c : text) {
      if (c == '|')
        out += "\\|";
      else if (c == '\n')
        out += ' ';
      else
        out += c;
    }
    return out;
  }

  std::string m_rows;
};

}  // namespace bufreg::test
