// Event's text/event-json decoding, on simdjson. Built apart from lib/ (CMake
// target faxkit_json) so that only the programs that need JSON events link
// simdjson; see event.hpp.
#include "esl/event.hpp"

#include <memory>
#include <string>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/utf8.hpp"

namespace fax::esl {

struct Event::Json {
    simdjson::dom::parser parser;
};

void Event::enable_json() noexcept { s_parse_json_at = &Event::parse_json_at; }

core::Result<void> Event::parse_json(std::string_view body) {
    clear(EventFormat::json);
    m_storage.clear();
    m_storage.reserve(body.size() + simdjson::SIMDJSON_PADDING);
    m_storage.append(body);
    return parse_json_at(0, body.size());
}

core::Result<void> Event::parse_json_at(std::size_t offset, std::size_t size) {
    if (!m_json) {
        m_json = std::unique_ptr<Json, void (*)(Json*)>(new Json, [](Json* j) { delete j; });
    }
    if (m_storage.capacity() - offset - size < simdjson::SIMDJSON_PADDING) {
        m_storage.reserve(offset + size + simdjson::SIMDJSON_PADDING);
    }
    const std::string_view body(m_storage.data() + offset, size);
    simdjson::dom::element root;
    auto err = m_json->parser.parse(body.data(), body.size(), false).get(root);
    if (err == simdjson::UTF8_ERROR) {
        // FreeSWITCH copies invalid UTF-8 raw; repair it and parse again.
        std::string repaired;
        repaired.reserve(body.size() + 16);
        core::append_repaired_utf8(repaired, body);
        m_storage.clear();
        m_storage.reserve(repaired.size() + simdjson::SIMDJSON_PADDING);
        m_storage.append(repaired);
        err = m_json->parser.parse(m_storage.data(), m_storage.size(), false).get(root);
    }
    if (err) {
        return core::make_error(core::Errc::data, fmt::format("bad JSON event: {}", simdjson::error_message(err)));
    }
    // Names, values and _body are views into the parser's string buffer, which
    // simdjson allocates with SIMDJSON_PADDING (>= k_storage_padding) spare bytes.
    static_assert(simdjson::SIMDJSON_PADDING >= k_storage_padding);
    simdjson::dom::object obj;
    if (root.get_object().get(obj)) {
        return core::make_error(core::Errc::data, "JSON event is not an object");
    }
    for (auto field : obj) {
        const std::string_view key = field.key;
        const simdjson::dom::element value = field.value;
        if (key == "_body") {
            std::string_view b;
            if (value.get_string().get(b)) {
                return core::make_error(core::Errc::data, "JSON event _body is not a string");
            }
            m_body = b;
            m_has_body = true;
            continue;
        }
        if (key == "Content-Length") {
            continue;
        }
        std::string_view text;
        simdjson::dom::array items;
        if (!value.get_string().get(text)) {
            push(key, text, false);
        } else if (!value.get_array().get(items)) {
            for (auto item : items) {
                std::string_view s;
                if (item.get_string().get(s)) {
                    s = {};
                }
                push(key, s, true);
            }
        } else {
            return core::make_error(core::Errc::data, fmt::format("JSON event header '{}' is not a string", key));
        }
    }
    return {};
}

}  // namespace fax::esl
