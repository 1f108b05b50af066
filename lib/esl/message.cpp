#include "esl/message.hpp"

namespace fax::esl {

std::optional<std::string_view> find_header(std::span<const Header> headers, std::string_view name) noexcept {
    for (const auto& h : headers) {
        if (header_name_equal(h.name, name)) {
            return h.value;
        }
    }
    return std::nullopt;
}

}  // namespace fax::esl
