#pragma once
// Helpers shared by the Kokkos tests: element patterns per type, team sizes, poisoning.

#include <Kokkos_Core.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <type_traits>

#include <bufreg/kokkos.hpp>

namespace bufreg_test {

/// A value unique to (thread, buffer, element) that no poison byte pattern can fake.
template <class T>
KOKKOS_INLINE_FUNCTION T pattern(int thread, int buffer, int element) {
  if constexpr (std::is_same_v<T, bufreg::float16>) {
    // A positive finite float16 of its own per (thread, element) up to 1983 threads: integers
    // would be exact only to 2048. Poison bytes (0xA5A5) are negative.
    return bufreg::float16::from_bits(
        static_cast<std::uint16_t>(1 + (thread * 16 + element) % 0x7bff));
  } else if constexpr (std::is_same_v<T, std::uint8_t>) {
    return static_cast<T>((thread * 5 + buffer + element) % 160 + 1);  // never 0xA5 or 0
  } else {
    return static_cast<T>((thread * 16 + buffer) * 16 + element + 1);
  }
}

/// An element as double, for comparing on the host.
template <class T>
KOKKOS_INLINE_FUNCTION double as_double(T value) {
  if constexpr (std::is_same_v<T, bufreg::float16>) {
    return static_cast<double>(static_cast<float>(value));
  } else {
    return static_cast<double>(value);
  }
}

/// A non-negative int as a View index.
KOKKOS_INLINE_FUNCTION constexpr std::size_t idx(int i) { return static_cast<std::size_t>(i); }

constexpr unsigned char poison_byte = 0xA5;

KOKKOS_INLINE_FUNCTION void poison(unsigned char* bytes, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) bytes[i] = poison_byte;
}

/// How the messages of misused kernels begin (regular expressions for the death tests, which the
/// README's error table shows too).
inline constexpr const char* abort_wrong_type =
    "bufreg: buffer 'weights': accessed through a type that is not its precision";
inline constexpr const char* abort_stale_allocator =
    "bufreg: buffer 'weights': its allocator is of another layout generation than the plan's";
inline constexpr const char* abort_outside_arena =
    "bufreg: buffer 'weights': slice lies outside its arena";
inline constexpr const char* abort_scratch_exhausted = "bufreg: level-0 scratch exhausted";
inline constexpr const char* abort_other_policy = "bufreg: kernel launched with another policy";
inline constexpr const char* abort_team_buffer_without_team =
    "bufreg: buffer 'weights': is a per-team buffer, but these arenas hold no team's";
inline constexpr const char* abort_local_arena_for_level1 =
    "bufreg: the plan keeps local buffers in level-1 scratch: call KernelArenas::thread";
inline constexpr const char* abort_no_local_arena =
    "bufreg: the plan keeps local buffers on the stack: declare a LocalArena";
inline constexpr const char* abort_pointer_to_interleaved =
    "bufreg: buffer 'history': is interleaved with other threads: take it with span<T>, not get<T>";

/// An execution-space instance other than the default where Kokkos can make one (Kokkos 4's
/// partition_space); on Kokkos 3, a copy of the default instance.
template <class ExecSpace>
ExecSpace other_instance() {
#if KOKKOS_VERSION >= 40000
  return Kokkos::Experimental::partition_space(ExecSpace(), 1)[0];
#else
  return ExecSpace();
#endif
}

/// A team size > 1 where the backend allows it (Serial: 1).
template <class ExecSpace>
int test_team_size() {
  if constexpr (Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                           typename ExecSpace::memory_space>::accessible) {
    // BUFREG_TEST_TEAM_SIZE asks for larger teams (ctest runs some tests with teams of 32).
    const char* asked = std::getenv("BUFREG_TEST_TEAM_SIZE");
    const int most = asked ? std::atoi(asked) : 4;
    return std::max(1, std::min(most, ExecSpace().concurrency()));
  } else {
    return 32;
  }
}

}  // namespace bufreg_test
