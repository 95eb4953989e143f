
####### Expanded from @PACKAGE_INIT@ by configure_package_config_file() #######
####### Any changes to this file will be overwritten by the next CMake run ####
####### The input file was SluiceConfig.cmake.in                            ########

get_filename_component(PACKAGE_PREFIX_DIR "${CMAKE_CURRENT_LIST_DIR}/../../../" ABSOLUTE)

macro(set_and_check _var _file)
  set(${_var} "${_file}")
  if(NOT EXISTS "${_file}")
    message(FATAL_ERROR "File or directory ${_file} referenced by variable ${_var} does not exist !")
  endif()
endmacro()

macro(check_required_components _NAME)
  foreach(comp ${${_NAME}_FIND_COMPONENTS})
    if(NOT ${_NAME}_${comp}_FOUND)
      if(${_NAME}_FIND_REQUIRED_${comp})
        set(${_NAME}_FOUND FALSE)
      endif()
    endif()
  endforeach()
endmacro()

####################################################################################
# Sluice SDK package: provides Sluice::sdk and sluice_add_external_plugin().
include(CMakeFindDependencyMacro)
include("${CMAKE_CURRENT_LIST_DIR}/SluiceTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/SluiceExternalPlugin.cmake")
set_and_check(SLUICE_PLUGIN_DIR "${PACKAGE_PREFIX_DIR}/lib/sluice/plugins")
check_required_components(Sluice)
