# Finds the Kokkos bufreg builds against, or builds one from the distribution's source package.
#
#   BUFREG_KOKKOS_BACKENDS     backends the Kokkos must enable (e.g. "SERIAL;OPENMP" or
#                              "SERIAL;CUDA"); empty accepts any Kokkos
#   BUFREG_PROVISION_KOKKOS    when no suitable Kokkos is installed, build one from the
#                              `trilinos` source package into BUFREG_KOKKOS_CACHE and use it
#   BUFREG_KOKKOS_CUDA_ARCHS   compute capabilities a provisioned CUDA Kokkos (and everything
#                              built against it) carries native code for, e.g. "80;90"; PTX of the
#                              newest is added for later GPUs
#
# Without provisioning, find_package(Kokkos) decides as usual (Kokkos_ROOT, CMAKE_PREFIX_PATH,
# the system) and a Kokkos that lacks a backend is an error. With it, every installed Kokkos is
# looked at first (Kokkos_DIR, Kokkos_ROOT, CMAKE_PREFIX_PATH, then /usr/local, /usr and the
# other system prefixes, the distribution's multiarch directory included), and the first one
# that is 3.4 or newer and enables every backend asked for is used; the others are listed with
# the reason they were passed over. Only when none fits is one built.

set(BUFREG_KOKKOS_BACKENDS "" CACHE STRING "Backends the Kokkos must enable, e.g. SERIAL;OPENMP")
option(BUFREG_PROVISION_KOKKOS
       "Build Kokkos from the trilinos source package when no suitable Kokkos is installed" OFF)
set(BUFREG_KOKKOS_CACHE "$ENV{HOME}/.cache/bufreg" CACHE PATH
    "Where provisioned Kokkos builds are kept and reused")
set(BUFREG_KOKKOS_CUDA_ARCHS "80;90" CACHE STRING
    "Compute capabilities a provisioned CUDA Kokkos carries native code for (lowest first)")

set(bufreg_kokkos_minimum_version 3.4)
include(BufregKokkosCandidates)

# bufreg_cuda_arch_options(<kokkos-arch-var> <gencode-var>): from BUFREG_KOKKOS_CUDA_ARCHS, the
# Kokkos_ARCH_ option of the lowest (what Kokkos may assume of every GPU it runs on) and the
# -gencode flags: native code for each, PTX of the newest for GPUs newer than all of them.
function(bufreg_cuda_arch_options kokkos_arch_var gencode_var)
  set(kokkos_name_70 VOLTA70)
  set(kokkos_name_72 VOLTA72)
  set(kokkos_name_75 TURING75)
  set(kokkos_name_80 AMPERE80)
  set(kokkos_name_86 AMPERE86)
  set(archs ${BUFREG_KOKKOS_CUDA_ARCHS})
  set(sorted ${archs})
  list(SORT sorted COMPARE NATURAL)
  list(REMOVE_DUPLICATES sorted)
  if(NOT archs MATCHES "^[1-9][0-9]+(;[1-9][0-9]+)*$" OR NOT archs STREQUAL sorted)
    message(FATAL_ERROR "bufreg: BUFREG_KOKKOS_CUDA_ARCHS is '${archs}': give compute "
                        "capabilities as numbers, lowest first, each once (e.g. 80;90)")
  endif()
  list(GET archs 0 lowest)
  list(GET archs -1 newest)
  if(NOT DEFINED kokkos_name_${lowest})
    message(FATAL_ERROR "bufreg: the lowest of BUFREG_KOKKOS_CUDA_ARCHS (${lowest}) must be one "
                        "Kokkos 3.4 knows: 70, 72, 75, 80 or 86 (CUDA 13 starts at 75)")
  endif()
  set(gencode)
  foreach(arch IN LISTS archs)
    list(APPEND gencode "-gencode=arch=compute_${arch},code=sm_${arch}")
  endforeach()
  list(APPEND gencode "-gencode=arch=compute_${newest},code=compute_${newest}")
  set(${kokkos_arch_var} ${kokkos_name_${lowest}} PARENT_SCOPE)
  set(${gencode_var} ${gencode} PARENT_SCOPE)
endfunction()

# bufreg_provision_kokkos(<prefix-var>): builds and installs Kokkos once per configuration; later
# calls reuse it. The cache entry is keyed on everything that changes the build: the source
# package, the backends and CUDA architectures, the compilers and their versions, the C++
# standard and build type, and the patches.
function(bufreg_provision_kokkos prefix_var)
  set(backends ${BUFREG_KOKKOS_BACKENDS})
  if(NOT backends)
    set(backends SERIAL OPENMP)
  endif()
  file(MAKE_DIRECTORY "${BUFREG_KOKKOS_CACHE}")
  file(LOCK "${BUFREG_KOKKOS_CACHE}/provision.lock" GUARD FUNCTION TIMEOUT 3600)

  set(sources "${BUFREG_KOKKOS_CACHE}/sources")
  file(GLOB tarball "${sources}/trilinos_*.orig.tar.*")
  if(NOT tarball)
    execute_process(
      COMMAND bash "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/fetch-trilinos-source.sh" "${sources}"
      RESULT_VARIABLE failed)
    file(GLOB tarball "${sources}/trilinos_*.orig.tar.*")
    if(failed OR NOT tarball)
      message(FATAL_ERROR "bufreg: could not download the trilinos source package (see above); "
                          "pass -DKokkos_ROOT=<a Kokkos install> instead")
    endif()
  endif()
  list(GET tarball -1 tarball)
  get_filename_component(source_package "${tarball}" NAME)

  set(kokkos_options -DCMAKE_BUILD_TYPE=Release -DKokkos_ENABLE_TESTS=OFF
                     -DKokkos_ENABLE_EXAMPLES=OFF)
  foreach(backend IN LISTS backends)
    list(APPEND kokkos_options -DKokkos_ENABLE_${backend}=ON)
  endforeach()
  set(patches)
  set(compilers "${CMAKE_CXX_COMPILER_ID} ${CMAKE_CXX_COMPILER_VERSION}")
  if("CUDA" IN_LIST backends)
    bufreg_cuda_arch_options(kokkos_arch gencode)
    list(JOIN gencode " " gencode)
    list(APPEND kokkos_options -DKokkos_ENABLE_CUDA_LAMBDA=ON -DKokkos_ARCH_${kokkos_arch}=ON
                               "-DKokkos_CUDA_GENCODE=${gencode}")
    set(patches "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/kokkos-3.4.01-cuda13.patch"
                "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/kokkos-3.4.01-cuda-archs.patch")
    find_program(bufreg_nvcc nvcc PATHS /usr/local/cuda/bin)
    if(NOT bufreg_nvcc)
      message(FATAL_ERROR "bufreg: BUFREG_KOKKOS_BACKENDS asks for CUDA but no nvcc was found "
                          "(put the CUDA toolkit's bin directory on PATH)")
    endif()
    execute_process(COMMAND "${bufreg_nvcc}" --version OUTPUT_VARIABLE nvcc_version)
    string(REGEX MATCH "release [0-9.]+, V[0-9.]+" nvcc_version "${nvcc_version}")
    string(APPEND compilers ", nvcc ${nvcc_version}")
  else()
    list(APPEND kokkos_options "-DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}")
  endif()
  set(key "${source_package}\n${kokkos_options}\n${compilers}\n")
  foreach(patch IN LISTS patches)
    file(SHA1 "${patch}" patch_hash)
    string(APPEND key "${patch_hash}\n")
  endforeach()
  string(SHA1 key_hash "${key}")
  string(SUBSTRING "${key_hash}" 0 12 key_hash)
  string(TOLOWER "${backends}" tag)
  string(REPLACE ";" "-" tag "${tag}")
  set(prefix "${BUFREG_KOKKOS_CACHE}/kokkos-${tag}-${key_hash}")
  set(${prefix_var} "${prefix}" PARENT_SCOPE)
  if(EXISTS "${prefix}/bufreg-provisioned.txt")
    message(STATUS "bufreg: reusing the Kokkos provisioned in ${prefix}")
    return()
  endif()

  set(work "${BUFREG_KOKKOS_CACHE}/build/kokkos-${tag}-${key_hash}")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}")
  bufreg_run_step("extract" "${work}" tar xf "${tarball}" --wildcards "*/packages/kokkos/*"
                  --strip-components=2)
  file(STRINGS "${work}/kokkos/CMakeLists.txt" version_lines REGEX "set\\(Kokkos_VERSION_")
  string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3"
         version "${version_lines}")
  # Any Kokkos from 3.4 on builds for the host backends as it is. The CUDA patches (CUDA 13,
  # several architectures, newer GPUs) are written against 3.4.01's sources and apply to no other.
  if(version VERSION_LESS bufreg_kokkos_minimum_version)
    message(FATAL_ERROR "bufreg: ${source_package} holds Kokkos ${version}; bufreg needs "
                        "${bufreg_kokkos_minimum_version} or newer: pass -DKokkos_ROOT=<a Kokkos "
                        "install>")
  endif()
  if(patches AND NOT version STREQUAL "3.4.01")
    message(FATAL_ERROR "bufreg: ${source_package} holds Kokkos ${version}, and bufreg's CUDA "
                        "patches (cmake/kokkos-3.4.01-*.patch) apply to Kokkos 3.4.01 only: "
                        "install a CUDA Kokkos and pass -DKokkos_ROOT=<its prefix>")
  endif()
  if(version VERSION_LESS 5)
    list(APPEND kokkos_options -DKokkos_CXX_STANDARD=17)
  else()
    list(APPEND kokkos_options -DKokkos_CXX_STANDARD=20)  # Kokkos 5 needs C++20
  endif()
  message(STATUS "bufreg: building Kokkos ${version} (${backends}) into ${prefix}; this happens "
                 "once per configuration")
  foreach(patch IN LISTS patches)
    get_filename_component(patch_name "${patch}" NAME_WE)
    bufreg_run_step("${patch_name}" "${work}/kokkos" patch -p1 -i "${patch}")
  endforeach()
  if(patches)
    list(APPEND kokkos_options "-DCMAKE_CXX_COMPILER=${work}/kokkos/bin/nvcc_wrapper")
  endif()
  find_program(bufreg_ninja ninja)
  if(bufreg_ninja)
    list(APPEND kokkos_options -G Ninja)
  endif()
  bufreg_run_step("configure" "${work}" "${CMAKE_COMMAND}" -S kokkos -B build
                  "-DCMAKE_INSTALL_PREFIX=${prefix}" ${kokkos_options})
  cmake_host_system_information(RESULT cores QUERY NUMBER_OF_LOGICAL_CORES)
  bufreg_run_step("build" "${work}" "${CMAKE_COMMAND}" --build build --parallel ${cores})
  bufreg_run_step("install" "${work}" "${CMAKE_COMMAND}" --install build)
  file(WRITE "${prefix}/bufreg-provisioned.txt" "Kokkos ${version} from ${tarball}\n"
             "options: ${kokkos_options}\ncompilers: ${compilers}\npatches: ${patches}\n")
  file(REMOVE_RECURSE "${work}")
endfunction()

# bufreg_run_step(<name> <dir> <command>...): runs a provisioning step, its output in a log file
# whose tail is shown when it fails.
function(bufreg_run_step name dir)
  set(log "${dir}/${name}.log")
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY "${dir}" RESULT_VARIABLE failed
                  OUTPUT_FILE "${log}" ERROR_FILE "${log}")
  if(failed)
    file(STRINGS "${log}" lines)
    list(LENGTH lines count)
    math(EXPR first "${count} - 40")
    if(first LESS 0)
      set(first 0)
    endif()
    list(SUBLIST lines ${first} -1 tail)
    list(JOIN tail "\n" tail)
    message(FATAL_ERROR "bufreg: provisioning Kokkos failed at '${name}' (${log}):\n${tail}")
  endif()
endfunction()

# ---- find it -----------------------------------------------------------------------------------
if(BUFREG_PROVISION_KOKKOS)
  bufreg_find_installed_kokkos(bufreg_kokkos_dir bufreg_kokkos_passed_over)
  foreach(bufreg_kokkos_reason IN LISTS bufreg_kokkos_passed_over)
    message(STATUS "bufreg: passing over the Kokkos at ${bufreg_kokkos_reason}")
  endforeach()
  if(NOT bufreg_kokkos_dir)
    bufreg_provision_kokkos(bufreg_kokkos_prefix)
    set(bufreg_kokkos_dir "${bufreg_kokkos_prefix}/lib/cmake/Kokkos")
  endif()
  find_package(Kokkos CONFIG REQUIRED PATHS "${bufreg_kokkos_dir}" NO_DEFAULT_PATH)
else()
  find_package(Kokkos CONFIG REQUIRED)
endif()

bufreg_kokkos_unsuitable("${Kokkos_DIR}" bufreg_kokkos_reason)
if(bufreg_kokkos_reason)
  message(FATAL_ERROR "bufreg: the Kokkos at ${Kokkos_DIR} does not do: ${bufreg_kokkos_reason} "
                      "(BUFREG_KOKKOS_BACKENDS is '${BUFREG_KOKKOS_BACKENDS}'); point Kokkos_ROOT "
                      "at another, or turn BUFREG_PROVISION_KOKKOS on to have one built")
endif()
message(STATUS "bufreg: Kokkos ${Kokkos_VERSION} at ${Kokkos_DIR} with ${Kokkos_DEVICES}")
