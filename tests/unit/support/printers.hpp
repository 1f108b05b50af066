#pragma once
// GoogleTest printers for faxkit types (failure messages show names, not bytes).
// Include in every test that compares these types.

#include <ostream>

#include "core/error.hpp"

namespace fax::core {

inline void PrintTo(Errc code, std::ostream* os) { *os << "Errc::" << errc_name(code); }

}  // namespace fax::core
