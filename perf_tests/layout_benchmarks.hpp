#pragma once
// Benchmarks of the layout engine alone.

namespace perf {

/// Registers "layout/register_and_build/<n>": n registrations (a quarter of them aliases) and
/// one layout build, for n = 100 ... 100,000.
void register_layout_benchmarks();

}  // namespace perf
