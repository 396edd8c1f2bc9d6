# Finds the Kokkos bufreg builds against, or builds one from the distribution's source package.
#
#   BUFREG_KOKKOS_BACKENDS   backends the Kokkos must enable (e.g. "SERIAL;OPENMP" or
#                            "SERIAL;CUDA"); empty accepts any Kokkos
#   BUFREG_PROVISION_KOKKOS  when no suitable Kokkos is found, build Kokkos 3.4.01 from the
#                            `trilinos` source package into BUFREG_KOKKOS_CACHE and use it
#
# find_package(Kokkos) runs first and honours Kokkos_ROOT and CMAKE_PREFIX_PATH. With
# provisioning on, system directories are not searched: Debian's binary Kokkos enables Serial
# only, and a preset that asks for OpenMP or CUDA must not pick it up.

set(BUFREG_KOKKOS_BACKENDS "" CACHE STRING "Backends the Kokkos must enable, e.g. SERIAL;OPENMP")
option(BUFREG_PROVISION_KOKKOS
       "Build Kokkos 3.4.01 from the trilinos source package when no suitable Kokkos is found" OFF)
set(BUFREG_KOKKOS_CACHE "$ENV{HOME}/.cache/bufreg" CACHE PATH
    "Where provisioned Kokkos builds are kept and reused")
set(BUFREG_KOKKOS_CUDA_ARCH "AMPERE80" CACHE STRING
    "Kokkos_ARCH_<value> of a provisioned CUDA Kokkos (Kokkos 3.4 knows up to AMPERE86)")

set(bufreg_kokkos_version 3.4.01)

# bufreg_provision_kokkos(<prefix-var>): builds and installs Kokkos once; later calls reuse it.
function(bufreg_provision_kokkos prefix_var)
  set(backends ${BUFREG_KOKKOS_BACKENDS})
  if(NOT backends)
    set(backends SERIAL OPENMP)
  endif()
  string(TOLOWER "${backends}" tag)
  string(REPLACE ";" "-" tag "${tag}")
  set(kokkos_options -DCMAKE_BUILD_TYPE=Release -DKokkos_CXX_STANDARD=17
                     -DKokkos_ENABLE_TESTS=OFF -DKokkos_ENABLE_EXAMPLES=OFF)
  foreach(backend IN LISTS backends)
    list(APPEND kokkos_options -DKokkos_ENABLE_${backend}=ON)
  endforeach()
  if("CUDA" IN_LIST backends)
    string(TOLOWER "${BUFREG_KOKKOS_CUDA_ARCH}" arch)
    string(APPEND tag "-${arch}")
    list(APPEND kokkos_options -DKokkos_ENABLE_CUDA_LAMBDA=ON
                               -DKokkos_ARCH_${BUFREG_KOKKOS_CUDA_ARCH}=ON)
  endif()
  set(prefix "${BUFREG_KOKKOS_CACHE}/kokkos-${bufreg_kokkos_version}-${tag}")
  set(${prefix_var} "${prefix}" PARENT_SCOPE)

  file(MAKE_DIRECTORY "${BUFREG_KOKKOS_CACHE}")
  file(LOCK "${BUFREG_KOKKOS_CACHE}/provision.lock" GUARD FUNCTION TIMEOUT 3600)
  if(EXISTS "${prefix}/bufreg-provisioned.txt")
    message(STATUS "bufreg: reusing Kokkos ${bufreg_kokkos_version} from ${prefix}")
    return()
  endif()
  message(STATUS "bufreg: building Kokkos ${bufreg_kokkos_version} (${backends}) into "
                 "${prefix}; this happens once")

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

  set(work "${BUFREG_KOKKOS_CACHE}/build/kokkos-${tag}")
  file(REMOVE_RECURSE "${work}")
  file(MAKE_DIRECTORY "${work}")
  bufreg_run_step("extract" "${work}" tar xf "${tarball}" --wildcards "*/packages/kokkos/*"
                  --strip-components=2)
  file(STRINGS "${work}/kokkos/CMakeLists.txt" version_lines REGEX "set\\(Kokkos_VERSION_")
  string(REGEX REPLACE ".*MAJOR ([0-9]+).*MINOR ([0-9]+).*PATCH ([0-9]+).*" "\\1.\\2.\\3"
         found_version "${version_lines}")
  if(NOT found_version STREQUAL bufreg_kokkos_version)
    message(FATAL_ERROR "bufreg: the trilinos source package holds Kokkos ${found_version}, "
                        "not ${bufreg_kokkos_version}; pass -DKokkos_ROOT=<a Kokkos install>")
  endif()
  if("CUDA" IN_LIST backends)
    # CUDA 13 compatibility: a default arch CUDA 13 accepts, explicit half conversions and the
    # new cudaMemPrefetchAsync signature.
    bufreg_run_step("patch" "${work}/kokkos" patch -p1 -i
                    "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/kokkos-3.4.01-cuda13.patch")
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
  file(WRITE "${prefix}/bufreg-provisioned.txt"
       "Kokkos ${bufreg_kokkos_version} from ${tarball}\noptions: ${kokkos_options}\n")
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
  find_package(Kokkos CONFIG QUIET NO_CMAKE_SYSTEM_PATH NO_SYSTEM_ENVIRONMENT_PATH)
  if(NOT Kokkos_FOUND)
    bufreg_provision_kokkos(bufreg_kokkos_prefix)
    find_package(Kokkos CONFIG REQUIRED PATHS "${bufreg_kokkos_prefix}" NO_DEFAULT_PATH)
  endif()
else()
  find_package(Kokkos CONFIG REQUIRED)
endif()

foreach(backend IN LISTS BUFREG_KOKKOS_BACKENDS)
  if(NOT Kokkos_ENABLE_${backend})
    message(FATAL_ERROR "bufreg: the Kokkos at ${Kokkos_DIR} enables ${Kokkos_DEVICES}, but "
                        "BUFREG_KOKKOS_BACKENDS asks for ${BUFREG_KOKKOS_BACKENDS}")
  endif()
endforeach()
message(STATUS "bufreg: Kokkos ${Kokkos_VERSION} at ${Kokkos_DIR} with ${Kokkos_DEVICES}")
