// Kokkos Tools see bufreg at work: making a plan, configure() and kernel_arenas() run in
// "bufreg::..." profiling regions, and the allocations carry "bufreg::" labels behind the plan's
// prefix. A callback-registering tool records them. TEST_EXECSPACE.
#include <gtest/gtest.h>
#include <Kokkos_Core.hpp>

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include <bufreg/kokkos.hpp>

#include "test_support.hpp"

namespace bufreg_test {

/// While it lives, records the Kokkos Tools events about bufreg (regions and allocations whose
/// name holds "bufreg::"), through callbacks registered as a tool registers them; then puts
/// back the callbacks there were.
class BufregToolEvents {
 public:
  BufregToolEvents() : m_saved(Kokkos::Tools::Experimental::get_callbacks()) {
    log().clear();
    open_regions().clear();
    Kokkos::Tools::Experimental::set_push_region_callback(push);
    Kokkos::Tools::Experimental::set_pop_region_callback(pop);
    Kokkos::Tools::Experimental::set_allocate_data_callback(allocate);
  }
  ~BufregToolEvents() { Kokkos::Tools::Experimental::set_callbacks(m_saved); }
  BufregToolEvents(const BufregToolEvents&) = delete;
  BufregToolEvents& operator=(const BufregToolEvents&) = delete;

  const std::vector<std::string>& seen() const { return log(); }

 private:
  static std::vector<std::string>& log() {
    static std::vector<std::string> events;
    return events;
  }
  static std::vector<std::string>& open_regions() {  // bufreg's and any other's
    static std::vector<std::string> names;
    return names;
  }
  static bool about_bufreg(const std::string& name) {
    return name.find("bufreg::") != std::string::npos;
  }
  static void push(const char* name) {
    open_regions().push_back(name);
    if (about_bufreg(name)) log().push_back(std::string("push ") + name);
  }
  static void pop() {
    if (open_regions().empty()) {
      log().push_back("pop of no region");
      return;
    }
    const std::string name = open_regions().back();
    open_regions().pop_back();
    if (about_bufreg(name)) log().push_back("pop " + name);
  }
  static void allocate(Kokkos_Profiling_SpaceHandle, const char* label, const void*,
                       std::uint64_t) {
    if (about_bufreg(label)) log().push_back(std::string("allocate ") + label);
  }

  Kokkos::Tools::Experimental::EventSet m_saved;
};

/// What the first kernel_arenas() of a plan labelled `prefix` allocates besides the storage:
/// the buffer names, in debug builds, and their host copy where the memory is not the host's.
template <class ExecSpace>
std::vector<std::string> name_allocations(const std::string& prefix) {
  if (!BUFREG_IMPL_DEBUG) return {};
  std::vector<std::string> events{"allocate " + prefix + "bufreg::names"};
  if (!Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                  typename ExecSpace::memory_space>::accessible) {
    events.push_back("allocate " + prefix + "bufreg::names_mirror");
  }
  return events;
}

inline std::vector<std::string> concat(std::initializer_list<std::vector<std::string>> parts) {
  std::vector<std::string> all;
  for (const auto& part : parts) all.insert(all.end(), part.begin(), part.end());
  return all;
}

template <class ExecSpace>
struct NothingKernel {  // for the calls that take a functor
  KOKKOS_INLINE_FUNCTION void operator()(
      const typename Kokkos::TeamPolicy<ExecSpace>::member_type&) const {}
};

TEST(TEST_CATEGORY, ToolsSeeBufregRegionsAndLabelledAllocations) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 4, bufreg::Location::shared);
  group.register_buffer("h", 2, bufreg::Location::local, true);
  const ExecSpace space = other_instance<ExecSpace>();
  const int team = test_team_size<ExecSpace>();
  std::vector<std::string> seen;
  {
    const BufregToolEvents events;
    bufreg::KernelPlan<ExecSpace> plan("app", group);
    const auto policy = plan.configure(Kokkos::TeamPolicy<ExecSpace>(space, 2, team));
    plan.template kernel_arenas<0>(space, policy);
    plan.template kernel_arenas<0>(space, policy);  // the storage is there: nothing allocated
    space.fence();
    seen = events.seen();
  }
  const std::vector<std::string> expected =
      concat({{"push bufreg::KernelPlan", "pop bufreg::KernelPlan",
               "push bufreg::KernelPlan::configure", "pop bufreg::KernelPlan::configure",
               "push bufreg::KernelPlan::kernel_arenas", "push bufreg::PersistentStorage::reserve",
               "allocate app::bufreg::persistent", "pop bufreg::PersistentStorage::reserve"},
              name_allocations<ExecSpace>("app::"),
              {"pop bufreg::KernelPlan::kernel_arenas", "push bufreg::KernelPlan::kernel_arenas",
               "push bufreg::PersistentStorage::reserve", "pop bufreg::PersistentStorage::reserve",
               "pop bufreg::KernelPlan::kernel_arenas"}});
  EXPECT_EQ(seen, expected);
}

TEST(TEST_CATEGORY, ToolsSeeTheRegionsOfARegistryPlan) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferRegistry registry;
  int component = 0;
  registry.register_buffer("x", &component, 4, bufreg::Location::shared);
  registry.register_buffer("h", &component, 2, bufreg::Location::local, true);
  std::vector<std::string> seen;
  {
    const BufregToolEvents events;
    bufreg::KernelPlan<ExecSpace> plan(registry, &component);
    const auto policy =
        plan.configure(Kokkos::TeamPolicy<ExecSpace>(1, 1), NothingKernel<ExecSpace>());
    plan.largest_team_size(policy, NothingKernel<ExecSpace>());
    plan.template kernel_arenas<0>(policy);  // on a default instance
    seen = events.seen();
  }
  const std::vector<std::string> expected = concat(
      {{"push bufreg::KernelPlan", "pop bufreg::KernelPlan", "push bufreg::KernelPlan::configure",
        "pop bufreg::KernelPlan::configure", "push bufreg::KernelPlan::largest_team_size",
        "pop bufreg::KernelPlan::largest_team_size", "push bufreg::KernelPlan::kernel_arenas",
        "push bufreg::PersistentStorage::reserve", "allocate bufreg::persistent",
        "pop bufreg::PersistentStorage::reserve"},
       name_allocations<ExecSpace>(""),
       {"pop bufreg::KernelPlan::kernel_arenas"}});
  EXPECT_EQ(seen, expected);
}

TEST(TEST_CATEGORY, ToolsSeeRegionsClosedWhenACallThrows) {
  using ExecSpace = TEST_EXECSPACE;
  bufreg::BufferGroup group;
  group.register_buffer("x", 4, bufreg::Location::shared);
  bufreg::BufferRegistry registry;
  int stranger = 0;
  std::vector<std::string> seen;
  {
    const BufregToolEvents events;
    EXPECT_THROW(bufreg::KernelPlan<ExecSpace> none(registry, &stranger), std::out_of_range);
    bufreg::KernelPlan<ExecSpace> plan(group);
    const ExecSpace space;
    EXPECT_THROW(plan.template kernel_arenas<0>(space, Kokkos::TeamPolicy<ExecSpace>(space, 1, 1)),
                 std::invalid_argument);  // not configured
    seen = events.seen();
  }
  const std::vector<std::string> expected{"push bufreg::KernelPlan",
                                          "pop bufreg::KernelPlan",
                                          "push bufreg::KernelPlan",
                                          "pop bufreg::KernelPlan",
                                          "push bufreg::KernelPlan::kernel_arenas",
                                          "pop bufreg::KernelPlan::kernel_arenas"};
  EXPECT_EQ(seen, expected);
}

}  // namespace bufreg_test
