// Fuzz target: one BufferGroup against the reference model (reference_model.hpp). The input
// decodes into a sequence of calls with values over their full ranges; each call must do exactly
// what the model says: store exactly what was asked (every field, in registration order), be
// refused exactly when the documented rules refuse it (with the documented exception type, a
// message naming the buffer, and nothing changed, the cached layout included), and leave a
// layout that matches the model's (oracle.hpp). An update that changes nothing must keep the
// cached layout. Built with BUFREG_FUZZ_REPLAY, replay_main.cpp replays files instead.
#include <bufreg/core.hpp>

#include "../group_snapshot.hpp"
#include "decode_buffers.hpp"
#include "oracle.hpp"

#include <cmath>

namespace {

constexpr const char* target = "fuzz_layout";

using Snapshot = bufreg::test::GroupSnapshot;

/// Runs `call`, which the model says must be accepted (`accept`) or refused with `Refusal`.
template <class Refusal, class Call>
void expect(bool accept, const bufreg::BufferGroup& group, const std::string& name, Call&& call) {
  const Snapshot before(group);
  try {
    call();
  } catch (const Refusal& e) {
    if (accept) fuzz::broken(target, std::string("refused what the rules allow: ") + e.what());
    fuzz::check_message(target, e, name);
    if (!(Snapshot(group) == before)) fuzz::broken(target, "a refused call changed the group");
    return;
  }
  if (!accept) fuzz::broken(target, "accepted what the rules refuse: '" + name + "'");
}

void run(fuzz::Input& in) {
  bufreg::BufferGroup group;
  reference::Group model(group.options().alignment);
  for (int step = 0; step < 64 && !in.done(); ++step) {
    switch (in.byte() % 8) {
      case 0:
      case 1: {  // register
        const reference::Buffer b = fuzz::buffer(in);
        const bool accept = reference::Group(model).register_buffer(b);
        expect<std::invalid_argument>(accept, group, b.name, [&] {
          group.register_buffer(b.name, b.size, b.location, b.persistent, b.alias, b.precision,
                                b.live);
        });
        model.register_buffer(b);
        break;
      }
      case 2: {  // update any fields of any name with any values
        const std::string name = fuzz::name(in);
        const bufreg::BufferUpdate update = fuzz::update(in);
        const auto want = reference::Group(model).update_buffer(name, update);
        std::pair<bool, bool> got{};
        expect<std::invalid_argument>(want.has_value(), group, name,
                                      [&] { got = group.update_buffer(name, update); });
        if (want && got != *want) fuzz::broken(target, "update_buffer's result is not the model's");
        model.update_buffer(name, update);
        break;
      }
      case 3: {  // an update to the values a buffer has: recognized, unchanged, layout kept
        if (model.buffers().empty()) break;
        const reference::Buffer& b = model.buffers()[in.byte() % model.buffers().size()];
        (void)group.placements();
        const std::size_t builds = group.layout_builds();
        const std::array<std::size_t, 3> arenas{group.shared_buffer_size(),
                                                group.persistent_local_buffer_size(),
                                                group.local_buffer_size()};
        if (group.update_buffer(b.name, fuzz::same_values(in, b)) != std::pair{true, false}) {
          fuzz::broken(target, "an update to the same values is not {true, false}");
        }
        const std::array<std::size_t, 3> after{group.shared_buffer_size(),
                                               group.persistent_local_buffer_size(),
                                               group.local_buffer_size()};
        if (group.layout_builds() != builds || after != arenas) {
          fuzz::broken(target, "an update that changes nothing rebuilt or changed the layout");
        }
        break;
      }
      case 4:
        group.invalidate_layouts();
        break;
      case 5: {  // queries of any name, in any order
        const std::string name = fuzz::name(in);
        expect<std::out_of_range>(model.find(name) >= 0, group, name,
                                  [&] { group.get_allocator(name, in.flag()); });
        if (in.flag()) (void)group.describe();
        if (in.flag()) (void)group.to_json();
        break;
      }
      default: {  // a new group with any options
        const bufreg::LayoutOptions options = fuzz::options(in);
        const bool accept = reference::allows(options);
        try {
          group = bufreg::BufferGroup(options);
          model = reference::Group(options.alignment);
          if (!accept) fuzz::broken(target, "accepted options the rules refuse");
        } catch (const std::invalid_argument& e) {
          if (accept) fuzz::broken(target, std::string("refused valid options: ") + e.what());
          fuzz::check_message(target, e, "");
        }
        break;
      }
    }
    fuzz::check_group(target, model, group);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  run(in);
  return 0;
}
