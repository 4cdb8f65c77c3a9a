# Project-wide warning flags, applied per target with chorus_target_warnings(). Third-party
# headers are included as SYSTEM so their warnings do not count. GCC and Clang both build the
# tree warning-free; each gets its own spelling of "a local shadows another local".
function(chorus_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wnon-virtual-dtor
                                           -Wno-missing-field-initializers)
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    target_compile_options(${target} PRIVATE -Wshadow-uncaptured-local)
  else()
    target_compile_options(${target} PRIVATE -Wshadow=local)
  endif()
  if(CHORUS_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
