# chorus_add_tap(NAME SOURCES ... [LIBRARIES ...] [NO_INSTALL])
# chorus_add_target(NAME ...), chorus_add_mapper(NAME ...)
#
# Builds `tap-NAME.so` (or target-/mapper-) as a MODULE library with hidden visibility, so the
# only exported symbol is chorus_plugin_entry, and links it against chorus::sdk. Used both in
# this source tree and, installed, by out-of-tree plugin projects via find_package(chorus-sdk).
# Each in-tree plugin gets an option CHORUS_PLUGIN_<KIND>_<NAME> (ON) to switch it off.
include_guard(GLOBAL)

if(NOT DEFINED CHORUS_PLUGIN_OUTPUT_DIR)
  set(CHORUS_PLUGIN_OUTPUT_DIR "${CMAKE_BINARY_DIR}")
endif()
if(NOT DEFINED CHORUS_PLUGIN_INSTALL_DIR)
  set(CHORUS_PLUGIN_INSTALL_DIR "lib/chorus/plugins")
endif()

function(_chorus_add_plugin kind name)
  cmake_parse_arguments(ARG "NO_INSTALL" "OUTPUT_DIRECTORY" "SOURCES;LIBRARIES" ${ARGN})
  set(target "${kind}-${name}")
  string(TOUPPER "CHORUS_PLUGIN_${kind}_${name}" option_name)
  string(REPLACE "-" "_" option_name "${option_name}")
  option(${option_name} "Build the ${target} plugin" ON)
  if(NOT ${option_name})
    return()
  endif()
  if(NOT ARG_OUTPUT_DIRECTORY)
    set(ARG_OUTPUT_DIRECTORY "${CHORUS_PLUGIN_OUTPUT_DIR}")
  endif()

  add_library(${target} MODULE ${ARG_SOURCES})
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "${target}"
    SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY "${ARG_OUTPUT_DIRECTORY}")
  target_link_libraries(${target} PRIVATE chorus::sdk ${ARG_LIBRARIES})
  # Keep the static SDK's and its dependencies' symbols out of the plugin's dynamic table, and
  # fail at link time rather than at load time on a missing symbol.
  target_link_options(${target} PRIVATE "LINKER:--exclude-libs,ALL" "LINKER:--no-undefined")
  # libstdc++ gives namespace std default visibility, so std:: template instances the plugin
  # emits would still be exported despite -fvisibility=hidden; the version script keeps the entry
  # point the only exported symbol.
  set(exports_map "${CMAKE_BINARY_DIR}/chorus-plugin-exports.map")
  file(CONFIGURE OUTPUT "${exports_map}"
       CONTENT "{\n  global: chorus_plugin_entry;\n  local: *;\n};\n")
  target_link_options(${target} PRIVATE "LINKER:--version-script=${exports_map}")
  set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS "${exports_map}")
  if(COMMAND chorus_target_warnings)
    chorus_target_warnings(${target})
  endif()
  if(NOT ARG_NO_INSTALL)
    install(TARGETS ${target} LIBRARY DESTINATION "${CHORUS_PLUGIN_INSTALL_DIR}")
    set_property(GLOBAL APPEND PROPERTY CHORUS_INSTALLED_PLUGINS ${target})
  endif()
  set_property(GLOBAL APPEND PROPERTY CHORUS_PLUGINS ${target})
endfunction()

function(chorus_add_tap name)
  _chorus_add_plugin(tap ${name} ${ARGN})
endfunction()

function(chorus_add_target name)
  _chorus_add_plugin(target ${name} ${ARGN})
endfunction()

function(chorus_add_mapper name)
  _chorus_add_plugin(mapper ${name} ${ARGN})
endfunction()
