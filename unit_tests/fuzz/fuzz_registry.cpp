// Fuzz target: a BufferRegistry with child components against the reference model
// (reference_model.hpp). Calls on five components (four addresses and nullptr) with values over
// their full ranges: registrations, updates, register_child and get_child_allocators under any
// name (cycles, clashes with the parent's buffers and other children, diamonds), clear_parent,
// update's location settings, reset, and registries with any options. After every call each
// component's group must match the model (oracle.hpp), children included: a child rolls up into
// exactly the two entries the documented rule sizes from its layout; a refused call throws the
// documented exception and changes nothing.
#include <bufreg/core.hpp>

#include "decode_buffers.hpp"
#include "oracle.hpp"

#include <algorithm>
#include <cmath>
#include <memory>

namespace {

constexpr const char* target = "fuzz_registry";

int slots[4];
const void* const components[] = {&slots[0], &slots[1], &slots[2], &slots[3], nullptr};
constexpr std::size_t component_count = sizeof components / sizeof components[0];

const void* component(fuzz::Input& in) { return components[in.byte() % component_count]; }

std::optional<std::string> child_name(fuzz::Input& in) {
  switch (in.byte() % 4) {
    case 0:
      return std::nullopt;  // derived from the child's address
    case 1:
      return std::string("k");  // its entries clash with the pool's k_shared, k_persistent
    case 2:
      return std::string("j");
    default:
      return fuzz::name(in);
  }
}

struct State {
  bufreg::LayoutOptions options;
  std::unique_ptr<bufreg::BufferRegistry> registry = std::make_unique<bufreg::BufferRegistry>();
  reference::Registry model{options.alignment};
};

void check(State& s) {
  for (const void* c : components) {
    const reference::Component* want = s.model.find(c);
    const bufreg::BufferGroup* group = s.registry->group(c);
    if ((group != nullptr) != (want != nullptr)) {
      fuzz::broken(target, want ? "a component lost its group" : "a component has a group");
    }
    if (s.registry->children(c) != (want ? want->children : decltype(want->children){})) {
      fuzz::broken(target, "a component's children are not the model's");
    }
    if (!group) {
      if (s.registry->shared_buffer_size(c) != 0 || s.registry->local_buffer_size(c) != 0 ||
          s.registry->persistent_local_buffer_size(c) != 0) {
        fuzz::broken(target, "an unknown component has arenas");
      }
      continue;
    }
    fuzz::check_group(target, want->group, *group);
    if (s.registry->shared_buffer_size(c) != group->shared_buffer_size() ||
        s.registry->persistent_local_buffer_size(c) != group->persistent_local_buffer_size() ||
        s.registry->local_buffer_size(c) != group->local_buffer_size()) {
      fuzz::broken(target, "the registry's arena sizes are not its group's");
    }
  }
}

/// Runs `call`, which the model says must be accepted (`accept`) or refused with `Refusal`;
/// a refused call must leave every component as the model has it (check() runs after it).
template <class Refusal, class Call>
void expect(bool accept, const std::string& name, Call&& call) {
  try {
    call();
  } catch (const Refusal& e) {
    if (accept) fuzz::broken(target, std::string("refused what the rules allow: ") + e.what());
    fuzz::check_message(target, e, name);
    return;
  }
  if (!accept) fuzz::broken(target, "accepted what the rules refuse: '" + name + "'");
}

void same(const bufreg::Allocator& a, const bufreg::Allocator& b) {
  if (a.region != b.region || a.precision != b.precision || a.zero != b.zero ||
      a.name_id != b.name_id || a.offset != b.offset || a.bytes() != b.bytes() ||
      a.count != b.count) {
    fuzz::broken(target, "get_child_allocators differs from the entries' allocators");
  }
}

/// register_child or, with `allocators`, get_child_allocators.
void roll_up(State& s, fuzz::Input& in, bool allocators) {
  const void* parent = component(in);
  const void* child = component(in);
  const std::optional<std::string> name = child_name(in);
  const std::string used = name ? *name : reference::Registry::default_name(child);
  // The sizes the child's layout has: registration order's (check() holds the engine to them),
  // or what Planner::best made of them.
  std::array<std::size_t, 3> arenas{};
  if (const reference::Component* c = s.model.find(child)) {
    arenas = c->group.layout().arenas;
    if (s.options.planner == bufreg::Planner::best) {
      const bufreg::BufferGroup& planned = *s.registry->group(child);
      for (const bufreg::Region r :
           {bufreg::Region::shared, bufreg::Region::persistent, bufreg::Region::local}) {
        arenas[static_cast<std::size_t>(r)] = planned.arena_size(r);
      }
    }
  }
  reference::Registry model = s.model;
  const auto want = model.register_child(parent, child, used, arenas);
  const std::string named = model.refused_entry().empty() ? used : model.refused_entry();
  expect<std::invalid_argument>(want.has_value(), named, [&] {
    if (allocators) {
      const auto [shared, persistent] = s.registry->get_child_allocators(parent, child, name);
      const bufreg::BufferGroup& group = *s.registry->group(parent);
      same(shared, group.get_allocator(want->first));
      same(persistent, group.get_allocator(want->second));
    } else if (s.registry->register_child(parent, child, name) != *want) {
      fuzz::broken(target, "register_child returned other entry names");
    }
  });
  if (want) s.model = model;
}

void run(fuzz::Input& in) {
  State s;
  for (int step = 0; step < 64 && !in.done(); ++step) {
    switch (in.byte() % 12) {
      case 0:
      case 1: {
        const void* parent = component(in);
        const reference::Buffer b = fuzz::buffer(in);
        const bool accept = s.model.register_buffer(parent, b);
        const std::string named =
            s.model.refused_entry().empty() ? b.name : s.model.refused_entry();
        expect<std::invalid_argument>(accept, named, [&] {
          s.registry->register_buffer(b.name, parent, b.size, b.location, b.persistent, b.alias,
                                      b.precision, b.live);
        });
        break;
      }
      case 2: {
        const void* parent = component(in);
        const std::string name = fuzz::name(in);
        const bufreg::BufferUpdate update = fuzz::update(in);
        const auto want = s.model.update_buffer(parent, name, update);
        const std::string named = s.model.refused_entry().empty() ? name : s.model.refused_entry();
        expect<std::invalid_argument>(want.has_value(), named, [&] {
          if (s.registry->update_buffer(name, parent, update) != *want) {
            fuzz::broken(target, "update_buffer's result is not the model's");
          }
        });
        break;
      }
      case 3:
      case 4:
        roll_up(s, in, false);
        break;
      case 5:
        roll_up(s, in, true);
        break;
      case 6: {
        const void* parent = component(in);
        s.registry->clear_parent(parent);
        s.model.clear_parent(parent);
        break;
      }
      case 7: {
        const void* parent = component(in);
        std::map<std::string, std::string> settings;
        static const char* const values[] = {"shared", "local", "Shared", "", "local "};
        for (int k = in.byte() % 4; k > 0; --k) {
          std::string key = fuzz::name(in);
          if (in.byte() % 8 != 0) key += "_location";
          settings[key] = values[in.byte() % 5];
        }
        const auto want = s.model.update(parent, settings);
        expect<std::invalid_argument>(want.has_value(), "", [&] {
          if (s.registry->update(parent, settings) != *want) {
            fuzz::broken(target, "update recognized other keys than the model");
          }
        });
        break;
      }
      case 8: {
        const void* parent = component(in);
        const std::string name = fuzz::name(in);
        const reference::Component* c = s.model.find(parent);
        expect<std::out_of_range>(c && c->group.find(name) >= 0, name,
                                  [&] { s.registry->get_allocator(name, parent); });
        const void* cleared = component(in);
        s.registry->clear_layout(cleared);
        s.model.clear_layout(cleared);
        break;
      }
      case 9:
        s.registry->reset();
        s.model.reset();
        break;
      default: {  // a registry with any options
        bufreg::LayoutOptions options = fuzz::options(in);
        // Planner::best re-plans every group each roll-up changes: budgets above 1 ms made one
        // 146-byte input take 12 s under the sanitizers. The budget's own rules (huge, +inf,
        // NaN, negative) are fuzz_layout's; here a valid budget is at most 1 ms.
        options.plan_budget_ms = std::min(options.plan_budget_ms, 1.0);
        const bool accept = reference::allows(options);
        try {
          s.registry = std::make_unique<bufreg::BufferRegistry>(options);
          s.options = options;
          s.model = reference::Registry(options.alignment);
          if (options.planner == bufreg::Planner::best) {
            // What the planner makes of a group (its budget counts steps, not time, so the
            // same buffers plan the same): the engine's planner, on the model's buffers.
            s.model.arenas_of = [options](const reference::Group& model) {
              bufreg::BufferGroup planned(options);
              // An entry may alias one registered after it (re-registered as an alias later):
              // the aliases go on once every entry is there, in the model's order.
              for (const reference::Buffer& b : model.buffers()) {
                planned.register_buffer(b.name, b.size, b.location, b.persistent, std::nullopt,
                                        b.precision, b.live);
              }
              for (const reference::Buffer& b : model.buffers()) {
                if (!b.alias) continue;
                bufreg::BufferUpdate alias;
                alias.aliases = b.alias;
                planned.update_buffer(b.name, alias);
              }
              return reference::Registry::ArenaSizes{planned.arena_size(bufreg::Region::shared),
                                                     planned.arena_size(bufreg::Region::persistent),
                                                     planned.arena_size(bufreg::Region::local)};
            };
          }
          if (!accept) fuzz::broken(target, "accepted options the rules refuse");
        } catch (const std::invalid_argument& e) {
          if (accept) fuzz::broken(target, std::string("refused valid options: ") + e.what());
          fuzz::check_message(target, e, "");
        }
        break;
      }
    }
    check(s);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  run(in);
  return 0;
}
