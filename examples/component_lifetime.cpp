// Components register through the registry; their registrations end with them.
#include <bufreg/core.hpp>

#include <cstdio>

class DormandPrinceStep {
 public:
  explicit DormandPrinceStep(std::size_t n) {
    for (const char* stage : {"k1", "k2", "k3", "k4", "k5", "k6", "k7"}) {
      m_buffers.register_buffer(stage, n, bufreg::Location::shared);
    }
  }
  const bufreg::ComponentBuffers& buffers() const { return m_buffers; }

 private:
  bufreg::ComponentBuffers m_buffers{this};  // clears this step's group when it dies
};

class IntegratorLoop {
 public:
  explicit IntegratorLoop(std::size_t n) : m_step(n) {
    m_buffers.register_buffer("state", n, bufreg::Location::shared);
    m_buffers.register_child(m_step.buffers(), "step");  // the step's arenas become ours
  }
  std::size_t shared_bytes() const { return m_buffers.registry().shared_buffer_size(this); }

 private:
  bufreg::ComponentBuffers m_buffers{this};
  DormandPrinceStep m_step;
};

int main() {
  const void* address = nullptr;
  {
    IntegratorLoop loop(40);
    address = &loop;
    std::printf("loop + step: %zu shared bytes per thread\n", loop.shared_bytes());
  }
  // The loop's group, and its step's, went with them.
  std::printf("after the loop: %s\n",
              bufreg::buffer_registry().group(address) ? "still registered" : "nothing left");
}
