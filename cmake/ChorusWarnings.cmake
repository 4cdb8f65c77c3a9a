# Project-wide warning flags, applied per target with chorus_target_warnings(). Third-party
# headers are included as SYSTEM so their warnings do not count.
function(chorus_target_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                           -Wnon-virtual-dtor -Wno-missing-field-initializers)
  if(CHORUS_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
