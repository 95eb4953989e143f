# sluice_add_external_plugin(<target> SOURCES ...): builds an out-of-tree stage
# plugin as a loadable module with the visibility settings the SDK expects.
function(sluice_add_external_plugin target)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE Sluice::sdk ${ARG_LIBS})
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
endfunction()
