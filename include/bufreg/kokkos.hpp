#pragma once
/// \file
/// The Kokkos layer: size a TeamPolicy's scratch from a BufferGroup and hand kernels typed
/// buffers. Declare buffers -> build the layout -> KernelPlan::configure(policy) ->
/// KernelPlan::kernel_arenas() -> in the kernel, KernelArenas::thread() and
/// ThreadArenas::span<T>().

#include <bufreg/core.hpp>
#include <bufreg/kokkos/device_description.hpp>
#include <bufreg/kokkos/kernel_arenas.hpp>
#include <bufreg/kokkos/kernel_plan.hpp>
#include <bufreg/kokkos/local_arena.hpp>
#include <bufreg/kokkos/local_storage.hpp>
#include <bufreg/kokkos/persistent_storage.hpp>
#include <bufreg/kokkos/precision.hpp>
#include <bufreg/kokkos/strided_span.hpp>
#include <bufreg/kokkos/thread_arenas.hpp>
