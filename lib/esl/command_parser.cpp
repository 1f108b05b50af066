#include "esl/command_parser.hpp"

#include <cstring>

#include <fmt/format.h>

#include "esl/fs_string.hpp"
#include "esl/message.hpp"

namespace fax::esl {

std::optional<std::string_view> Command::header(std::string_view name) const noexcept {
    for (const auto& [n, v] : headers) {
        if (header_name_equal(n, name)) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

void CommandParser::feed(std::string_view bytes) {
    if (m_pos > 0 && m_pos == m_in.size()) {
        m_in.clear();
        m_pos = 0;
    } else if (m_pos > 65536 && m_pos * 2 > m_in.size()) {
        m_in.erase(0, m_pos);
        m_pos = 0;
    }
    m_in.append(bytes);
}

// The line loop of read_packet, on the block as a C string: the next line
// starts after the run of CR/LF that follows the first CR of the rest (or,
// without CR, the first LF); a header line ends at its first CR (or LF).
void CommandParser::finish_block() {
    m_pending = Command{};
    std::string buf = m_block.substr(0, m_block.find('\0'));
    m_pending.block = buf;
    m_bodies.clear();
    const char* base = buf.c_str();
    const char* cur = base;
    int count = 0;
    while (cur != nullptr) {
        const char* next = std::strchr(cur, '\r');
        if (next == nullptr) {
            next = std::strchr(cur, '\n');
        }
        if (next != nullptr) {
            while (*next == '\r' || *next == '\n') {
                ++next;
            }
        }
        if (++count > 1) {
            std::string var(cur);
            strip_cr(var);
            if (!var.empty()) {
                const auto colon = var.find(':');
                if (colon != std::string::npos) {
                    std::size_t v = colon + 1;
                    while (v < var.size() && var[v] == ' ') {
                        ++v;
                    }
                    std::string name = var.substr(0, colon);
                    std::string value = var.substr(v);
                    if (header_name_equal(name, "content-length")) {
                        const long long clen = c_atoi(value);
                        if (clen > 0) {
                            m_bodies.push_back(static_cast<std::size_t>(clen));
                        }
                    }
                    m_pending.headers.emplace_back(std::move(name), std::move(value));
                }
            }
        }
        cur = next;
    }
    m_block.clear();
    m_crcount = 0;
    m_have_block = true;
}

core::Result<bool> CommandParser::next(Command& out) {
    if (m_failed) {
        return core::make_error(core::Errc::protocol, "command stream already failed");
    }
    while (true) {
        if (!m_have_block) {
            while (m_pos < m_in.size()) {
                const char c = m_in[m_pos++];
                if (m_block.empty() && (c == '\r' || c == '\n')) {
                    continue;  // "bah": leading CR/LF bytes are dropped
                }
                m_block.push_back(c);
                if (c == '\n') {
                    ++m_crcount;
                } else if (c != '\r') {
                    m_crcount = 0;
                }
                if (m_block.size() >= k_max_block) {
                    m_crcount = 2;
                }
                if (m_crcount == 2) {
                    finish_block();
                    break;
                }
            }
            if (!m_have_block) {
                return false;
            }
        }
        // Bodies, read one after the other; the last one is kept.
        while (!m_bodies.empty()) {
            const std::size_t n = m_bodies.front();
            if (n > k_max_body) {
                m_failed = true;
                return core::make_error(core::Errc::protocol,
                                        fmt::format("command body of {} bytes is over the {} byte limit", n, k_max_body));
            }
            if (m_in.size() - m_pos < n) {
                m_body_need = n - (m_in.size() - m_pos);
                return false;
            }
            std::string body = m_in.substr(m_pos, n);
            m_pos += n;
            body.resize(std::min(body.size(), body.find('\0')));
            m_pending.body = std::move(body);
            m_bodies.erase(m_bodies.begin());
        }
        m_body_need = 0;
        m_have_block = false;
        out = std::move(m_pending);
        m_pending = Command{};
        return true;
    }
}

}  // namespace fax::esl
