#pragma once
// The one place that includes Boost.Asio and Boost.Beast. Boost 1.74's boost/asio/awaitable.hpp uses
// std::exchange without including <utility>; GCC 12's headers no longer pull it in transitively, so it
// must come first. Every file that needs Asio or Beast includes this header, never boost/ directly, and
// no other server header includes it: handlers compile without Beast.

#include <utility>  // must precede boost/asio/awaitable.hpp (DESIGN.md §10)

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace pactwatch::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

}  // namespace pactwatch::server
