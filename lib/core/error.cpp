#include "core/error.hpp"

namespace fax::core {

int exit_code(Errc code) noexcept {
    switch (code) {
        case Errc::usage: return 64;
        case Errc::data: return 65;
        case Errc::no_input: return 66;
        case Errc::unavailable: return 69;
        case Errc::internal: return 70;
        case Errc::os: return 71;
        case Errc::io: return 74;
        case Errc::temporary: return 75;
        case Errc::protocol: return 76;
        case Errc::permission: return 77;
        case Errc::config: return 78;
        case Errc::negative: return 1;
    }
    return 70;
}

const char* errc_name(Errc code) noexcept {
    switch (code) {
        case Errc::usage: return "usage";
        case Errc::data: return "data";
        case Errc::no_input: return "no_input";
        case Errc::unavailable: return "unavailable";
        case Errc::internal: return "internal";
        case Errc::os: return "os";
        case Errc::io: return "io";
        case Errc::temporary: return "temporary";
        case Errc::protocol: return "protocol";
        case Errc::permission: return "permission";
        case Errc::config: return "config";
        case Errc::negative: return "negative";
    }
    return "internal";
}

}  // namespace fax::core
