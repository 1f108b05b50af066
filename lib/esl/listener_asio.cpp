#include "esl/listener_asio.hpp"

#include <fmt/format.h>

namespace fax::esl::detail {

namespace asio = boost::asio;

core::Result<void> open_listener(asio::ip::tcp::acceptor& acceptor, const std::string& host, std::uint16_t port) {
    boost::system::error_code ec;
    const auto addr = asio::ip::make_address(host, ec);
    if (ec) {
        return core::make_error(core::Errc::config, fmt::format("bad listen address '{}'", host));
    }
    const asio::ip::tcp::endpoint ep(addr, port);
    acceptor.open(ep.protocol(), ec);
    if (!ec) {
        acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
        acceptor.bind(ep, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        boost::system::error_code ignored;
        acceptor.close(ignored);
        return core::make_error(core::Errc::unavailable, fmt::format("cannot listen on {}:{}: {}", host, port, ec.message()));
    }
    return {};
}

}  // namespace fax::esl::detail
