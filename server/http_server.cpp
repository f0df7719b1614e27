#include "server/http_server.hpp"

#include "server/asio.hpp"

#include <atomic>
#include <ctime>
#include <future>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "server/http_request.hpp"
#include "server/logging.hpp"
#include "server/messages.hpp"

namespace pactwatch::server {

namespace {

using BeastResponse = http::response<http::string_body>;
using Clock = std::chrono::steady_clock;

// Marks the threads that run the io_context: stop() must not block on them.
thread_local bool t_on_io_thread = false;

/** The IMF-fixdate for the Date header, formatted at most once a second per thread. */
const std::string& http_date() {
  thread_local std::time_t cached_second = 0;
  thread_local std::string cached;
  std::time_t now = std::time(nullptr);
  if (now != cached_second) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached = buffer;
    cached_second = now;
  }
  return cached;
}

std::string peer_address(const beast::tcp_stream& stream) {
  boost::system::error_code ec;
  auto endpoint = stream.socket().remote_endpoint(ec);
  if (ec) return {};
  return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

/** What the server knows of one open connection; touched only on the connection's strand. */
struct Connection {
  explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
  beast::tcp_stream stream;
  bool busy = false;  ///< a request has been read and is not yet answered
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpOptions options, std::shared_ptr<const Router> router, Metrics& metrics)
      : options_(std::move(options)),
        router_(std::move(router)),
        metrics_(metrics),
        rejected_(metrics.counter("pactwatch_http_connections_rejected_total",
                                  "Connections closed at once because max_connections were open.")),
        workers_(std::max(1u, options_.worker_threads)),
        ioc_(static_cast<int>(std::max(1u, options_.io_threads))),
        acceptor_(asio::make_strand(ioc_)) {}

  ~Impl() {
    stop();
    wait();
  }

  void start();
  std::uint16_t port() const { return port_.load(); }
  void stop();
  void wait();
  int run_until_signalled();

 private:
  asio::awaitable<void> listen();
  asio::awaitable<void> session(std::shared_ptr<Connection> connection);
  asio::awaitable<void> read_header(Connection& connection, beast::flat_buffer& buffer, RequestParser& parser,
                                    bool first, boost::system::error_code& ec);
  asio::awaitable<void> read_body(Connection& connection, beast::flat_buffer& buffer, RequestParser& parser,
                                  boost::system::error_code& ec);
  asio::awaitable<Response> dispatch(Request& request);
  asio::awaitable<void> drain();
  asio::awaitable<void> write(Connection& connection, Method method, Response response,
                              std::string_view request_id, bool keep_alive, boost::system::error_code& ec);
  asio::awaitable<void> lingering_close(Connection& connection);
  void finish(const Request& request, int status, std::size_t bytes, Clock::time_point started);
  void close_connections(bool force);

  HttpOptions options_;
  std::shared_ptr<const Router> router_;
  Metrics& metrics_;
  Counter& rejected_;
  std::atomic<bool> started_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> abandon_{false};  ///< shutdown grace is over: queued blocking work answers 503
  std::atomic<std::size_t> pending_blocking_{0};
  std::atomic<std::uint16_t> port_{0};  ///< set by start(), read from any thread

  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;

  std::mutex join_mutex_;
  std::vector<std::thread> threads_;
  // Destroyed in reverse order: the acceptor, then the io_context (whose coroutine frames use everything
  // above), then the worker pool, which wait() has joined.
  asio::thread_pool workers_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_;
};

void HttpServer::Impl::start() {
  if (started_.load()) return;
  try {
    tcp::endpoint endpoint(asio::ip::make_address(options_.host), options_.port);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(asio::socket_base::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen(asio::socket_base::max_listen_connections);
    port_ = acceptor_.local_endpoint().port();
  } catch (const boost::system::system_error& e) {
    // Not started: stop() and the destructor must not wait for threads that never ran. Callers see the
    // standard exception type the header promises.
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    throw std::system_error(std::error_code(e.code().value(), std::system_category()),
                            "listen on " + options_.host + ":" + std::to_string(options_.port));
  }
  started_ = true;
  asio::co_spawn(acceptor_.get_executor(), listen(), asio::detached);
  for (unsigned i = 0; i < std::max(1u, options_.io_threads); ++i) {
    threads_.emplace_back([this] {
      t_on_io_thread = true;
      for (;;) {
        try {
          ioc_.run();
          break;
        } catch (const std::exception& e) {
          log_event("error", "io_thread_exception", {{"what", e.what()}});
        }
      }
    });
  }
  log_event("info", "http_listening",
            {{"host", options_.host},
             {"port", port_.load()},
             {"io_threads", options_.io_threads},
             {"worker_threads", options_.worker_threads}});
}

void HttpServer::Impl::stop() {
  if (!started_.load() || stopping_.exchange(true)) return;
  log_event("info", "http_stopping", {{"grace_ms", options_.shutdown_grace.count()}});
  auto closed = std::make_shared<std::promise<void>>();
  auto done = closed->get_future();
  asio::dispatch(acceptor_.get_executor(), [this, closed] {
    boost::system::error_code ec;
    acceptor_.close(ec);
    closed->set_value();
    close_connections(false);
    asio::co_spawn(ioc_, drain(), asio::detached);
  });
  // From outside the I/O threads, return only once new connections are refused.
  if (!t_on_io_thread) done.wait();
}

void HttpServer::Impl::wait() {
  std::lock_guard lock(join_mutex_);
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  workers_.join();
}

int HttpServer::Impl::run_until_signalled() {
  // Handlers first, then start (if main has not): once the server answers, a signal is handled.
  asio::signal_set signals(ioc_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log_event("info", "signal_received", {{"signal", signal}});
    stop();
  });
  start();
  wait();
  log_event("info", "http_stopped", nullptr);
  return 0;
}

void HttpServer::Impl::close_connections(bool force) {
  std::vector<std::shared_ptr<Connection>> snapshot;
  {
    std::lock_guard lock(connections_mutex_);
    snapshot.assign(connections_.begin(), connections_.end());
  }
  for (auto& connection : snapshot) {
    // Each connection is closed on its own strand; busy ones are left to finish unless forced.
    asio::post(connection->stream.get_executor(), [connection, force] {
      if (force || !connection->busy) connection->stream.cancel();
      if (force) connection->stream.close();
    });
  }
}

asio::awaitable<void> HttpServer::Impl::drain() {
  auto deadline = Clock::now() + options_.shutdown_grace;
  asio::steady_timer timer(co_await asio::this_coro::executor);
  auto open = [this] {
    std::lock_guard lock(connections_mutex_);
    return connections_.size();
  };
  while (open() > 0 && Clock::now() < deadline) {
    timer.expires_after(std::chrono::milliseconds(10));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  if (auto left = open(); left > 0) {
    log_event("warn", "http_shutdown_grace_expired", {{"open_connections", left}});
    abandon_ = true;
    close_connections(true);
    timer.expires_after(std::chrono::milliseconds(100));
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
  }
  ioc_.stop();
}

asio::awaitable<void> HttpServer::Impl::listen() {
  for (;;) {
    boost::system::error_code ec;
    // The new connection gets its own strand, so a multi-threaded io_context never runs it concurrently.
    tcp::socket socket = co_await acceptor_.async_accept(asio::make_strand(ioc_),
                                                         asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) co_return;
    if (ec) {
      // Out of descriptors and the like: back off instead of spinning.
      log_event("warn", "accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(acceptor_.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    auto connection = std::make_shared<Connection>(std::move(socket));
    {
      std::lock_guard lock(connections_mutex_);
      if (connections_.size() >= options_.max_connections) {
        rejected_.inc();
        connection->stream.close();
        continue;
      }
      connections_.insert(connection);
    }
    metrics_.open_connections().add(1);
    auto executor = connection->stream.get_executor();
    asio::co_spawn(executor, session(std::move(connection)), asio::detached);
  }
}

asio::awaitable<Response> HttpServer::Impl::dispatch(Request& request) {
  auto match = router_->resolve(request.method, request.path);
  if (auto problem = routing_problem(match, request)) co_return std::move(*problem);
  if (match.execution == Execution::inline_io) co_return invoke_handler(*match.handler, request);

  // Blocking work goes to the worker pool; when too much is queued already, shed load early.
  if (pending_blocking_.fetch_add(1) >= options_.max_pending_blocking) {
    pending_blocking_.fetch_sub(1);
    auto response =
        transport_problem(503, "The server is overloaded; retry shortly.", request.request_id, request.path);
    response.headers.set("Retry-After", "1");
    co_return response;
  }
  const Handler* handler = match.handler;
  Response response = co_await asio::co_spawn(
      workers_.get_executor(),
      [this, handler, &request]() -> asio::awaitable<Response> {
        if (abandon_) {
          co_return transport_problem(503, "The server is shutting down.", request.request_id, request.path);
        }
        co_return invoke_handler(*handler, request);
      },
      asio::use_awaitable);
  pending_blocking_.fetch_sub(1);
  co_return response;
}

asio::awaitable<void> HttpServer::Impl::write(Connection& connection, Method method, Response response,
                                              std::string_view request_id, bool keep_alive,
                                              boost::system::error_code& ec) {
  BeastResponse res{static_cast<http::status>(response.status), 11};
  res.set(http::field::server, "pactwatch");
  res.set(http::field::date, http_date());
  if (!response.body.empty() || method == Method::head)
    res.set(http::field::content_type, response.content_type);
  res.set(kRequestIdHeader, request_id);
  for (const auto& [name, value] : response.headers.fields())
    res.insert(name, value);
  res.body() = std::move(response.body);
  res.keep_alive(keep_alive);
  res.prepare_payload();
  // HEAD: the same headers as GET, Content-Length included, and no body.
  if (method == Method::head) res.body().clear();
  connection.stream.expires_after(options_.body_timeout);
  co_await http::async_write(connection.stream, res, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> HttpServer::Impl::lingering_close(Connection& connection) {
  // Closing with unread input makes the kernel send RST, which can destroy the error response we just
  // wrote. Shut down our side, then read and discard what the client still sends, for a bounded time.
  boost::system::error_code ec;
  connection.stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  connection.stream.expires_after(std::chrono::seconds(1));
  std::array<char, 16 * 1024> scratch{};
  std::size_t drained = 0;
  while (!ec && drained <= options_.max_body_bytes + options_.max_header_bytes) {
    drained += co_await connection.stream.async_read_some(asio::buffer(scratch),
                                                          asio::redirect_error(asio::use_awaitable, ec));
  }
  connection.stream.close();
}

void HttpServer::Impl::finish(const Request& request, int status, std::size_t bytes,
                              Clock::time_point started) {
  auto duration = Clock::now() - started;
  metrics_.record_request(request.route, method_name(request.method), status, duration);
  if (options_.access_log) {
    log_request(AccessRecord{request.request_id, method_name(request.method), request.route, status,
                             std::chrono::duration_cast<std::chrono::nanoseconds>(duration), bytes,
                             request.client_address});
  }
}

asio::awaitable<void> HttpServer::Impl::read_header(Connection& connection, beast::flat_buffer& buffer,
                                                    RequestParser& parser, bool first,
                                                    boost::system::error_code& ec) {
  auto& stream = connection.stream;
  // Between keep-alive requests wait up to idle_timeout for the first byte; then the header deadline.
  if (!first && buffer.size() == 0) {
    stream.expires_after(options_.idle_timeout);
    auto n =
        co_await stream.async_read_some(buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    buffer.commit(n);
  }
  // The first request's header deadline runs from the accept; later ones from their first byte.
  if (first) stream.expires_after(options_.header_timeout);
  apply_limits(parser, options_);
  // Parse what is buffered first: the whole header usually came in the idle read, and parsing it here
  // saves a round trip through the strand. An incomplete header is left for async_read_header.
  if (buffer.size() > 0) {
    buffer.consume(parser.put(buffer.data(), ec));
    if (ec == http::error::need_more) ec = {};
  }
  if (!ec && !parser.is_header_done()) {
    if (!first) stream.expires_after(options_.header_timeout);
    co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
  }
}

asio::awaitable<void> HttpServer::Impl::read_body(Connection& connection, beast::flat_buffer& buffer,
                                                  RequestParser& parser, boost::system::error_code& ec) {
  auto& stream = connection.stream;
  if (parser.is_done()) co_return;
  if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
    http::response<http::empty_body> go_on{http::status::continue_, 11};
    stream.expires_after(options_.body_timeout);
    co_await http::async_write(stream, go_on, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
  }
  stream.expires_after(options_.body_timeout);
  co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
}

asio::awaitable<void> HttpServer::Impl::session(std::shared_ptr<Connection> connection) {
  struct Unregister {
    Impl* self;
    std::shared_ptr<Connection> connection;
    ~Unregister() {
      self->metrics_.open_connections().add(-1);
      std::lock_guard lock(self->connections_mutex_);
      self->connections_.erase(connection);
    }
  } unregister{this, connection};

  auto& stream = connection->stream;
  std::string client = peer_address(stream);
  beast::flat_buffer buffer;
  try {
    for (bool first = true;; first = false) {
      // Once stopping, a connection that finished its request is closed instead of waiting for another.
      if (stopping_.load()) break;
      boost::system::error_code ec;
      RequestParser parser;
      co_await read_header(*connection, buffer, parser, first, ec);
      auto started = Clock::now();
      // The peer went away, a deadline passed, or the server is stopping: close without an answer.
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
          ec == http::error::partial_message || ec == asio::error::eof) {
        break;
      }

      Request request = start_request(parser, !ec, client);

      connection->busy = true;
      metrics_.in_flight().add(1);
      // Errors found in the header are answered before any body is read; the connection then closes.
      std::optional<Response> response = header_problem(ec, parser, options_, request.request_id);
      const bool refused_header = response.has_value();
      if (!response) {
        co_await read_body(*connection, buffer, parser, ec);
        if (ec == beast::error::timeout || ec == asio::error::operation_aborted) {
          metrics_.in_flight().add(-1);
          break;
        }
        if (ec) response = header_problem(ec, parser, options_, request.request_id);
      }
      if (!response) response = complete_request(request, parser.get());
      if (!response) response = co_await dispatch(request);
      localize_problem(*response, language_of(request));  // Chinese unless Accept-Language prefers en

      // After a refused header the rest of the input cannot be framed: never read it as another request.
      bool complete = parser.is_done() && !refused_header;
      bool keep_alive = complete && parser.get().keep_alive() && !stopping_.load();
      auto status = response->status;
      auto bytes = request.method == Method::head ? 0 : response->body.size();
      co_await write(*connection, request.method, std::move(*response), request.request_id, keep_alive, ec);
      connection->busy = false;
      metrics_.in_flight().add(-1);
      finish(request, status, bytes, started);
      if (ec) break;
      if (!complete) {
        co_await lingering_close(*connection);
        co_return;
      }
      if (!keep_alive) {
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        break;
      }
    }
  } catch (const std::exception& e) {
    log_event("error", "session_exception", {{"what", e.what()}, {"client", client}});
  }
  boost::system::error_code ignored;
  stream.socket().close(ignored);
}

HttpServer::HttpServer(HttpOptions options, std::shared_ptr<const Router> router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router), metrics)) {}
HttpServer::~HttpServer() = default;
void HttpServer::start() {
  impl_->start();
}
std::uint16_t HttpServer::port() const {
  return impl_->port();
}
void HttpServer::stop() {
  impl_->stop();
}
void HttpServer::wait() {
  impl_->wait();
}
int HttpServer::run_until_signalled() {
  return impl_->run_until_signalled();
}

}  // namespace pactwatch::server
