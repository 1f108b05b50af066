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

if(FAXKIT_STATIC)
  # Every function and object in its own section, so that the tools' links
  # drop what they do not use (--gc-sections) and can place the functions run
  # at start next to each other (below).
  add_compile_options(-ffunction-sections -fdata-sections)
  # The kernel maps code in 64 KiB blocks around each page fault, so what a
  # start costs depends on how many blocks its functions are spread over. lld
  # lays out the functions of cmake/startup-order.txt (scripts/startup-order.sh)
  # side by side; without lld the tools link as usual, only larger in memory.
  include(CheckLinkerFlag)
  check_linker_flag(CXX "-fuse-ld=lld" FAXKIT_HAVE_LLD)
  if(NOT FAXKIT_HAVE_LLD)
    message(STATUS "FAXKIT_STATIC: lld not found; the tools are linked without start-up ordering")
  endif()
endif()

# faxkit_static_tool(<target> [CXX_RUNTIME]): the link of executable <target>
# under FAXKIT_STATIC: unused sections dropped, start-up functions together
# (with lld); with CXX_RUNTIME also libstdc++ and libgcc linked in (only where
# no C++ shared library is left).
function(faxkit_static_tool target)
  cmake_parse_arguments(arg "CXX_RUNTIME" "" "" ${ARGN})
  if(NOT FAXKIT_STATIC)
    return()
  endif()
  target_link_options(${target} PRIVATE LINKER:--gc-sections)
  if(FAXKIT_HAVE_LLD)
    set(order ${PROJECT_SOURCE_DIR}/cmake/startup-order.txt)
    target_link_options(${target} PRIVATE -fuse-ld=lld LINKER:--symbol-ordering-file=${order}
                        LINKER:--no-warn-symbol-ordering)
    set_property(TARGET ${target} APPEND PROPERTY LINK_DEPENDS ${order})
  endif()
  if(arg_CXX_RUNTIME)
    target_link_options(${target} PRIVATE -static-libstdc++ -static-libgcc)
  endif()
endfunction()
