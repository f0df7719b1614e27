#pragma once
// The client side's one include of Boost.Asio and Boost.Beast (server/asio.hpp adds the server's part on
// top of it). Boost 1.74's boost/asio/awaitable.hpp uses std::exchange without including <utility>; GCC 12's
// headers no longer pull it in transitively, so it must come first (DESIGN.md §10). Only .cpp files include
// this header: no header of the project outside server/ and adapters/http/ sees Beast or Asio.

#include <utility>  // must precede boost/asio/awaitable.hpp (DESIGN.md §10)

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
