# Which installed Kokkos bufreg can build against: read from each one's package files, not
# loaded (a Kokkos once loaded cannot be swapped for another).
#
#   bufreg_kokkos_minimum_version   the oldest Kokkos accepted
#   BUFREG_KOKKOS_BACKENDS          the backends it must enable

# bufreg_kokkos_unsuitable(<config-dir> <reason-var>): why the Kokkos whose package files are in
# <config-dir> does not do (too old, a backend missing), or empty when it does.
function(bufreg_kokkos_unsuitable dir reason_var)
  file(STRINGS "${dir}/KokkosConfigVersion.cmake" version REGEX "set\\(PACKAGE_VERSION \"[0-9]")
  string(REGEX REPLACE ".*PACKAGE_VERSION \"([0-9.]+)\".*" "\\1" version "${version}")
  file(READ "${dir}/KokkosConfigCommon.cmake" devices)
  string(REGEX MATCH "[Ss][Ee][Tt]\\(Kokkos_DEVICES ([^)]*)\\)" devices "${devices}")
  set(devices "${CMAKE_MATCH_1}")
  set(missing)
  foreach(backend IN LISTS BUFREG_KOKKOS_BACKENDS)
    if(NOT backend IN_LIST devices)
      list(APPEND missing ${backend})
    endif()
  endforeach()
  if(NOT version)
    set(${reason_var} "its package files give no version" PARENT_SCOPE)
  elseif(version VERSION_LESS bufreg_kokkos_minimum_version)
    set(${reason_var} "Kokkos ${version} is older than ${bufreg_kokkos_minimum_version}"
        PARENT_SCOPE)
  elseif(missing)
    list(JOIN devices ", " devices)
    list(JOIN missing ", " missing)
    set(${reason_var} "Kokkos ${version} enables ${devices}, not ${missing}" PARENT_SCOPE)
  else()
    set(${reason_var} "" PARENT_SCOPE)
  endif()
endfunction()

# bufreg_find_installed_kokkos(<dir-var> <passed-over-var>): the package directory of the first
# suitable installed Kokkos, or empty; and, for each one found before it, "<dir>: <reason>".
function(bufreg_find_installed_kokkos dir_var passed_over_var)
  string(REPLACE ":" ";" environment_prefixes "$ENV{Kokkos_ROOT}:$ENV{CMAKE_PREFIX_PATH}")
  set(prefixes ${Kokkos_ROOT} ${CMAKE_PREFIX_PATH} ${environment_prefixes}
               ${CMAKE_SYSTEM_PREFIX_PATH})
  set(candidates ${Kokkos_DIR})
  foreach(prefix IN LISTS prefixes)
    foreach(suffix IN ITEMS lib/cmake/Kokkos lib64/cmake/Kokkos
                            lib/${CMAKE_LIBRARY_ARCHITECTURE}/cmake/Kokkos)
      list(APPEND candidates "${prefix}/${suffix}")
    endforeach()
  endforeach()
  set(seen)
  set(passed_over)
  set(found "")
  foreach(candidate IN LISTS candidates)
    get_filename_component(candidate "${candidate}" REALPATH)
    if(candidate IN_LIST seen OR NOT EXISTS "${candidate}/KokkosConfigCommon.cmake")
      continue()
    endif()
    list(APPEND seen "${candidate}")
    bufreg_kokkos_unsuitable("${candidate}" reason)
    if(NOT reason)
      set(found "${candidate}")
      break()
    endif()
    list(APPEND passed_over "${candidate}: ${reason}")
  endforeach()
  set(${dir_var} "${found}" PARENT_SCOPE)
  set(${passed_over_var} "${passed_over}" PARENT_SCOPE)
endfunction()
