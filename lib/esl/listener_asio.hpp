#pragma once
/// Private to lib/esl: opens a listening TCP acceptor (Asio).

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "core/result.hpp"

namespace fax::esl::detail {

/// Opens, binds (SO_REUSEADDR) and listens \a acceptor on \a host:\a port.
/// Errc::config for a bad address, Errc::unavailable when it cannot bind.
core::Result<void> open_listener(boost::asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port);

}  // namespace fax::esl::detail
