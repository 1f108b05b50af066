#include "esl/message.hpp"

#include <strings.h>

namespace fax::esl {

bool header_name_equal(std::string_view a, std::string_view b) noexcept {
    return a.size() == b.size() && ::strncasecmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string_view> find_header(const std::vector<Header>& headers, std::string_view name) noexcept {
    for (const auto& h : headers) {
        if (header_name_equal(h.name, name)) {
            return h.value;
        }
    }
    return std::nullopt;
}

}  // namespace fax::esl
