#pragma once
/// The originate argument of one fax-send leg: the request's channel
/// variables (gofax-anchors.md §2.7 step 6), the softmodem fallback, the db
/// overrides, the leg's own origination_uuid, the gateway endpoint and
/// `&txfax(file)`, every value escaped or refused by esl/dial_string.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.hpp"
#include "fax/send_call.hpp"

namespace fax::fax {

struct DialOptions {
    const SendRequest& req;
    bool fallback_active = false;  ///< T.38 off for this call
    const std::vector<std::pair<std::string, std::string>>& overrides;
};

/// `<dial string> &txfax(<document>)` for \a gateway with \a uuid as its
/// origination_uuid. Errc::data naming the value that cannot be dialled.
core::Result<std::string> originate_argument(const DialOptions& opts, const std::string& gateway,
                                             const std::string& uuid);

}  // namespace fax::fax
