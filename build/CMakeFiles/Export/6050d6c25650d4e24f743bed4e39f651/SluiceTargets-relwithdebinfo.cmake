#----------------------------------------------------------------
# Generated CMake target import file for configuration "RelWithDebInfo".
#----------------------------------------------------------------

# Commands may need to know the format version.
set(CMAKE_IMPORT_FILE_VERSION 1)

# Import target "Sluice::sdk" for configuration "RelWithDebInfo"
set_property(TARGET Sluice::sdk APPEND PROPERTY IMPORTED_CONFIGURATIONS RELWITHDEBINFO)
set_target_properties(Sluice::sdk PROPERTIES
  IMPORTED_LOCATION_RELWITHDEBINFO "${_IMPORT_PREFIX}/lib/libsluice_sdk.so.0.1.0"
  IMPORTED_SONAME_RELWITHDEBINFO "libsluice_sdk.so.1"
  )

list(APPEND _cmake_import_check_targets Sluice::sdk )
list(APPEND _cmake_import_check_files_for_Sluice::sdk "${_IMPORT_PREFIX}/lib/libsluice_sdk.so.0.1.0" )

# Commands beyond this point should not need to know the version.
set(CMAKE_IMPORT_FILE_VERSION)
