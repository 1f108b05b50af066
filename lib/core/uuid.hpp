#pragma once
/// Random (version 4) UUIDs for origination, job and execute ids.

#include <string>

namespace fax::core {

/// A new random UUID in the canonical lower-case 8-4-4-4-12 form.
std::string random_uuid();

}  // namespace fax::core
