# Project-wide warnings and sanitizer flags.
add_compile_options(-Wall -Wextra -Wpedantic)
# GCC 12 at -O3 (the Release preset, which scripts/demo.sh builds) reports -Wrestrict inside
# libstdc++'s std::string operator+ (a literal plus a temporary) under C++20: a known false positive
# of that compiler, one per such concatenation, so the warning is off for GCC 12 and older only.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options(-Wno-restrict)
endif()
if(SLUICE_WERROR)
  add_compile_options(-Werror)
endif()
if(SLUICE_SANITIZE)
  string(REPLACE ";" "," _sluice_san "${SLUICE_SANITIZE}")
  add_compile_options(-fsanitize=${_sluice_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_sluice_san})
endif()
