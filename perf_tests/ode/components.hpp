#pragma once
// The demo integrator as a solver library composes it: a loop that owns a Dormand-Prince step
// and a step-size controller, each component registering its own buffers through the registry.

#include <bufreg/core.hpp>

#include <map>
#include <optional>
#include <string>
#include <tuple>

namespace ode {

/// Where the components put their buffers.
enum class Mix {
  components,  ///< each component's own choice: the step's vectors shared, the loop's local
  all_shared,  ///< every non-persistent buffer in shared memory
  all_local,   ///< every non-persistent buffer in thread-private memory
  automatic    ///< registered as `components`, then placed by a PlacementModel
};

inline const char* to_string(Mix mix) {
  switch (mix) {
    case Mix::components:
      return "components";
    case Mix::all_shared:
      return "all_shared";
    case Mix::all_local:
      return "all_local";
    case Mix::automatic:
      return "automatic";
  }
  return "?";
}

/// Moves every buffer of `component` to `location` through BufferRegistry::update, as a user
/// configuration file would.
inline void move_all(bufreg::BufferRegistry& registry, const void* component,
                     bufreg::Location location) {
  std::map<std::string, std::string> settings;
  for (const bufreg::CUDABuffer& buffer : registry.group(component)->entries()) {
    if (!buffer.persistent()) {
      settings[buffer.name() + "_location"] = std::string(bufreg::to_string(location));
    }
  }
  registry.update(component, settings);
}

/// PI step-size control; its state must survive from one launch to the next.
class Controller {
 public:
  explicit Controller(bufreg::BufferRegistry& registry) : m_buffers(this, registry) {
    using bufreg::Location;
    m_buffers.register_buffer("previous_error", 1, Location::local, true, {},
                              bufreg::Precision::float64);
    m_buffers.register_buffer("step_size", 1, Location::local, true, {},
                              bufreg::Precision::float64);
  }
  const bufreg::ComponentBuffers& buffers() const { return m_buffers; }

 private:
  bufreg::ComponentBuffers m_buffers;
};

/// Explicit Dormand-Prince 5(4): seven stage derivatives and a stage accumulator, which may
/// reuse k7's storage because it is dead by the time k7 is evaluated.
class DormandPrinceStep {
 public:
  DormandPrinceStep(bufreg::BufferRegistry& registry, std::size_t n, bool aliasing)
      : m_buffers(this, registry) {
    for (const char* stage : {"k1", "k2", "k3", "k4", "k5", "k6", "k7"}) {
      m_buffers.register_buffer(stage, n, bufreg::Location::shared, false, {},
                                bufreg::Precision::float64);
    }
    m_buffers.register_buffer("stage", n, bufreg::Location::shared, false,
                              aliasing ? std::optional<std::string>("k7") : std::nullopt,
                              bufreg::Precision::float64);
  }
  const bufreg::ComponentBuffers& buffers() const { return m_buffers; }

 private:
  bufreg::ComponentBuffers m_buffers;
};

/// The time loop: state, proposed state, error estimate and a single-precision output staging
/// buffer; the step and the controller are its children.
class IntegratorLoop {
 public:
  IntegratorLoop(bufreg::BufferRegistry& registry, std::size_t n, Mix mix, bool aliasing)
      : m_buffers(this, registry), m_step(registry, n, aliasing), m_controller(registry) {
    using bufreg::Location;
    using bufreg::Precision;
    for (const char* name : {"state", "proposal", "error"}) {
      m_buffers.register_buffer(name, n, Location::local, false, {}, Precision::float64);
    }
    m_buffers.register_buffer("output", n, Location::local, false, {}, Precision::float32);
    if (mix == Mix::all_shared || mix == Mix::all_local) {
      const Location everywhere = mix == Mix::all_shared ? Location::shared : Location::local;
      for (const void* component : {static_cast<const void*>(this), m_step.buffers().owner()}) {
        move_all(registry, component, everywhere);
      }
    }
    m_buffers.register_child(m_step.buffers(), "step");
    m_buffers.register_child(m_controller.buffers(), "controller");
  }

  bufreg::BufferRegistry& registry() const { return m_buffers.registry(); }
  const bufreg::ComponentBuffers& buffers() const { return m_buffers; }
  const DormandPrinceStep& step() const { return m_step; }
  const Controller& controller() const { return m_controller; }

 private:
  bufreg::ComponentBuffers m_buffers;
  DormandPrinceStep m_step;
  Controller m_controller;
};

/// Every allocator the integrator kernel needs; the step's and controller's are relative to
/// their regions in the loop's arenas. Kernels read it from device memory (608 bytes as a kernel
/// argument would push the functor past the 512 bytes CUDA passes directly).
struct Allocators {
  bufreg::Allocator state, proposal, error, output;
  bufreg::Allocator step_shared, step_persistent, controller_shared, controller_persistent;
  bufreg::Allocator k[7], stage;
  bufreg::Allocator previous_error, step_size;

  Allocators() = default;  // for Kokkos::View<Allocators>

  explicit Allocators(const IntegratorLoop& loop)
      : state(loop.buffers().get_allocator("state")),
        proposal(loop.buffers().get_allocator("proposal")),
        error(loop.buffers().get_allocator("error")),
        output(loop.buffers().get_allocator("output")),
        stage(loop.step().buffers().get_allocator("stage")),
        previous_error(loop.controller().buffers().get_allocator("previous_error")),
        step_size(loop.controller().buffers().get_allocator("step_size")) {
    std::tie(step_shared, step_persistent) =
        loop.buffers().get_child_allocators(loop.step().buffers(), "step");
    std::tie(controller_shared, controller_persistent) =
        loop.buffers().get_child_allocators(loop.controller().buffers(), "controller");
    for (int j = 0; j < 7; ++j) {
      k[j] = loop.step().buffers().get_allocator("k" + std::to_string(j + 1));
    }
  }
};

}  // namespace ode
