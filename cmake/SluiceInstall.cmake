# Installs the sluice binary, the SDK headers and library, the bundled plugins,
# and a CMake package so out-of-tree plugins can `find_package(Sluice)`.
include(CMakePackageConfigHelpers)

install(TARGETS sluice_sdk EXPORT SluiceTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY sdk/include/sluice DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
# The plugin directory exists even when no bundled plugin is installed (e.g. an
# SDK-only install): SluiceConfig.cmake checks it, and out-of-tree plugins install there.
install(DIRECTORY DESTINATION ${SLUICE_INSTALL_PLUGIN_DIR})
install(EXPORT SluiceTargets NAMESPACE Sluice:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice)

configure_package_config_file(cmake/SluiceConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/SluiceConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice
  PATH_VARS SLUICE_INSTALL_PLUGIN_DIR)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/SluiceConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES
  ${CMAKE_CURRENT_BINARY_DIR}/SluiceConfig.cmake
  ${CMAKE_CURRENT_BINARY_DIR}/SluiceConfigVersion.cmake
  cmake/SluiceExternalPlugin.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/Sluice)
