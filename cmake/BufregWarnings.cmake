# bufreg_enable_warnings(<target>): the project's warning set, errors when
# BUFREG_WARNINGS_AS_ERRORS is ON. Applied to bufreg's own targets only, never to Kokkos.
function(bufreg_enable_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wsign-conversion -Wnon-virtual-dtor)
    if(BUFREG_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
      # What links Kokkos is compiled by nvcc in a CUDA build: its front end's warnings (a host
      # function called from device code, say) are errors too.
      get_target_property(libraries ${target} LINK_LIBRARIES)
      if(Kokkos_ENABLE_CUDA AND "bufreg::kokkos" IN_LIST libraries)
        target_compile_options(${target} PRIVATE "SHELL:-Xcudafe --promote_warnings")
      endif()
    endif()
    # GCC 12 warns falsely about std::string's operator+ at -O3 in C++20 (GCC bug 105329).
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12
       AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
      target_compile_options(${target} PRIVATE -Wno-restrict)
    endif()
  endif()
endfunction()
