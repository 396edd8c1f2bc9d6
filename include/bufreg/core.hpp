#pragma once
/// \file
/// The layout engine: declare buffers, compute layouts, hand out allocators. No Kokkos needed.

#include <bufreg/allocator.hpp>
#include <bufreg/automatic_placement.hpp>
#include <bufreg/buffer_group.hpp>
#include <bufreg/buffer_registry.hpp>
#include <bufreg/component_buffers.hpp>
#include <bufreg/cuda_buffer.hpp>
#include <bufreg/device_description.hpp>
#include <bufreg/float16.hpp>
#include <bufreg/layout.hpp>
#include <bufreg/live_interval.hpp>
#include <bufreg/location.hpp>
#include <bufreg/model_calibration.hpp>
#include <bufreg/placement_model.hpp>
#include <bufreg/planner.hpp>
#include <bufreg/precision.hpp>
#include <bufreg/thread_layout.hpp>
#include <bufreg/verify.hpp>
#include <bufreg/version.hpp>
#include <bufreg/warp_access.hpp>
#include <bufreg/warp_report.hpp>
