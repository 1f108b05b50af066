#pragma once
/// CLI11 without <iostream>'s start-up cost. With GCC 12 every translation
/// unit that includes <iostream> gets a static std::ios_base::Init, which
/// sets up the standard streams and the C++ locale when the program starts:
/// about 0.9 MB of RSS and 0.3 ms in each program linking such a unit,
/// whether or not it prints. CLI11 includes <iostream> for std::cout and
/// std::cerr, used only when it prints. This header declares them as
/// <iostream> does, without the static object, before CLI11 is included;
/// cli::App sets the streams up (ensure_iostreams()) before CLI11 may use
/// them. Include CLI11 through this header only.

#include <istream>
#include <ostream>

#if defined(__GLIBCXX__) && !defined(_GLIBCXX_IOSTREAM)
#define _GLIBCXX_IOSTREAM 1
namespace std {  // NOLINT(cert-dcl58-cpp): the declarations of <iostream>, exactly
extern istream cin;
extern ostream cout;
extern ostream cerr;
extern ostream clog;
}  // namespace std
#endif

#include <CLI/CLI.hpp>

namespace fax::cli {

/// Sets up std::cin/cout/cerr/clog (once; what <iostream> would have done at
/// start-up). Call before anything may print through them.
void ensure_iostreams();

}  // namespace fax::cli
