# cmake -D MODULES=<bufreg's cmake/> -D WORK=<scratch dir> -P check_kokkos_candidates.cmake
# Which installed Kokkos the provisioning presets take, from fake installs that differ in version
# and backends: the first suitable one in search order, and each passed over with its reason.
cmake_minimum_required(VERSION 3.25)
include("${MODULES}/BufregKokkosCandidates.cmake")
set(bufreg_kokkos_minimum_version 3.4)
set(CMAKE_SYSTEM_PREFIX_PATH "")
set(CMAKE_LIBRARY_ARCHITECTURE x86_64-linux-gnu)

# fake_kokkos(<name> <version> <devices> <suffix>): a prefix whose package files say so.
function(fake_kokkos name version devices suffix)
  set(dir "${WORK}/${name}/${suffix}")
  file(WRITE "${dir}/KokkosConfigVersion.cmake" "set(PACKAGE_VERSION \"${version}\")\n")
  file(WRITE "${dir}/KokkosConfigCommon.cmake" "SET(Kokkos_DEVICES ${devices})\nSET(x y)\n")
endfunction()

function(expect what actual expected)
  if(NOT actual STREQUAL expected)
    message(FATAL_ERROR "${what}:\n  got      '${actual}'\n  expected '${expected}'")
  endif()
endfunction()

file(REMOVE_RECURSE "${WORK}")
fake_kokkos(serial_only 3.4.01 "SERIAL" lib/cmake/Kokkos)
fake_kokkos(too_old 3.3.00 "OPENMP;SERIAL" lib64/cmake/Kokkos)
fake_kokkos(multiarch 4.5.1 "SERIAL;OPENMP" lib/x86_64-linux-gnu/cmake/Kokkos)
fake_kokkos(openmp_only 5.2.2 "OPENMP" lib/cmake/Kokkos)

set(BUFREG_KOKKOS_BACKENDS SERIAL OPENMP)
set(CMAKE_PREFIX_PATH "${WORK}/serial_only" "${WORK}/too_old" "${WORK}/openmp_only")
set(ENV{CMAKE_PREFIX_PATH} "${WORK}/nowhere:${WORK}/multiarch")
bufreg_find_installed_kokkos(found passed_over)
expect("the first suitable Kokkos" "${found}" "${WORK}/multiarch/lib/x86_64-linux-gnu/cmake/Kokkos")
expect("the Kokkos passed over" "${passed_over}"
       "${WORK}/serial_only/lib/cmake/Kokkos: Kokkos 3.4.01 enables SERIAL, not OPENMP;\
${WORK}/too_old/lib64/cmake/Kokkos: Kokkos 3.3.00 is older than 3.4;\
${WORK}/openmp_only/lib/cmake/Kokkos: Kokkos 5.2.2 enables OPENMP, not SERIAL")

# Kokkos_ROOT comes before CMAKE_PREFIX_PATH; a suitable one there ends the search at once.
set(Kokkos_ROOT "${WORK}/openmp_only")
set(BUFREG_KOKKOS_BACKENDS OPENMP)
bufreg_find_installed_kokkos(found passed_over)
expect("Kokkos_ROOT's Kokkos" "${found}" "${WORK}/openmp_only/lib/cmake/Kokkos")
expect("nothing passed over" "${passed_over}" "")

# None suitable: empty, every one listed (each once, though two search entries name it).
set(BUFREG_KOKKOS_BACKENDS SERIAL CUDA)
bufreg_find_installed_kokkos(found passed_over)
expect("no suitable Kokkos" "${found}" "")
list(LENGTH passed_over count)
expect("how many were passed over" "${count}" 4)
