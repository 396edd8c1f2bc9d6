// A coverage-guided fuzz target (libFuzzer) for the layout engine and the registry. The input
// bytes decode into a sequence of operations; after each one the invariants are checked and a
// broken one aborts:
// - only std::invalid_argument and std::out_of_range are ever thrown, and a rejected call leaves
//   the group exactly as it was (entries, layout, and no rebuild);
// - bufreg::verify finds nothing wrong with any group's layout;
// - repeated queries return identical layouts and never rebuild a valid one.
// Built without libFuzzer (BUFREG_FUZZ_REPLAY), the same target replays the files it is given.
#include <bufreg/core.hpp>

#include "../group_snapshot.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

[[noreturn]] void broken(const std::string& invariant) {
  std::fprintf(stderr, "fuzz_layout: invariant broken: %s\n", invariant.c_str());
  std::abort();
}

/// Reads the input as a stream of choices; past its end every choice is 0.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
  bool done() const { return m_position >= m_size; }
  std::uint8_t byte() { return m_position < m_size ? m_data[m_position++] : 0; }
  bool flag() { return byte() & 1; }

  /// Sizes from small to absurd, zero included.
  std::size_t size() {
    const std::uint8_t b = byte();
    switch (b >> 6) {
      case 0:
        return b & 63;
      case 1:
        return static_cast<std::size_t>(byte()) << 8 | byte();
      case 2:
        return std::numeric_limits<std::size_t>::max() / (1 + (b & 63));
      default:
        return static_cast<std::size_t>(b & 63) << 20;
    }
  }
  std::string name() {
    static const char* const names[] = {"a", "b",        "c",          "d", "e",      "f",
                                        "g", "a_shared", "x_location", "",  "q\"\\\n"};
    const std::uint8_t b = byte();
    if (b == 255) return std::string(300, 'n');
    return names[b % (sizeof names / sizeof names[0])];
  }
  std::optional<std::string> alias() {
    if (byte() % 3 != 0) return std::nullopt;
    return name();
  }
  bufreg::Location location() { return static_cast<bufreg::Location>(byte() % 3); }     // 2: bad
  bufreg::Precision precision() { return static_cast<bufreg::Precision>(byte() % 7); }  // 6: bad
  std::optional<bufreg::LiveInterval> live() {
    const std::uint8_t b = byte();
    if (b < 128) return std::nullopt;
    const std::size_t first = b & 15;
    return bufreg::LiveInterval{first, first + byte() % 6};  // empty ones included
  }

 private:
  const std::uint8_t* m_data;
  std::size_t m_size;
  std::size_t m_position = 0;
};

/// The arguments of one register_buffer call, decoded from the input.
struct Registration {
  std::string name;
  std::size_t size;
  bufreg::Location location;
  bool persistent;
  std::optional<std::string> alias;
  bufreg::Precision precision;
  std::optional<bufreg::LiveInterval> live;

  explicit Registration(Input& in)
      : name(in.name()),
        size(in.size()),
        location(in.location()),
        persistent(in.flag()),
        alias(in.alias()),
        precision(in.precision()),
        live(in.live()) {}
};

// Everything observable about a group, layout included (taking it builds the layout).
using Snapshot = bufreg::test::GroupSnapshot;

void check(const bufreg::BufferGroup& group) {
  const auto violations = bufreg::verify(group, 1);
  if (!violations.empty()) {
    broken("verify: '" + violations[0].buffer + "': " + violations[0].problem + "\n" +
           group.describe());
  }
  const Snapshot first(group);
  if (!(Snapshot(group) == first)) broken("repeated queries differ or rebuild the layout");
}

/// Runs `call`; a rejection must be one of the two documented types and change nothing:
/// `current()` is the group concerned (nullptr while it does not exist) before and after.
template <class Current, class Call>
void attempt(const Current& current, Call&& call) {
  const bufreg::BufferGroup* group = current();
  const std::optional<Snapshot> before =
      group ? std::optional<Snapshot>(Snapshot(*group)) : std::nullopt;
  try {
    call();
    return;
  } catch (const std::invalid_argument&) {
  } catch (const std::out_of_range&) {
  }
  const bufreg::BufferGroup* after = current();
  if ((after == nullptr) != !before) broken("a rejected call created or removed a group");
  if (after && !(Snapshot(*after) == *before)) broken("a rejected call changed the group");
}

int components[4];
const void* component(Input& in) { return &components[in.byte() % 4]; }

void run(Input& in) {
  bufreg::BufferGroup group;
  bufreg::BufferRegistry registry;
  const auto own = [&group] { return &group; };
  const auto in_registry = [&registry](const void* parent) {
    return [&registry, parent] {
      return static_cast<const bufreg::BufferGroup*>(registry.group(parent));
    };
  };
  for (int step = 0; step < 64 && !in.done(); ++step) {
    const int operation = in.byte() % 12;
    switch (operation) {
      case 0: {  // register in the group
        const Registration r(in);
        attempt(own, [&] {
          group.register_buffer(r.name, r.size, r.location, r.persistent, r.alias, r.precision,
                                r.live);
        });
        break;
      }
      case 1: {  // update in the group
        const std::string name = in.name();
        bufreg::BufferUpdate update;
        const std::uint8_t fields = in.byte();
        if (fields & 1) update.size = in.size();
        if (fields & 2) update.location = in.location();
        if (fields & 4) update.persistent = in.flag();
        if (fields & 8) update.aliases = in.alias();
        if (fields & 16) update.precision = in.precision();
        if (fields & 32) update.live = in.live();
        attempt(own, [&] { group.update_buffer(name, update); });
        break;
      }
      case 2:
        group.invalidate_layouts();
        break;
      case 3: {  // queries in any order
        const std::string name = in.name();
        attempt(own, [&] { group.get_allocator(name, in.flag()); });
        if (in.flag()) (void)group.describe();
        if (in.flag()) (void)group.to_json();
        break;
      }
      case 4: {  // a new group, possibly with a bad alignment, either planner
        const std::size_t alignment = in.byte() % 70;
        const auto planner = static_cast<bufreg::Planner>(in.byte() % 3);  // 2: bad
        try {
          group = bufreg::BufferGroup(bufreg::LayoutOptions{alignment, planner, 0.2});
        } catch (const std::invalid_argument&) {
        }
        break;
      }
      case 5: {  // register in the registry
        const void* parent = component(in);
        const Registration r(in);
        attempt(in_registry(parent), [&] {
          registry.register_buffer(r.name, parent, r.size, r.location, r.persistent, r.alias,
                                   r.precision, r.live);
        });
        break;
      }
      case 6:
      case 7: {  // roll a child up, or ask for its allocators
        const void* parent = component(in);
        const void* child = component(in);
        std::optional<std::string> name;
        if (in.flag()) name = in.name();
        attempt(in_registry(parent), [&] {
          if (operation == 6) {
            registry.register_child(parent, child, name);
          } else {
            registry.get_child_allocators(parent, child, name);
          }
        });
        break;
      }
      case 8:
        registry.clear_parent(component(in));
        break;
      case 9: {
        const void* parent = component(in);
        std::map<std::string, std::string> settings;
        const int keys = in.byte() % 4;
        static const char* const values[] = {"shared", "local", "Shared", ""};
        for (int k = 0; k < keys; ++k) settings[in.name() + "_location"] = values[in.byte() % 4];
        attempt(in_registry(parent), [&] { registry.update(parent, settings); });
        break;
      }
      case 10: {
        const void* parent = component(in);
        const std::string name = in.name();
        attempt(in_registry(parent), [&] { registry.get_allocator(name, parent); });
        registry.clear_layout(parent);
        break;
      }
      default:
        registry.reset();
        break;
    }
    check(group);
    for (int& c : components) {
      if (const bufreg::BufferGroup* g = registry.group(&c)) check(*g);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in(data, size);
  run(in);
  return 0;
}

#ifdef BUFREG_FUZZ_REPLAY
#include <fstream>
#include <iterator>

// Without libFuzzer: run the target on each file named on the command line.
int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    std::ifstream file(argv[i], std::ios::binary);
    const std::vector<char> bytes((std::istreambuf_iterator<char>(file)),
                                  std::istreambuf_iterator<char>());
    LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    std::printf("replayed %s (%zu bytes)\n", argv[i], bytes.size());
  }
  return 0;
}
#endif
