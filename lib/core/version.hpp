#pragma once
/// The faxkit release, set by CMake (project VERSION).

#include <string_view>

#ifndef FAXKIT_VERSION
#define FAXKIT_VERSION "0.0.0"
#endif

namespace fax::core {

inline constexpr std::string_view k_version = FAXKIT_VERSION;

}  // namespace fax::core
