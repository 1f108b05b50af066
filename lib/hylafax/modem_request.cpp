#include "hylafax/modem_request.hpp"

namespace fax::hylafax {

namespace {

bool is_blank(char c) noexcept { return c == ' ' || c == '\t' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) {
        s.remove_prefix(1);
    }
    while (!s.empty() && is_blank(s.back())) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_separator(char c) noexcept { return c == '\0' || c == '\n' || c == '\r'; }

}  // namespace

ModemRequest classify_modem_request(std::string_view message) noexcept {
    if (message.empty()) {
        return ModemRequest::unknown;
    }
    switch (message.front()) {
    case 'H':
        return ModemRequest::hello;
    case 'L':
        return ModemRequest::lock;
    case 'S':
        if (message == "SR") {
            return ModemRequest::set_ready;
        }
        if (message == "SB") {
            return ModemRequest::set_busy;
        }
        return ModemRequest::unknown;
    default:
        return ModemRequest::unknown;
    }
}

const char* modem_request_name(ModemRequest request) noexcept {
    switch (request) {
    case ModemRequest::hello:
        return "hello";
    case ModemRequest::lock:
        return "lock";
    case ModemRequest::set_ready:
        return "set_ready";
    case ModemRequest::set_busy:
        return "set_busy";
    case ModemRequest::unknown:
        break;
    }
    return "unknown";
}

std::vector<std::string> ModemRequestSplitter::feed(std::string_view bytes) {
    std::vector<std::string> out;
    while (!bytes.empty()) {
        std::size_t end = 0;
        while (end < bytes.size() && !is_separator(bytes[end])) {
            ++end;
        }
        const std::string_view piece = bytes.substr(0, end);
        const bool complete = end < bytes.size();
        if (!m_overflow) {
            if (m_partial.size() + piece.size() > k_max_message) {
                m_overflow = true;
                m_partial.clear();
            } else {
                m_partial.append(piece);
            }
        }
        if (!complete) {
            break;
        }
        if (m_overflow) {
            ++m_dropped;
            m_overflow = false;
        } else if (const std::string_view message = trim(m_partial); !message.empty()) {
            out.emplace_back(message);
        }
        m_partial.clear();
        bytes.remove_prefix(end + 1);
    }
    return out;
}

}  // namespace fax::hylafax
