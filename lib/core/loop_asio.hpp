#pragma once
/// Private: the Asio side of core::Loop. Include only from lib/ .cpp files
/// that need sockets; it pulls in Boost.Asio.

#include <map>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/loop.hpp"

namespace fax::core {

struct Loop::Impl {
    boost::asio::io_context io{1};
    std::map<TimerId, std::unique_ptr<boost::asio::steady_timer>> timers;
    TimerId next_timer = 1;
    std::unique_ptr<boost::asio::signal_set> signals;
};

}  // namespace fax::core
