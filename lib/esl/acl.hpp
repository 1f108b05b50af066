#pragma once
/// An address list for the inbound listener (FreeSWITCH's apply-inbound-acl
/// with one list): networks in CIDR form or single addresses, IPv4 or IPv6.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace fax::esl {

class Acl {
public:
    /// Parses entries such as "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8";
    /// an entry may hold several, separated by ','. "loopback.auto" stands for
    /// 127.0.0.0/8 and ::1. Errc::config for anything else.
    static core::Result<Acl> parse(const std::vector<std::string>& entries);

    /// No entries: everyone is allowed.
    bool empty() const noexcept { return m_nets.empty(); }
    /// \a address (textual; an IPv4-mapped IPv6 address counts as IPv4) is in
    /// one of the networks, or the list is empty.
    bool allows(std::string_view address) const noexcept;

private:
    struct Net {
        std::array<std::uint8_t, 16> addr{};
        unsigned bits = 0;
        bool v6 = false;
    };
    std::vector<Net> m_nets;
};

}  // namespace fax::esl
