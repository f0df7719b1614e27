#pragma once
// The server's include of Boost.Asio and Boost.Beast: the client side's (adapters/http/asio.hpp, which
// carries the Boost 1.74 <utility> fix of DESIGN.md §10 and so must come first) plus what only the server
// needs. Every server file that needs Asio or Beast includes this header, never boost/ directly, and no
// other server header includes it: handlers compile without Beast.

#include "adapters/http/asio.hpp"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>

namespace pactwatch::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

}  // namespace pactwatch::server
