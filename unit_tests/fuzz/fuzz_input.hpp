#pragma once
// The fuzz targets' input: the bytes libFuzzer gives, read as a stream of choices. Values span
// their types' whole ranges, weighted towards the edges where bugs live (0, 1, powers of two and
// their neighbours, the largest std::size_t, NaN and infinities), so that every value the API
// can be given is reachable and the interesting ones come often.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace fuzz {

/// Aborts with `what`, so that libFuzzer (or the replay) reports the input as a failure.
[[noreturn]] inline void broken(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", target, what.c_str());
  std::abort();
}

/// Reads the input as a stream of choices; past its end every byte is 0.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
  bool done() const { return m_position >= m_size; }
  std::uint8_t byte() { return m_position < m_size ? m_data[m_position++] : 0; }
  bool flag() { return byte() & 1; }

  /// Eight bytes, little-endian: any std::size_t.
  std::size_t word() {
    std::uint64_t value = 0;
    for (int i = 0; i < 8; ++i) value |= static_cast<std::uint64_t>(byte()) << (8 * i);
    return static_cast<std::size_t>(value);
  }

  /// Any std::size_t: small, 16-bit, arbitrary, near or a fraction of the largest, powers of
  /// two and their neighbours, megabytes.
  std::size_t count() {
    constexpr std::size_t most = std::numeric_limits<std::size_t>::max();
    const std::uint8_t b = byte();
    const std::size_t low = b & 31;
    switch (b >> 5) {
      case 0:
        return low;
      case 1:
        return static_cast<std::size_t>(byte()) << 8 | byte();
      case 2:
        return word();
      case 3:
        return most - low;
      case 4:
        return most / (1 + low);
      case 5:  // 2^k - 1, 2^k, 2^k + 1, 2^k + 2
        return (std::size_t{1} << (byte() & 63)) + (low & 3) - 1;
      case 6:
        return low << 20;
      default:
        return byte();
    }
  }

  /// Any alignment: mostly powers of two (all 64), also 0, their neighbours and any value.
  std::size_t alignment() {
    const std::uint8_t b = byte();
    if (b < 192) return std::size_t{1} << (b & 63);
    if (b < 224) return count();
    return (std::size_t{1} << (b & 63)) + 1;
  }

  /// Any double, planning budgets above all: 0, small, the default, huge, past what a
  /// std::size_t counts, +-inf, NaN, negative, -0, and any bit pattern.
  double number() {
    constexpr double inf = std::numeric_limits<double>::infinity();
    static const double values[] = {0,       0.01,
                                    1,       50,
                                    1e6,     1.8e13,
                                    1.9e13,  1e300,
                                    -0.0,    -1,
                                    -1e-300, inf,
                                    -inf,    std::numeric_limits<double>::quiet_NaN(),
                                    5e-324,  std::numeric_limits<double>::max()};
    const std::uint8_t b = byte();
    if (b < 240) return values[b % (sizeof values / sizeof values[0])];
    const std::uint64_t bits = word();
    double value;
    std::memcpy(&value, &bits, sizeof value);
    return value;
  }

  /// Any bytes, NUL included, up to 255 of them, sometimes 300 or more.
  std::string text() {
    const std::uint8_t b = byte();
    if (b == 255) return std::string(300 + byte(), 'n');
    std::string out;
    for (std::uint8_t i = 0; i < b && !done(); ++i) out += static_cast<char>(byte());
    return out;
  }

 private:
  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_position = 0;
};

}  // namespace fuzz
