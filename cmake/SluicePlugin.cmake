# sluice_add_plugin(<name> SOURCES ... [LIBS ...])
# Builds a stage plugin as a loadable module in the build's plugins/ dir.
function(sluice_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  set(target sluice_plugin_${name})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE Sluice::sdk ${ARG_LIBS})
  set_target_properties(${target} PROPERTIES
    OUTPUT_NAME sluice_${name}
    PREFIX "lib"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${SLUICE_BUILD_PLUGIN_DIR})
  install(TARGETS ${target} LIBRARY DESTINATION ${SLUICE_INSTALL_PLUGIN_DIR} COMPONENT plugins)
  # Integration tests run the real binary, which loads every plugin: they depend on all of them.
  set_property(GLOBAL APPEND PROPERTY SLUICE_PLUGIN_TARGETS ${target})
endfunction()

# sluice_add_test(<name> SOURCES ... [LIBS ...]): one doctest executable, registered with CTest.
function(sluice_add_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE doctest::doctest sluice_test_main ${ARG_LIBS})
  target_compile_definitions(${name} PRIVATE
    SLUICE_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    SLUICE_BINARY_DIR="${PROJECT_BINARY_DIR}"
    SLUICE_PLUGIN_BUILD_DIR="${SLUICE_BUILD_PLUGIN_DIR}")
  set(labels unit)
  if(ARG_LABELS)
    set(labels ${ARG_LABELS})
  endif()
  doctest_discover_tests(${name} PROPERTIES LABELS "${labels}")
endfunction()
