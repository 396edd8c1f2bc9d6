// Calls bufreg refuses at compile time, one per BUFREG_COMPILE_FAIL_<case> definition: each
// compile_fail.<case> test builds this file and passes only when the compiler stops it with the
// static_assert's message.
#include <Kokkos_Core.hpp>

#include <bufreg/kokkos.hpp>

#if defined(BUFREG_COMPILE_FAIL_instance_of_another_space)
// kernel_arenas() on an instance of another execution space than the plan's.
void refused(bufreg::KernelPlan<Kokkos::Serial>& plan) {
  const auto policy = plan.configure(Kokkos::TeamPolicy<Kokkos::Serial>(1, 1));
  plan.kernel_arenas<0>(Kokkos::DefaultExecutionSpace(), policy);
}
#elif defined(BUFREG_COMPILE_FAIL_instance_that_cannot_access_the_storage)
// Persistent storage in device memory reserved on a host instance.
void refused(bufreg::PersistentStorage<Kokkos::DefaultExecutionSpace::memory_space>& storage) {
  storage.reserve(Kokkos::Serial(), 1, bufreg::ArenaAddressing{1, 64});
}
#endif
