#include "esl/acl.hpp"

#include <arpa/inet.h>

#include <fmt/format.h>

namespace fax::esl {

namespace {

/// Parses \a text as an address: 4 bytes (v4) or 16 (v6); v4-mapped v6 → v4.
bool parse_address(std::string_view text, std::array<std::uint8_t, 16>& out, bool& v6) {
    const std::string s(text);
    out = {};
    if (::inet_pton(AF_INET, s.c_str(), out.data()) == 1) {
        v6 = false;
        return true;
    }
    if (::inet_pton(AF_INET6, s.c_str(), out.data()) != 1) {
        return false;
    }
    static constexpr std::uint8_t k_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(out.begin(), out.begin() + 12, k_mapped)) {
        std::copy(out.begin() + 12, out.end(), out.begin());
        std::fill(out.begin() + 4, out.end(), std::uint8_t{0});
        v6 = false;
        return true;
    }
    v6 = true;
    return true;
}

bool in_net(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& net, unsigned bits) {
    for (unsigned i = 0; i < bits / 8; ++i) {
        if (a[i] != net[i]) {
            return false;
        }
    }
    if (bits % 8 != 0) {
        const auto mask = static_cast<std::uint8_t>(0xFF << (8 - bits % 8));
        return (a[bits / 8] & mask) == (net[bits / 8] & mask);
    }
    return true;
}

}  // namespace

core::Result<Acl> Acl::parse(const std::vector<std::string>& entries) {
    Acl acl;
    for (const auto& entry : entries) {
        std::string_view rest = entry;
        while (!rest.empty()) {
            const auto comma = rest.find(',');
            std::string_view item = rest.substr(0, comma);
            rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
            while (!item.empty() && item.front() == ' ') {
                item.remove_prefix(1);
            }
            while (!item.empty() && item.back() == ' ') {
                item.remove_suffix(1);
            }
            if (item.empty()) {
                continue;
            }
            if (item == "loopback.auto") {
                Net v4;
                v4.addr[0] = 127;
                v4.bits = 8;
                Net v6;
                v6.addr[15] = 1;
                v6.bits = 128;
                v6.v6 = true;
                acl.m_nets.push_back(v4);
                acl.m_nets.push_back(v6);
                continue;
            }
            Net n;
            const auto slash = item.find('/');
            if (!parse_address(item.substr(0, slash), n.addr, n.v6)) {
                return core::make_error(core::Errc::config, fmt::format("bad ACL entry '{}'", item));
            }
            const unsigned max_bits = n.v6 ? 128 : 32;
            n.bits = max_bits;
            if (slash != std::string_view::npos) {
                const std::string_view b = item.substr(slash + 1);
                unsigned bits = 0;
                bool ok = !b.empty() && b.size() <= 3;
                for (const char c : b) {
                    ok = ok && c >= '0' && c <= '9';
                    bits = bits * 10 + static_cast<unsigned>(c - '0');
                }
                if (!ok || bits > max_bits) {
                    return core::make_error(core::Errc::config, fmt::format("bad ACL prefix length in '{}'", item));
                }
                n.bits = bits;
            }
            acl.m_nets.push_back(n);
        }
    }
    return acl;
}

bool Acl::allows(std::string_view address) const noexcept {
    if (m_nets.empty()) {
        return true;
    }
    std::array<std::uint8_t, 16> a{};
    bool v6 = false;
    if (!parse_address(address, a, v6)) {
        return false;
    }
    for (const auto& n : m_nets) {
        if (n.v6 == v6 && in_net(a, n.addr, n.bits)) {
            return true;
        }
    }
    return false;
}

}  // namespace fax::esl
