# Installs the SDK for out-of-tree plugin projects: headers, the static SDK libraries with an
# exported CMake package (find_package(chorus-sdk)), pkg-config files, and ChorusPlugin.cmake.
#
#   cmake --install <build> --prefix <prefix> --component chorus-sdk
#
# The package config finds exactly the third-party packages the installed libraries link, so the
# list is computed from the targets themselves. That computation is deferred to the end of the
# configure step, so a helper library's target_link_libraries() added after this file is read is
# still seen.
include_guard(GLOBAL)
include(CMakePackageConfigHelpers)

# Cache variables, because the deferred call below runs in the top-level directory's scope.
set(CHORUS_SDK_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/chorus-sdk" CACHE INTERNAL "")
set(CHORUS_SDK_COMPONENT chorus-sdk CACHE INTERNAL "")

install(DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}/include/chorus"
        DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}" COMPONENT ${CHORUS_SDK_COMPONENT}
        FILES_MATCHING PATTERN "*.h")
install(FILES "${PROJECT_SOURCE_DIR}/cmake/ChorusPlugin.cmake"
        DESTINATION "${CHORUS_SDK_CMAKE_DIR}" COMPONENT ${CHORUS_SDK_COMPONENT})

# The link items of a target, without generator expressions around them ($<LINK_ONLY:x> -> x).
function(_chorus_sdk_link_items target out_var)
  get_target_property(direct ${target} LINK_LIBRARIES)
  get_target_property(interface ${target} INTERFACE_LINK_LIBRARIES)
  set(items)
  foreach(item IN LISTS direct interface)
    if(NOT item OR item MATCHES "-NOTFOUND$")
      continue()
    endif()
    string(REGEX REPLACE "^\\$<LINK_ONLY:(.*)>$" "\\1" item "${item}")
    list(APPEND items "${item}")
  endforeach()
  list(REMOVE_DUPLICATES items)
  set(${out_var} "${items}" PARENT_SCOPE)
endfunction()

# For one imported dependency: the CMake lines that find it (appended to `cmake_var`) and its
# pkg-config module or flag (appended to `pc_requires_var` / `pc_libs_var`).
function(_chorus_sdk_describe_dependency item cmake_var pc_requires_var pc_libs_var)
  set(cmake_lines "${${cmake_var}}")
  set(pc_requires "${${pc_requires_var}}")
  set(pc_libs "${${pc_libs_var}}")
  if(item STREQUAL "Threads::Threads")
    list(APPEND cmake_lines "find_dependency(Threads)\n")
    list(APPEND pc_libs "-pthread")
  elseif(item STREQUAL "nlohmann_json::nlohmann_json")
    list(APPEND cmake_lines "find_dependency(nlohmann_json 3.10)\n")
    list(APPEND pc_requires nlohmann_json)
  elseif(item STREQUAL "simdjson::simdjson")
    list(APPEND cmake_lines "find_dependency(simdjson)\n")
    list(APPEND pc_requires simdjson)
  elseif(item STREQUAL "CURL::libcurl")
    list(APPEND cmake_lines "find_dependency(CURL)\n")
    list(APPEND pc_requires libcurl)
  elseif(item MATCHES "^OpenSSL::(SSL|Crypto)$")
    list(APPEND cmake_lines "find_dependency(OpenSSL)\n")
    if(CMAKE_MATCH_1 STREQUAL "SSL")
      list(APPEND pc_requires libssl)
    else()
      list(APPEND pc_requires libcrypto)
    endif()
  elseif(item STREQUAL "ZLIB::ZLIB")
    list(APPEND cmake_lines "find_dependency(ZLIB)\n")
    list(APPEND pc_requires zlib)
  elseif(item STREQUAL "spdlog::spdlog")
    list(APPEND cmake_lines "find_dependency(spdlog)\n")
    list(APPEND pc_requires spdlog)
  elseif(item STREQUAL "SQLite::SQLite3")
    list(APPEND cmake_lines "find_dependency(SQLite3)\n")
    list(APPEND pc_requires sqlite3)
  elseif(item MATCHES "^PkgConfig::(.+)$")
    set(prefix "${CMAKE_MATCH_1}")
    set(module "${${prefix}_MODULE_NAME}")
    if(NOT module)
      message(FATAL_ERROR "chorus-sdk install: cannot tell the pkg-config module of ${item}; "
                          "call pkg_check_modules(${prefix} ... IMPORTED_TARGET <module>)")
    endif()
    string(CONCAT block "if(NOT TARGET ${item})\n"
                        "  find_dependency(PkgConfig)\n"
                        "  pkg_check_modules(${prefix} REQUIRED IMPORTED_TARGET ${module})\n"
                        "endif()\n")
    list(APPEND cmake_lines "${block}")
    list(APPEND pc_requires "${module}")
  elseif(TARGET "${item}")
    get_target_property(imported "${item}" IMPORTED)
    if(imported)
      message(FATAL_ERROR "chorus-sdk install: no package lookup known for ${item}; add it to "
                          "_chorus_sdk_describe_dependency in sdk/install.cmake")
    endif()
    return()  # an SDK library of this project: exported alongside
  else()
    list(APPEND pc_libs "${item}")  # a plain library name or flag
  endif()
  set(${cmake_var} "${cmake_lines}" PARENT_SCOPE)
  set(${pc_requires_var} "${pc_requires}" PARENT_SCOPE)
  set(${pc_libs_var} "${pc_libs}" PARENT_SCOPE)
endfunction()

function(_chorus_sdk_install_package)
  get_property(libraries GLOBAL PROPERTY CHORUS_SDK_LIBRARIES)
  set(exported_names)
  set(dependency_blocks)
  foreach(library IN LISTS libraries)
    get_target_property(export_name ${library} EXPORT_NAME)
    list(APPEND exported_names ${export_name})
    _chorus_sdk_link_items(${library} items)

    set(lib_cmake_lines)
    set(pc_requires)
    set(pc_libs)
    foreach(item IN LISTS items)
      if(TARGET "${item}" AND NOT item MATCHES "::")
        # Another SDK library (chorus_sdk): in pkg-config terms, its package.
        get_target_property(dep_export ${item} EXPORT_NAME)
        if(dep_export STREQUAL "sdk")
          list(APPEND pc_requires chorus-sdk)
        else()
          list(APPEND pc_requires chorus-sdk-${dep_export})
        endif()
        continue()
      endif()
      _chorus_sdk_describe_dependency("${item}" lib_cmake_lines pc_requires pc_libs)
    endforeach()
    list(APPEND dependency_blocks ${lib_cmake_lines})
    # A sanitized build's objects call the sanitizer runtime: its link flags go with the core.
    if(export_name STREQUAL "sdk")
      foreach(option IN LISTS CHORUS_SANITIZER_LINK_OPTIONS)
        string(REGEX REPLACE "^LINKER:" "-Wl," option "${option}")
        list(APPEND pc_libs "${option}")
      endforeach()
    endif()

    # One pkg-config file per library: chorus-sdk.pc for the core, chorus-sdk-<name>.pc for the
    # helpers. The libraries are static, so their dependencies are public requirements.
    if(export_name STREQUAL "sdk")
      set(PC_NAME chorus-sdk)
      set(PC_DESCRIPTION "chorus plugin SDK: C ABI, C++ plugin layer, Singer codec")
    else()
      set(PC_NAME chorus-sdk-${export_name})
      set(PC_DESCRIPTION "chorus plugin SDK: ${export_name} helpers")
    endif()
    list(REMOVE_DUPLICATES pc_requires)
    list(REMOVE_DUPLICATES pc_libs)
    list(JOIN pc_requires " " PC_REQUIRES)
    list(JOIN pc_libs " " PC_LIBS_EXTRA)
    set(PC_LIBRARY "${library}")
    file(RELATIVE_PATH PC_RELATIVE_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
    string(REGEX REPLACE "/$" "" PC_RELATIVE_PREFIX "${PC_RELATIVE_PREFIX}")
    configure_file("${PROJECT_SOURCE_DIR}/cmake/chorus-sdk.pc.in"
                   "${PROJECT_BINARY_DIR}/pkgconfig/${PC_NAME}.pc" @ONLY)
    install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/${PC_NAME}.pc"
            DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig" COMPONENT ${CHORUS_SDK_COMPONENT})
  endforeach()

  # A package several libraries need is found once: dedupe the lookup blocks, keeping order.
  list(REMOVE_DUPLICATES dependency_blocks)
  list(JOIN dependency_blocks "" CHORUS_SDK_FIND_DEPENDENCIES)
  set(CHORUS_SDK_COMPONENTS "${exported_names}")

  if(libraries)
    # `ninja chorus_sdk_libraries` builds exactly what `cmake --install --component chorus-sdk`
    # needs.
    add_custom_target(chorus_sdk_libraries DEPENDS ${libraries})
    install(TARGETS ${libraries} EXPORT chorus-sdk-targets
            ARCHIVE DESTINATION "${CMAKE_INSTALL_LIBDIR}" COMPONENT ${CHORUS_SDK_COMPONENT}
            INCLUDES DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}")
    install(EXPORT chorus-sdk-targets NAMESPACE chorus::
            DESTINATION "${CHORUS_SDK_CMAKE_DIR}" COMPONENT ${CHORUS_SDK_COMPONENT})
  endif()

  configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/chorus-sdkConfig.cmake.in"
    "${PROJECT_BINARY_DIR}/chorus-sdkConfig.cmake"
    INSTALL_DESTINATION "${CHORUS_SDK_CMAKE_DIR}" PATH_VARS CMAKE_INSTALL_INCLUDEDIR)
  write_basic_package_version_file("${PROJECT_BINARY_DIR}/chorus-sdkConfigVersion.cmake"
    VERSION "${PROJECT_VERSION}" COMPATIBILITY SameMinorVersion)
  install(FILES "${PROJECT_BINARY_DIR}/chorus-sdkConfig.cmake"
                "${PROJECT_BINARY_DIR}/chorus-sdkConfigVersion.cmake"
          DESTINATION "${CHORUS_SDK_CMAKE_DIR}" COMPONENT ${CHORUS_SDK_COMPONENT})
endfunction()

cmake_language(DEFER DIRECTORY "${PROJECT_SOURCE_DIR}" CALL _chorus_sdk_install_package)
