# CMake generated Testfile for 
# Source directory: /work/main/plugins/examples
# Build directory: /work/main/build/plugins/examples
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
include("/work/main/build/plugins/examples/examples_tests_include-b858cb2.cmake")
