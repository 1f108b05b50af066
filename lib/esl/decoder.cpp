#include "esl/decoder.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace fax::esl {

namespace {

constexpr std::size_t k_padding = 64;  // room for simdjson's padded reads

std::string_view trim_value(std::string_view v) noexcept {
    while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) {
        v.remove_prefix(1);
    }
    return v;
}

// Parses "Content-Length" digits strictly; false on anything else.
bool parse_length(std::string_view v, std::size_t& out) noexcept {
    v = trim_value(v);
    while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) {
        v.remove_suffix(1);
    }
    if (v.empty() || v.size() > 12) {
        return false;
    }
    std::size_t n = 0;
    for (const char c : v) {
        if (c < '0' || c > '9') {
            return false;
        }
        n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    out = n;
    return true;
}

}  // namespace

void Decoder::compact() {
    if (m_pos > 0 && (m_pos == m_end || m_pos >= (std::size_t{1} << 16))) {
        std::memmove(m_buf.data(), m_buf.data() + m_pos, m_end - m_pos);
        m_end -= m_pos;
        m_scan -= m_pos;
        m_pos = 0;
    }
}

void Decoder::reserve_tail(std::size_t n) {
    if (m_buf.size() < m_end + n) {
        m_buf.resize(std::max(m_end + n, m_buf.size() * 2));  // zero-fills only when growing
    }
}

void Decoder::feed(std::string_view bytes) {
    compact();
    reserve_tail(bytes.size());
    std::memcpy(m_buf.data() + m_end, bytes.data(), bytes.size());
    m_end += bytes.size();
}

char* Decoder::prepare(std::size_t n) {
    compact();
    reserve_tail(n);
    return m_buf.data() + m_end;
}

void Decoder::commit(std::size_t n) noexcept { m_end += n; }

void Decoder::reset() {
    m_buf.clear();
    m_end = 0;
    m_pos = m_scan = m_head_end = m_block_len = m_body_len = 0;
    m_in_body = false;
    m_has_length = false;
    m_failed = false;
    m_error.clear();
}

core::Result<bool> Decoder::next(Message& out) {
    if (m_failed) {
        return core::make_error(core::Errc::protocol, m_error);
    }
    auto fail = [this](std::string msg) -> core::Result<bool> {
        m_failed = true;
        m_error = std::move(msg);
        return core::make_error(core::Errc::protocol, m_error);
    };

    if (!m_in_body) {
        // Skip empty lines between messages (keep-alives, stray CRLF).
        while (m_pos < m_end && (m_buf[m_pos] == '\n' || m_buf[m_pos] == '\r')) {
            ++m_pos;
        }
        if (m_scan < m_pos) {
            m_scan = m_pos;
        }
        const char* base = m_buf.data();
        const std::size_t size = m_end;
        std::size_t term = std::string::npos;
        std::size_t term_len = 0;
        std::size_t i = m_scan;
        while (i < size) {
            const void* hit = std::memchr(base + i, '\n', size - i);
            if (hit == nullptr) {
                i = size;
                break;
            }
            const auto nl = static_cast<std::size_t>(static_cast<const char*>(hit) - base);
            if (nl + 1 < size && base[nl + 1] == '\n') {
                term = nl;
                term_len = 2;
                break;
            }
            if (nl + 2 < size && base[nl + 1] == '\r' && base[nl + 2] == '\n') {
                term = nl;
                term_len = 3;
                break;
            }
            if (nl + 1 >= size || (nl + 2 >= size && base[nl + 1] == '\r')) {
                i = nl;  // terminator may complete with the next bytes
                break;
            }
            i = nl + 1;
        }
        if (term == std::string::npos) {
            m_scan = i;
            // Bytes before i are certainly in the block (a partly received
            // terminator at the end is not counted).
            if (i - m_pos > m_limits.max_header_bytes) {
                return fail(fmt::format("header block exceeds {} bytes", m_limits.max_header_bytes));
            }
            return false;
        }
        const std::size_t head_len = term - m_pos;
        if (head_len > m_limits.max_header_bytes) {
            return fail(fmt::format("header block exceeds {} bytes", m_limits.max_header_bytes));
        }
        m_head_end = head_len;
        m_block_len = head_len + term_len;
        m_in_body = true;
        m_body_len = 0;

        // Find Content-Length in the block before deciding the body length.
        std::string_view block(base + m_pos, head_len);
        bool has_length = false;
        std::size_t start = 0;
        while (start <= block.size()) {
            auto nl = block.find('\n', start);
            if (nl == std::string_view::npos) {
                nl = block.size();
            }
            std::string_view line = block.substr(start, nl - start);
            start = nl + 1;
            if (line.size() >= 15 && (line[0] == 'C' || line[0] == 'c')) {
                const auto colon = line.find(':');
                if (colon != std::string_view::npos && header_name_equal(line.substr(0, colon), "Content-Length")) {
                    std::string_view v = line.substr(colon + 1);
                    if (!v.empty() && v.back() == '\r') {
                        v.remove_suffix(1);
                    }
                    std::size_t n = 0;
                    if (!parse_length(v, n)) {
                        return fail(fmt::format("bad Content-Length '{}'", trim_value(v)));
                    }
                    if (n > m_limits.max_body_bytes) {
                        return fail(fmt::format("body of {} bytes exceeds {} bytes", n, m_limits.max_body_bytes));
                    }
                    has_length = true;
                    m_body_len = n;
                    break;
                }
            }
        }
        m_has_length = has_length;
    }

    if (m_end - m_pos < m_block_len + m_body_len) {
        return false;
    }

    // Copy the message out and index its headers.
    out.m_data.clear();
    out.m_data.reserve(m_head_end + m_body_len + k_padding);
    out.m_data.append(m_buf, m_pos, m_head_end);
    out.m_data.append(m_buf, m_pos + m_block_len, m_body_len);
    out.m_head_size = m_head_end;
    out.m_headers.clear();
    out.m_content_type = {};
    const char* d = out.m_data.data();
    std::string_view block(d, m_head_end);
    std::size_t start = 0;
    while (start < block.size()) {
        auto nl = block.find('\n', start);
        if (nl == std::string_view::npos) {
            nl = block.size();
        }
        std::string_view line = block.substr(start, nl - start);
        start = nl + 1;
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        if (line.empty()) {
            continue;
        }
        const auto colon = line.find(':');
        Header h;
        if (colon == std::string_view::npos) {
            h.name = line;
        } else {
            h.name = line.substr(0, colon);
            h.value = trim_value(line.substr(colon + 1));
        }
        if (out.m_content_type.empty() && header_name_equal(h.name, "Content-Type")) {
            out.m_content_type = h.value;
        }
        out.m_headers.push_back(h);
    }
    out.m_has_body = m_has_length;
    out.m_body = m_has_length ? std::string_view(d + m_head_end, m_body_len) : std::string_view{};

    m_pos += m_block_len + m_body_len;
    m_scan = m_pos;
    m_in_body = false;
    return true;
}

}  // namespace fax::esl
