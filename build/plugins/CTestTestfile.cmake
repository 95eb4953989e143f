# CMake generated Testfile for 
# Source directory: /work/main/plugins
# Build directory: /work/main/build/plugins
# 
# This file includes the relevant testing commands required for 
# testing this directory and lists subdirectories to be tested as well.
subdirs("examples")
