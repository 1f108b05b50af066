# Static linking of the tools (FAXKIT_STATIC, default ON): start-up time and memory.
#
# A process that maps libstdc++.so, libfmt.so, libtiff.so and its eight codec
# libraries spends most of its start in the dynamic loader (symbol lookups and
# relocations) and carries about 4 MB of their pages; see docs/performance.md
# ("fax-send start"). With FAXKIT_STATIC the tools link fmt header-only, the C
# libraries from their static archives (Debian's -dev packages ship them) and,
# where no C++ shared library remains (all but fax-esl, which needs
# libsimdjson.so), libstdc++ and libgcc statically. glibc stays shared.

# faxkit_pkg_static(<target> <prefix>): an INTERFACE IMPORTED <target> for the
# pkg-config module found by pkg_check_modules(<prefix> ...), linking the
# static archives that `pkg-config --static --libs` names. glibc's own
# libraries (m, pthread, dl, rt) stay shared; a missing archive is an error.
function(faxkit_pkg_static target prefix)
  set(libs)
  foreach(lib IN LISTS ${prefix}_STATIC_LIBRARIES)
    if(lib MATCHES "^(m|pthread|dl|rt|c)$")
      list(APPEND libs ${lib})
      continue()
    endif()
    find_library(FAXKIT_STATIC_LIB_${lib} NAMES lib${lib}.a HINTS ${${prefix}_STATIC_LIBRARY_DIRS} NO_CACHE)
    if(NOT FAXKIT_STATIC_LIB_${lib})
      message(FATAL_ERROR "FAXKIT_STATIC: lib${lib}.a (for ${prefix}) not found; install its -dev package "
                          "(scripts/install-deps.sh) or configure with -DFAXKIT_STATIC=OFF")
    endif()
    list(APPEND libs ${FAXKIT_STATIC_LIB_${lib}})
  endforeach()
  list(REMOVE_DUPLICATES libs)
  add_library(${target} INTERFACE IMPORTED)
  set_target_properties(${target} PROPERTIES
    INTERFACE_LINK_LIBRARIES "${libs}"
    INTERFACE_INCLUDE_DIRECTORIES "${${prefix}_STATIC_INCLUDE_DIRS}"
    INTERFACE_COMPILE_OPTIONS "${${prefix}_STATIC_CFLAGS_OTHER}")
endfunction()

# faxkit_static_runtime(<target>): links libstdc++ and libgcc into executable <target>.
function(faxkit_static_runtime target)
  if(FAXKIT_STATIC)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()
