// bufreg_perf: the perf tests. Google Benchmark's flags apply; bufreg's own are
//   --bufreg_systems=N    systems per ODE batch (default 512 on host backends, 65536 on GPUs)
//   --bufreg_out_dir=DIR  where the summary JSON and the SVG of the ODE kernel's shared arena go
//                         (default: the current directory)
//   --bufreg_plan_budget_ms=N  the planner's budget on the MiniMalloc instances (default 5000)
//   --bufreg_dsa_dir=DIR  where those instances are (default: the repository's copy)
//   --bufreg_model_only   print the GPU memory model of the ODE kernels and the automatic
//                         placement model, and exit before Kokkos starts (so a CUDA build prints
//                         them on a machine without a GPU)
// It prints the ODE kernel's layout, runs the benchmarks, then prints a summary with the ratios
// of medians measured side by side in this run. Exits non-zero if any result fails its check.
#include <benchmark/benchmark.h>

#include <Kokkos_Core.hpp>

#include <cstdio>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <bufreg/kokkos/device_description.hpp>

#include "arena_svg.hpp"
#include "dsa_dir.hpp"
#include "gpu_or_skip.hpp"
#include "layout_benchmarks.hpp"
#include "ode/gpu_memory_model.hpp"
#include "ode/placement_model_table.hpp"
#include "ode/register_ode_benchmarks.hpp"
#include "planner_benchmarks.hpp"
#include "summary.hpp"

namespace {

struct Options {
  ode::Settings settings;
  std::string out_dir = ".";
  double plan_budget_ms = 5000;
  std::string dsa_dir = ::dsa_dir;
};

/// Takes bufreg's own flags out of argv, leaving Google Benchmark's.
Options parse(int& argc, char** argv) {
  Options options;
  const bool host =
      Kokkos::SpaceAccessibility<Kokkos::HostSpace,
                                 Kokkos::DefaultExecutionSpace::memory_space>::accessible;
  options.settings.systems = host ? 512 : 65536;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--bufreg_systems=", 0) == 0) {
      options.settings.systems = std::atoi(arg.c_str() + 17);
    } else if (arg.rfind("--bufreg_out_dir=", 0) == 0) {
      options.out_dir = arg.substr(17);
    } else if (arg.rfind("--bufreg_plan_budget_ms=", 0) == 0) {
      options.plan_budget_ms = std::atof(arg.c_str() + 24);
    } else if (arg.rfind("--bufreg_dsa_dir=", 0) == 0) {
      options.dsa_dir = arg.substr(17);
    } else {
      argv[kept++] = argv[i];
    }
  }
  argc = kept;
  if (options.settings.systems < 1) {
    std::fprintf(stderr, "bufreg_perf: --bufreg_systems must be positive\n");
    std::exit(2);
  }
  return options;
}

constexpr const char* automatic_placement_caption =
    "Automatic placement (a model, not a measurement): bufreg::PlacementModel with its default "
    "parameters for each architecture,\nthe ODE kernels' buffers weighted by their accesses per "
    "step (automatic_placement_options.hpp), stage in k7's storage.\nlevel-0 B and local B: bytes "
    "per thread; team: the model's team size; resident: threads per multiprocessor; spilled: "
    "share of\nthread-private traffic off chip; time: the model's time relative to the "
    "components' placement\n";

void write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  std::printf("wrote %s\n", path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
#ifdef __GLIBC__
  // Keep freed memory in the heap: otherwise glibc hands large freed blocks back to the kernel and
  // a benchmark that allocates a lot per iteration (100,000 buffers) pays fresh page faults that
  // a smaller one (10,000) does not, depending on what ran before it.
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
#endif
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--bufreg_model_only") {
      std::printf("GPU memory model of the ODE kernels (a model, not a measurement)\n%s",
                  ode::gpu_memory_model().text.c_str());
      std::printf("\n%s%s", automatic_placement_caption,
                  ode::automatic_placement_model().text.c_str());
      return 0;
    }
  }
  if (!bufreg_test::gpu_present_or_not_needed(argv[0])) return bufreg_test::skipped_exit_code;
  Kokkos::initialize(argc, argv);
  int status = 0;
  {
    const Options options = parse(argc, argv);
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 2;

    using ExecSpace = Kokkos::DefaultExecutionSpace;
    std::printf("bufreg perf tests on Kokkos %d.%d.%d, %s (concurrency %d)\n\n",
                KOKKOS_VERSION / 10000, KOKKOS_VERSION / 100 % 100, KOKKOS_VERSION % 100,
                ExecSpace::name(), ExecSpace().concurrency());
    std::printf("The ODE kernel's layout, 40 states, each component's own placement:\n%s\n",
                ode::describe_ode_layout(40).c_str());
    // The automatic rows place their buffers with this model; a CPU backend's keeps every buffer
    // local (its level 0 and thread-private storage are the same memory).
    std::printf(
        "The automatic rows' placement, Lorenz-96 with 40 states, by the model of the device this "
        "binary runs on%s:\n%s\n",
        bufreg::device_description(ExecSpace()).is_host()
            ? " (a CPU backend: the host model keeps every buffer local, as expected)"
            : "",
        ode::describe_ode_automatic_placement().c_str());
    std::size_t arena_bytes = 0;
    const auto rows = ode::ode_shared_arena(40, arena_bytes);
    write(options.out_dir + "/ode_shared_arena.svg",
          perf::arena_svg("bufreg: the ODE kernel's shared arena per thread (Lorenz-96, 40 states)",
                          rows, arena_bytes));

    perf::register_layout_benchmarks();
    perf::register_planner_benchmarks(options.dsa_dir, options.plan_budget_ms);
    ode::register_ode_benchmarks(options.settings);
    perf::SummaryReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::ClearRegisteredBenchmarks();  // frees the batches' Views before Kokkos finalizes

    const perf::Summary summary(reporter.results());
    const auto lifetimes = perf::ode_lifetime_layouts(40);
    std::printf("\n%s", summary.table(ExecSpace::name(), options.settings.systems).c_str());
    std::printf(
        "\nThe ODE kernel's buffers for 40 states, all in shared memory: bytes per thread "
        "(Planner::best for live intervals)\n%s",
        lifetimes.text.c_str());
    const auto gpu_model = ode::gpu_memory_model();
    std::printf(
        "\nGPU memory model of the ODE kernels (a model, not a measurement: bufreg laid out "
        "warp_shaped as on CUDA, priced by bufreg::warp_access_cost for one 32-lane warp).\n"
        "wavefronts: the costliest level-0 access / its ideal; sectors: the costliest persistent "
        "access / its ideal;\nfunctor B: sizeof the kernel functor in this build; shared B: "
        "level-0 "
        "bytes per thread; team: the largest team whose level 0 fits 48 KiB\n%s",
        gpu_model.text.c_str());
    const auto automatic_model = ode::automatic_placement_model();
    std::printf("\n%s%s", automatic_placement_caption, automatic_model.text.c_str());
    write(options.out_dir + "/bufreg_perf_summary.json",
          summary.json(ExecSpace::name(), options.settings.systems, lifetimes.json, gpu_model.json,
                       automatic_model.json));
    status = reporter.errors() > 0 ? 1 : 0;
    if (status) std::printf("\n%d benchmark(s) failed their checks\n", reporter.errors());
  }
  Kokkos::finalize();
  return status;
}
