# bufreg_enable_warnings(<target>): the project's warning set, errors when
# BUFREG_WARNINGS_AS_ERRORS is ON. Applied to bufreg's own targets only, never to Kokkos.
function(bufreg_enable_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wsign-conversion -Wnon-virtual-dtor)
    if(BUFREG_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()
