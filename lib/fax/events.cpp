#include "fax/events.hpp"

#include <fmt/format.h>

namespace fax::fax {

std::string_view role_tag(Role r) noexcept { return r == Role::send ? "tx" : "rx"; }

std::string_view t38_status_name(T38Status s) noexcept {
    switch (s) {
        case T38Status::off: return "off";
        case T38Status::negotiated: return "negotiated";
        case T38Status::requested: return "requested";
        case T38Status::refused: return "refused";
    }
    return "off";
}

std::string Resolution::text() const { return fmt::format("{}x{}", x, y); }

std::string PixelSize::text() const { return fmt::format("{}x{}", width, height); }

std::string event_subclass(const FaxEvent& e) {
    struct Visitor {
        std::string operator()(const Negotiation& n) const {
            return fmt::format("spandsp::{}faxnegociateresult", role_tag(n.role));
        }
        std::string operator()(const PageResult& p) const {
            return fmt::format("spandsp::{}faxpageresult", role_tag(p.role));
        }
        std::string operator()(const FaxResult& r) const {
            return fmt::format("spandsp::{}faxresult", role_tag(r.role));
        }
    };
    return std::visit(Visitor{}, e);
}

}  // namespace fax::fax
