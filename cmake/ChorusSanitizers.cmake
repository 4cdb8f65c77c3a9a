# CHORUS_SANITIZE=address builds everything (host, SDK, plugins, tests) with AddressSanitizer and
# UndefinedBehaviorSanitizer; CHORUS_SANITIZE=thread with ThreadSanitizer. The flags go on every
# target because plugins are shared libraries loaded into the host: an instrumented host with
# uninstrumented plugins would miss what happens inside them.
if(CHORUS_SANITIZE STREQUAL "")
  return()
elseif(CHORUS_SANITIZE STREQUAL "address")
  set(chorus_sanitizer_flags -fsanitize=address,undefined -fno-sanitize-recover=undefined
                             -fno-omit-frame-pointer)
  set(chorus_sanitizer_runtime asan)
elseif(CHORUS_SANITIZE STREQUAL "thread")
  # The plugins need the shared TSan runtime (below), and Clang's (seen with Clang 14) crashes
  # every program at start: its __cxa_atexit interceptor, called by libstdc++'s static
  # initialisers before the runtime has initialised itself, jumps to a null pointer. GCC's
  # libtsan is always shared and initialises first (libtsan_preinit.o).
  if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "CHORUS_SANITIZE=thread needs GCC (CXX=g++): programs built with Clang's "
                        "shared ThreadSanitizer runtime crash at start")
  endif()
  set(chorus_sanitizer_flags -fsanitize=thread -fno-omit-frame-pointer)
  set(chorus_sanitizer_runtime tsan)
else()
  message(FATAL_ERROR "CHORUS_SANITIZE must be empty, address or thread, not '${CHORUS_SANITIZE}'")
endif()
add_compile_options(${chorus_sanitizer_flags})
# Every target links with these; an installed sanitized SDK also carries them to the plugins
# built against it (its objects call the sanitizer runtime): sdk/CMakeLists.txt puts them on the
# core library's link interface.
set(CHORUS_SANITIZER_LINK_OPTIONS ${chorus_sanitizer_flags})
# GCC links its shared runtime into executables and shared libraries alike.
if(CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  # Clang links its sanitizer runtime statically into executables only, which leaves plugins
  # (linked with --no-undefined) with unresolved runtime symbols; the shared runtime serves the
  # host and every plugin it loads. It is not on the loader's path, hence the rpath.
  execute_process(
    COMMAND "${CMAKE_CXX_COMPILER}" -print-file-name=libclang_rt.${chorus_sanitizer_runtime}-${CMAKE_SYSTEM_PROCESSOR}.so
    OUTPUT_VARIABLE chorus_sanitizer_library OUTPUT_STRIP_TRAILING_WHITESPACE)
  get_filename_component(chorus_sanitizer_dir "${chorus_sanitizer_library}" DIRECTORY)
  list(APPEND CHORUS_SANITIZER_LINK_OPTIONS -shared-libsan "LINKER:-rpath,${chorus_sanitizer_dir}")
endif()
add_link_options(${CHORUS_SANITIZER_LINK_OPTIONS})
