# Warnings for every faxkit target; FAXKIT_WERROR=ON (CI) makes them errors.
function(faxkit_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
  if(FAXKIT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
